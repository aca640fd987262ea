package ftpgw.delivery;

import ftpgw.transfer.Transfer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * What the delivery counts for {@code /metrics}: uploads and bytes in and out, relay latency,
 * retries, outcomes.
 */
final class DeliveryMetrics {
  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(10),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofMinutes(1),
    Duration.ofMinutes(5)
  };

  private final MeterRegistry registry;
  private final Counter uploads;
  private final Counter bytesIn;
  private final Counter bytesOut;
  private final Counter retries;
  private final Counter unspooled;
  private final Timer relayed;
  private final Timer relayFailed;

  DeliveryMetrics(MeterRegistry registry, Supplier<Number> queueDepth, Supplier<Number> inFlight) {
    this.registry = registry;
    uploads =
        Counter.builder("ftpgw.uploads")
            .description("uploads accepted for delivery")
            .register(registry);
    bytesIn =
        Counter.builder("ftpgw.bytes.in")
            .description("bytes of accepted uploads")
            .register(registry);
    bytesOut =
        Counter.builder("ftpgw.bytes.out")
            .description("bytes published on the FTP server")
            .register(registry);
    unspooled =
        Counter.builder("ftpgw.uploads.unspooled")
            .description("small uploads published from memory, never written to the spool")
            .register(registry);
    retries =
        Counter.builder("ftpgw.retries")
            .description("relay attempts that failed and will be tried again")
            .register(registry);
    relayed = relayTimer("success");
    relayFailed = relayTimer("failure");
    Gauge.builder("ftpgw.queue.depth", queueDepth, s -> s.get().doubleValue())
        .description("transfers waiting for a relay (or for their next attempt's turn)")
        .strongReference(true)
        .register(registry);
    Gauge.builder("ftpgw.relays.in.flight", inFlight, s -> s.get().doubleValue())
        .description("relay attempts in progress")
        .strongReference(true)
        .register(registry);
  }

  void accepted(Transfer transfer) {
    uploads.increment();
    bytesIn.increment((double) transfer.bytes());
  }

  /** An upload published from memory ({@code delivery.smallBodyBytes}). */
  void unspooled() {
    unspooled.increment();
  }

  void attempted(Transfer transfer, Duration took, boolean succeeded) {
    (succeeded ? relayed : relayFailed).record(took);
    if (succeeded) {
      bytesOut.increment((double) transfer.bytes());
    }
  }

  void retrying() {
    retries.increment();
  }

  void finished(Transfer transfer) {
    registry.counter("ftpgw.transfers.finished", "state", transfer.state().apiName()).increment();
  }

  private Timer relayTimer(String outcome) {
    return Timer.builder("ftpgw.relay.latency")
        .description("one relay attempt, FTP publish (and cluster hop) included")
        .tag("outcome", outcome)
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry);
  }
}
