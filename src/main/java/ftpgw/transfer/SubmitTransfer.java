package ftpgw.transfer;

import io.vertx.core.json.JsonObject;

/**
 * Hands a spooled transfer to the delivery.
 *
 * @param async true: journal it and answer at once; false: answer when it is final (the caller may
 *     give up waiting)
 */
public record SubmitTransfer(Transfer transfer, boolean async) {

  public JsonObject toJson() {
    return new JsonObject().put("transfer", transfer.toJson()).put("async", async);
  }

  public static SubmitTransfer fromJson(JsonObject json) {
    return new SubmitTransfer(
        Transfer.fromJson(json.getJsonObject("transfer")), json.getBoolean("async"));
  }
}
