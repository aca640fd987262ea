package ftpgw.transfer;

import io.vertx.core.json.JsonObject;

/**
 * A relay node asks an edge for bytes {@code [offset, offset + length)} of a transfer's body.
 *
 * @param lease the lease of the {@link RemoteRelayRequest} being served
 * @param relayNode the asking node's cluster id: the edge gives the transfer to another relay when
 *     it leaves
 */
public record ChunkRequest(
    String transferId, String lease, String relayNode, long offset, int length) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("transferId", transferId)
        .put("lease", lease)
        .put("relayNode", relayNode)
        .put("offset", offset)
        .put("length", length);
  }

  public static ChunkRequest fromJson(JsonObject json) {
    return new ChunkRequest(
        json.getString("transferId"),
        json.getString("lease"),
        json.getString("relayNode"),
        json.getLong("offset"),
        json.getInteger("length"));
  }
}
