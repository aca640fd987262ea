package ftpgw.delivery;

import ftpgw.events.TransferEvents;
import ftpgw.transfer.Owner;
import ftpgw.transfer.Transfer;
import ftpgw.transfer.TransferState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * What {@code /transfers} shows: every transfer's latest state, in a Vert.x shared map (local to
 * the process, or cluster-wide with backups when clustered). Finished transfers expire after the
 * retention time. Every change put here is also published as a transfer event: this is the one path
 * all state changes take.
 */
public final class TransferStatusStore {
  static final String MAP_NAME = "ftpgw.transfers";

  private final Future<AsyncMap<String, JsonObject>> map;
  private final Duration retention;
  private final TransferEvents events;

  /**
   * Progress events of bodies being spooled (they are not stored: only their final count matters).
   */
  public TransferEvents events() {
    return events;
  }

  public TransferStatusStore(Vertx vertx, Duration retention) {
    this.map = vertx.sharedData().getAsyncMap(MAP_NAME);
    this.retention = retention;
    this.events = new TransferEvents(vertx);
  }

  public Future<Void> put(Transfer transfer) {
    JsonObject json = transfer.toJson();
    // published once stored: a client told of a change finds the same state at /transfers/{id}
    return map.compose(
            m ->
                transfer.state().isFinal()
                    ? m.put(transfer.id(), json, retention.toMillis())
                    : m.put(transfer.id(), json))
        .onSuccess(v -> events.changed(transfer));
  }

  /** The transfer, or null when it is unknown or expired. */
  public Future<Transfer> get(String id) {
    return map.compose(m -> m.get(id)).map(json -> json == null ? null : Transfer.fromJson(json));
  }

  /**
   * One page of transfers, newest first, optionally only those in {@code state}; only {@code
   * caller}'s own unless it is null (no authentication).
   */
  public Future<JsonObject> list(Owner caller, TransferState state, int limit, int offset) {
    return map.compose(AsyncMap::values)
        .map(
            values -> {
              List<Transfer> matching =
                  values.stream()
                      .map(Transfer::fromJson)
                      .filter(t -> t.visibleTo(caller))
                      .filter(t -> state == null || t.state() == state)
                      .sorted(
                          Comparator.comparing(Transfer::createdAt)
                              .reversed()
                              .thenComparing(Transfer::id))
                      .toList();
              JsonArray items = new JsonArray();
              matching.stream().skip(offset).limit(limit).forEach(t -> items.add(t.toApiJson()));
              return new JsonObject()
                  .put("items", items)
                  .put("total", matching.size())
                  .put("limit", limit)
                  .put("offset", offset);
            });
  }
}
