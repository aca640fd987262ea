package ftpgw.transfer;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One piece of a body spooled as several files (a tus final concatenation: its partials' bytes, in
 * order, never copied into one file).
 *
 * @param file absolute path of the piece on the spooling node (internal: never shown to clients)
 * @param bytes its exact length
 */
public record BodyPart(String file, long bytes) {

  public JsonObject toJson() {
    return new JsonObject().put("file", file).put("bytes", bytes);
  }

  public static BodyPart fromJson(JsonObject json) {
    return new BodyPart(json.getString("file"), json.getLong("bytes"));
  }

  /**
   * The pieces as a JSON array; null for none (a body in one file), so that JSON stays as it was.
   */
  public static JsonArray toJson(List<BodyPart> parts) {
    if (parts == null || parts.isEmpty()) {
      return null;
    }
    JsonArray array = new JsonArray();
    parts.forEach(p -> array.add(p.toJson()));
    return array;
  }

  /** The pieces from {@link #toJson(List)}; empty for null. */
  public static List<BodyPart> listFromJson(JsonArray array) {
    if (array == null) {
      return List.of();
    }
    List<BodyPart> parts = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      parts.add(fromJson(array.getJsonObject(i)));
    }
    return List.copyOf(parts);
  }
}
