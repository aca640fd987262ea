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
 *
 * <p>Events are kept as they arrive (each consumer gets its own copy of the JSON) and read into
 * {@link TransferEvent}s only when someone wants them: with nobody listening, parsing each one (its
 * time stamp above all) cost about 3 % of a small upload's CPU, several events per upload, once per
 * HTTP verticle instance.
 */
public final class EventBuffer {
  /** A buffered event, read from its JSON on first use. */
  private static final class Entry {
    private final JsonObject json;
    private TransferEvent event;

    Entry(JsonObject json, TransferEvent event) {
      this.json = json;
      this.event = event;
    }

    TransferEvent event() {
      if (event == null) {
        event = TransferEvent.fromJson(json);
      }
      return event;
    }

    String eventId() {
      return event != null ? event.eventId() : json.getString("eventId");
    }
  }

  private final int capacity;
  private final ArrayDeque<Entry> recent;
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
    consumer = vertx.eventBus().consumer(Addresses.TRANSFER_EVENTS, m -> add(m.body()));
    return consumer.completion();
  }

  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  void add(TransferEvent event) {
    keep(new Entry(null, event));
    tell(event);
  }

  private void add(JsonObject json) {
    Entry entry = new Entry(json, null);
    keep(entry);
    if (!listeners.isEmpty()) {
      tell(entry.event());
    }
  }

  private void keep(Entry entry) {
    if (recent.size() == capacity) {
      recent.pollFirst();
    }
    recent.addLast(entry);
  }

  private void tell(TransferEvent event) {
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
    if (lastEventId == null) {
      return new Replay(List.of(), true);
    }
    List<Entry> all = new ArrayList<>(recent);
    for (int i = all.size() - 1; i >= 0; i--) {
      if (lastEventId.equals(all.get(i).eventId())) {
        return new Replay(events(all.subList(i + 1, all.size())), true);
      }
    }
    return new Replay(events(all), false);
  }

  /**
   * @param complete false when the id asked for was not buffered: events may have been missed
   *     before these
   */
  public record Replay(List<TransferEvent> events, boolean complete) {}

  private static List<TransferEvent> events(List<Entry> entries) {
    List<TransferEvent> events = new ArrayList<>(entries.size());
    entries.forEach(entry -> events.add(entry.event()));
    return List.copyOf(events);
  }

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
