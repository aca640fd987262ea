package ftpgw.events;

import ftpgw.transfer.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The latest transfer events of the whole cluster, as this node received them: a bounded buffer for
 * {@code Last-Event-ID} replay, and the listeners (SSE clients) that want each new one. Confined to
 * the context that created it (one per HTTP verticle instance), so it needs no locks.
 */
public final class EventBuffer {
  private final int capacity;
  private final ArrayDeque<TransferEvent> recent;
  private final Set<Consumer<TransferEvent>> listeners = new LinkedHashSet<>();
  private MessageConsumer<JsonObject> consumer;

  public EventBuffer(int capacity) {
    this.capacity = capacity;
    this.recent = new ArrayDeque<>(Math.min(capacity, 1024));
  }

  /**
   * Starts listening to the cluster's events; completes once the consumer is registered everywhere.
   */
  public Future<Void> start(Vertx vertx) {
    consumer =
        vertx
            .eventBus()
            .consumer(Addresses.TRANSFER_EVENTS, m -> add(TransferEvent.fromJson(m.body())));
    return consumer.completion();
  }

  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  void add(TransferEvent event) {
    if (recent.size() == capacity) {
      recent.pollFirst();
    }
    recent.addLast(event);
    for (Consumer<TransferEvent> listener : List.copyOf(listeners)) {
      listener.accept(event);
    }
  }

  /**
   * The buffered events after the one with {@code lastEventId}, oldest first: none for a new client
   * (null), all buffered ones when that id is no longer buffered (it missed more than the buffer
   * holds: it should reread {@code /transfers}).
   */
  public Replay after(String lastEventId) {
    List<TransferEvent> all = new ArrayList<>(recent);
    if (lastEventId == null) {
      return new Replay(List.of(), true);
    }
    for (int i = all.size() - 1; i >= 0; i--) {
      if (all.get(i).eventId().equals(lastEventId)) {
        return new Replay(List.copyOf(all.subList(i + 1, all.size())), true);
      }
    }
    return new Replay(all, false);
  }

  /**
   * @param complete false when the id asked for was not buffered: events may have been missed
   *     before these
   */
  public record Replay(List<TransferEvent> events, boolean complete) {}

  public void listen(Consumer<TransferEvent> listener) {
    listeners.add(listener);
  }

  public void forget(Consumer<TransferEvent> listener) {
    listeners.remove(listener);
  }

  public int listeners() {
    return listeners.size();
  }
}
