package ftpgw.client;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how long to wait between attempts at one file: exponential from {@code initial},
 * capped, with ±25 % jitter so that ranks failing together do not retry in lock-step; a server's
 * Retry-After wins (capped too).
 */
public record RetryBackoff(int maxAttempts, Duration initial, Duration max) {
  public static final Duration RETRY_AFTER_CAP = Duration.ofSeconds(30);

  public RetryBackoff {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("attempts must be >= 1, got " + maxAttempts);
    }
  }

  /** The wait after failed attempt number {@code attempt} (1-based). */
  public Duration delay(int attempt, Duration retryAfter) {
    if (retryAfter != null) {
      return retryAfter.compareTo(RETRY_AFTER_CAP) > 0 ? RETRY_AFTER_CAP : retryAfter;
    }
    long base = Math.min(max.toMillis(), initial.toMillis() << Math.min(attempt - 1, 20));
    double jitter = 0.75 + ThreadLocalRandom.current().nextDouble() * 0.5;
    return Duration.ofMillis((long) (base * jitter));
  }

  /**
   * Retry-After in seconds (the gateway's form); an HTTP date is not used by the gateway and is
   * ignored.
   */
  static Optional<Duration> parseRetryAfter(String value) {
    try {
      return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim()))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
