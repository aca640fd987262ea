package ftpgw.delivery;

import ftpgw.config.DeliveryConfig;
import ftpgw.events.TransferEvents;
import ftpgw.transfer.Owner;
import ftpgw.transfer.Transfer;
import ftpgw.transfer.TransferState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@code /transfers} shows: every transfer's latest state, in a Vert.x shared map (local to
 * the process, or cluster-wide with backups when clustered). Finished transfers expire after the
 * retention time, and past {@link DeliveryConfig#retainedTransfers} finished ones stored by this
 * node the oldest goes at once: a node taking hundreds of small files a second would otherwise fill
 * its heap with a day's statuses. Every change put here is also published as a transfer event: this
 * is the one path all state changes take.
 */
public final class TransferStatusStore {
  static final String MAP_NAME = "ftpgw.transfers";

  private final Future<AsyncMap<String, JsonObject>> map;
  private final Duration retention;
  private final int retained;
  private final Finished finished;
  private final TransferEvents events;

  /**
   * Progress events of bodies being spooled (they are not stored: only their final count matters).
   */
  public TransferEvents events() {
    return events;
  }

  public TransferStatusStore(Vertx vertx, DeliveryConfig config) {
    this.map = vertx.sharedData().getAsyncMap(MAP_NAME);
    this.retention = config.retention();
    this.retained = config.retainedTransfers();
    this.finished = Finished.of(vertx);
    this.events = new TransferEvents(vertx);
  }

  public Future<Void> put(Transfer transfer) {
    JsonObject json = transfer.toJson();
    // published once stored: a client told of a change finds the same state at /transfers/{id}
    return map.compose(
            m -> {
              if (!transfer.state().isFinal()) {
                return m.put(transfer.id(), json);
              }
              for (String oldest : finished.add(transfer.id(), retained)) {
                m.remove(oldest);
              }
              return m.put(transfer.id(), json, retention.toMillis());
            })
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

  /**
   * The ids of the finished transfers this process stored, oldest first, shared by every store of
   * one Vert.x instance (the HTTP verticles and the delivery each have one). An id whose status
   * expired meanwhile stays until it is pushed out: the set is bounded by the limit either way.
   */
  private static final class Finished implements Shareable {
    private static final String LOCAL_MAP = "ftpgw.transfers.finished";

    private final Set<String> ids = new LinkedHashSet<>();

    static Finished of(Vertx vertx) {
      LocalMap<String, Finished> holder = vertx.sharedData().getLocalMap(LOCAL_MAP);
      Finished fresh = new Finished();
      Finished known = holder.putIfAbsent(LOCAL_MAP, fresh);
      return known == null ? fresh : known;
    }

    /** Records {@code id} as finished; returns the ids to forget to stay within {@code limit}. */
    synchronized List<String> add(String id, int limit) {
      ids.add(id);
      if (ids.size() <= limit) {
        return List.of();
      }
      List<String> forget = new ArrayList<>();
      Iterator<String> oldest = ids.iterator();
      while (ids.size() > limit) {
        forget.add(oldest.next());
        oldest.remove();
      }
      return forget;
    }
  }
}
