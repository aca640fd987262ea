package ftpgw.events;

import ftpgw.transfer.Transfer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One change of one transfer, as published on {@link ftpgw.transfer.Addresses#TRANSFER_EVENTS} and
 * shown on {@code GET /events}, the bridges and the hooks: one schema for every consumer.
 *
 * @param eventId unique per event (node id + sequence): SSE {@code id:}, and what a hook receiver
 *     drops repeats by
 * @param state the transfer's state ({@code receiving} with growing {@code bytes} for progress)
 * @param totalBytes the size the body will have, when known (declared up front, or once it is
 *     spooled); else null
 * @param owner the user the transfer belongs to; null when the gateway has no authentication
 * @param node the cluster node that made the change
 * @param error the last failure's message; null when there is none
 */
public record TransferEvent(
    String eventId,
    String id,
    String path,
    String state,
    long bytes,
    Long totalBytes,
    String sha256,
    String owner,
    String node,
    int attempts,
    String error,
    Instant at) {

  /** The event for {@code transfer} as it is now. */
  public static TransferEvent of(String eventId, Transfer transfer, Long totalBytes, String node) {
    Long total =
        totalBytes != null ? totalBytes : transfer.sha256() != null ? transfer.bytes() : null;
    return new TransferEvent(
        eventId,
        transfer.id(),
        transfer.path(),
        transfer.state().apiName(),
        transfer.bytes(),
        total,
        transfer.sha256(),
        transfer.owner() == null ? null : transfer.owner().name(),
        node,
        transfer.attempts(),
        transfer.lastError(),
        Instant.now());
  }

  /**
   * Whether the user {@code caller} may see it: everyone when there is no authentication (null),
   * else its owner.
   */
  public boolean visibleTo(String caller) {
    return caller == null || caller.equals(owner);
  }

  public boolean isFinal() {
    return state.equals("delivered") || state.equals("failed") || state.equals("cancelled");
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("eventId", eventId)
        .put("id", id)
        .put("path", path)
        .put("state", state)
        .put("bytes", bytes)
        .put("totalBytes", totalBytes)
        .put("sha256", sha256)
        .put("owner", owner)
        .put("node", node)
        .put("attempts", attempts)
        .put("error", error)
        .put("at", at.toString());
  }

  public static TransferEvent fromJson(JsonObject json) {
    return new TransferEvent(
        json.getString("eventId"),
        json.getString("id"),
        json.getString("path"),
        json.getString("state"),
        json.getLong("bytes", 0L),
        json.getLong("totalBytes"),
        json.getString("sha256"),
        json.getString("owner"),
        json.getString("node"),
        json.getInteger("attempts", 0),
        json.getString("error"),
        Instant.parse(json.getString("at")));
  }
}
