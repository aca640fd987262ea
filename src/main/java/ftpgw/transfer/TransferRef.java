package ftpgw.transfer;

import io.vertx.core.json.JsonObject;

/** Names one transfer in a request about it. */
public record TransferRef(String id) {

  public JsonObject toJson() {
    return new JsonObject().put("id", id);
  }

  public static TransferRef fromJson(JsonObject json) {
    return new TransferRef(json.getString("id"));
  }
}
