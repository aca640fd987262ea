package ftpgw.files;

import io.vertx.core.json.JsonObject;

/**
 * Asks a relay node for the next chunk of a download session, or (cancel) to end it early and free
 * its FTP connection.
 */
public record ChunkPull(String session, boolean cancel) {

  public JsonObject toJson() {
    return new JsonObject().put("session", session).put("cancel", cancel);
  }

  public static ChunkPull fromJson(JsonObject json) {
    return new ChunkPull(json.getString("session"), json.getBoolean("cancel", false));
  }
}
