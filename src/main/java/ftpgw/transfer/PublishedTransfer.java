package ftpgw.transfer;

import io.vertx.core.json.JsonObject;

/**
 * Tells the delivery about a transfer that is already on the FTP server (relayed while it arrived).
 *
 * @param transfer the transfer, delivered
 * @param relayMillis how long its relay attempt took
 */
public record PublishedTransfer(Transfer transfer, long relayMillis) {

  public JsonObject toJson() {
    return new JsonObject().put("transfer", transfer.toJson()).put("relayMillis", relayMillis);
  }

  public static PublishedTransfer fromJson(JsonObject json) {
    return new PublishedTransfer(
        Transfer.fromJson(json.getJsonObject("transfer")), json.getLong("relayMillis"));
  }
}
