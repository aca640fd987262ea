package ftpgw.files;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One file or folder on the FTP server, as MLST/MLSD (or SIZE, MDTM and LIST) describe it.
 *
 * @param modified null when the server does not say
 */
public record RemoteEntry(String name, boolean folder, long size, Instant modified) {

  /**
   * The API's form: {@code {name, type: "file"|"folder", size, modified}} (ISO-8601 instant, null
   * when unknown).
   */
  public JsonObject toJson() {
    return new JsonObject()
        .put("name", name)
        .put("type", folder ? "folder" : "file")
        .put("size", size)
        .put("modified", modified == null ? null : modified.toString());
  }

  public static RemoteEntry fromJson(JsonObject json) {
    String modified = json.getString("modified");
    return new RemoteEntry(
        json.getString("name"),
        "folder".equals(json.getString("type")),
        json.getLong("size", 0L),
        modified == null ? null : Instant.parse(modified));
  }
}
