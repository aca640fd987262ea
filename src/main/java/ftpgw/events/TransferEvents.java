package ftpgw.events;

import ftpgw.cluster.ClusterView;
import ftpgw.transfer.Addresses;
import ftpgw.transfer.Transfer;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Publishes transfer changes cluster-wide on {@link Addresses#TRANSFER_EVENTS}. Called where every
 * state change already passes (the status store), so every kind of upload produces events without
 * code of its own.
 */
public final class TransferEvents {
  /**
   * One sequence per JVM: several Vert.x instances (tests) still never repeat an event id on one
   * node.
   */
  private static final AtomicLong SEQUENCE = new AtomicLong();

  private final EventBus bus;
  private final String node;

  public TransferEvents(Vertx vertx) {
    this.bus = vertx.eventBus();
    this.node = ClusterView.of(vertx).nodeId();
  }

  /** Publishes {@code transfer}'s current state. */
  public void changed(Transfer transfer) {
    publish(transfer, null);
  }

  /**
   * A sink for the byte counts of a body as it is spooled: publishes {@code receiving} events with
   * the count, at most one per {@code interval}. Thread-safe (spool threads call it).
   *
   * @param totalBytes the declared length, or null when the body is chunked
   */
  public LongConsumer progress(Transfer receiving, Long totalBytes, Duration interval) {
    long every = interval.toNanos();
    AtomicLong last = new AtomicLong(System.nanoTime());
    return bytes -> {
      long now = System.nanoTime();
      long before = last.get();
      if (now - before >= every && last.compareAndSet(before, now)) {
        Transfer progress =
            new Transfer(
                receiving.id(),
                receiving.path(),
                receiving.state(),
                bytes,
                null,
                0,
                null,
                null,
                receiving.createdAt(),
                receiving.updatedAt(),
                null,
                false,
                receiving.owner());
        publish(progress, totalBytes);
      }
    };
  }

  private void publish(Transfer transfer, Long totalBytes) {
    String eventId = node + "-" + SEQUENCE.incrementAndGet();
    var json = TransferEvent.of(eventId, transfer, totalBytes, node).toJson();
    bus.publish(Addresses.TRANSFER_EVENTS, json);
    if (transfer.owner() != null) {
      bus.publish(Addresses.transferEventsOf(transfer.owner().name()), json);
    }
  }
}
