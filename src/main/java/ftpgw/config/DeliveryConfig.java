package ftpgw.config;

import static ftpgw.config.ConfigReader.require;

import java.time.Duration;

/**
 * How accepted uploads are delivered: retries, waiting clients, status retention, shutdown.
 *
 * @param syncTimeout a client that did not ask for async gets 202 + Location after waiting this
 *     long
 * @param maxAttempts attempts of a synchronous upload not yet accepted before its client is told
 *     the failure (transient FTP failures only; permanent ones fail at once). An accepted (202,
 *     journalled) upload is retried until {@code maxAge}, a cancel or a permanent refusal
 * @param initialBackoff wait before the second attempt; doubled each time (with jitter) up to
 *     {@code maxBackoff}
 * @param maxBackoff longest wait between attempts
 * @param maxAge a transfer not delivered this long after it was accepted fails
 * @param retention finished transfers stay visible at {@code /transfers} this long
 * @param retainedTransfers at most this many finished transfers stay visible per node (the oldest
 *     go first): their status is the gateway's memory that grows with the number of uploads, about
 *     2 KiB each
 * @param shutdownGrace on shutdown, relays in progress get this long to finish; the rest stays
 *     journalled
 * @param cutThroughBytes a synchronous {@code PUT} declaring at least this many bytes (or a form
 *     whose file would be that long were it the last part) starts its FTP upload while the body
 *     still arrives, on a node that relays itself; 0 turns this off
 * @param smallBodyBytes a synchronous {@code PUT} declaring at most this many bytes (or a form that
 *     long) is received in memory and published straight from there, on a node that relays itself:
 *     no spool file unless that first attempt fails (then it is spooled and delivered as any other
 *     upload); 0 turns this off
 */
public record DeliveryConfig(
    Duration syncTimeout,
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration maxAge,
    Duration retention,
    int retainedTransfers,
    Duration shutdownGrace,
    long cutThroughBytes,
    int smallBodyBytes) {
  /**
   * The largest {@code smallBodyBytes}: such bodies are held on the heap (at most 8 MiB of them at
   * once, see SmallBody).
   */
  public static final int MAX_SMALL_BODY = 1 << 20;

  public static final DeliveryConfig DEFAULTS =
      new DeliveryConfig(
          Duration.ofMinutes(5),
          10,
          Duration.ofSeconds(1),
          Duration.ofMinutes(1),
          Duration.ofHours(24),
          Duration.ofHours(24),
          10_000,
          Duration.ofSeconds(30),
          1L << 20,
          64 << 10);

  public DeliveryConfig {
    require(syncTimeout.toMillis() > 0, "delivery.syncTimeoutMs must be > 0");
    require(maxAttempts >= 1, "delivery.maxAttempts must be >= 1, got " + maxAttempts);
    require(initialBackoff.toMillis() > 0, "delivery.initialBackoffMs must be > 0");
    require(
        maxBackoff.compareTo(initialBackoff) >= 0,
        "delivery.maxBackoffMs must be >= delivery.initialBackoffMs");
    require(maxAge.toMillis() > 0, "delivery.maxAgeMs must be > 0");
    require(retention.toMillis() > 0, "delivery.retentionMs must be > 0");
    require(
        retainedTransfers >= 1,
        "delivery.retainedTransfers must be >= 1, got " + retainedTransfers);
    require(!shutdownGrace.isNegative(), "delivery.shutdownGraceMs must be >= 0");
    require(cutThroughBytes >= 0, "delivery.cutThroughBytes must be >= 0, got " + cutThroughBytes);
    require(
        smallBodyBytes >= 0 && smallBodyBytes <= MAX_SMALL_BODY,
        "delivery.smallBodyBytes must be in [0, " + MAX_SMALL_BODY + "], got " + smallBodyBytes);
  }

  /** Whether an upload of {@code bytes} (declared up front) may be kept in memory, not spooled. */
  public boolean keepsInMemory(long bytes) {
    return smallBodyBytes > 0 && bytes <= smallBodyBytes;
  }

  /** Whether an upload of {@code bytes} (declared up front) may be relayed while it arrives. */
  public boolean cutsThrough(long bytes) {
    return cutThroughBytes > 0 && bytes >= cutThroughBytes;
  }

  /**
   * The same, with every body spooled, none kept in memory only (an edge node's bodies may cross to
   * relay nodes); a large one is still relayed while it arrives.
   */
  public DeliveryConfig withoutSmallBodies() {
    return withBodies(cutThroughBytes, 0);
  }

  /**
   * The same, with every body spooled whole before it is relayed: no cut-through, no small bodies
   * in memory (an edge node whose bodies cross in event-bus chunks).
   */
  public DeliveryConfig withEveryBodySpooled() {
    return withBodies(0, 0);
  }

  private DeliveryConfig withBodies(long cutThrough, int small) {
    return new DeliveryConfig(
        syncTimeout,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        maxAge,
        retention,
        retainedTransfers,
        shutdownGrace,
        cutThrough,
        small);
  }

  static DeliveryConfig fromJson(ConfigReader json) {
    return new DeliveryConfig(
        json.millis("syncTimeoutMs", DEFAULTS.syncTimeout),
        json.integer("maxAttempts", DEFAULTS.maxAttempts),
        json.millis("initialBackoffMs", DEFAULTS.initialBackoff),
        json.millis("maxBackoffMs", DEFAULTS.maxBackoff),
        json.millis("maxAgeMs", DEFAULTS.maxAge),
        json.millis("retentionMs", DEFAULTS.retention),
        json.integer("retainedTransfers", DEFAULTS.retainedTransfers),
        json.millis("shutdownGraceMs", DEFAULTS.shutdownGrace),
        json.number("cutThroughBytes", DEFAULTS.cutThroughBytes),
        json.integer("smallBodyBytes", DEFAULTS.smallBodyBytes));
  }
}
