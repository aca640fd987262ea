package ftpgw.delivery;

import ftpgw.config.DeliveryConfig;
import ftpgw.transfer.Failure;
import ftpgw.transfer.Transfer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a failed transfer is tried again: transient failures only, with exponential backoff and
 * jitter, bounded.
 */
final class RetryPolicy {
  private final DeliveryConfig config;

  RetryPolicy(DeliveryConfig config) {
    this.config = config;
  }

  /**
   * Whether {@code transfer}, which just failed its latest attempt with {@code failure}, gets
   * another one. An accepted (journalled, answered 202) transfer is ended only by its age, a cancel
   * or a permanent refusal: transient failures retry it however many attempts that takes. {@code
   * delivery.maxAttempts} bounds only a synchronous upload that was never accepted: its waiting
   * client gets the failure, and nothing the gateway promised is lost.
   */
  boolean retries(Transfer transfer, Failure failure) {
    return failure.retryable()
        && (transfer.durable() || transfer.attempts() < config.maxAttempts())
        && Duration.between(transfer.createdAt(), Instant.now()).compareTo(config.maxAge()) < 0;
  }

  /**
   * Wait before attempt number {@code attempts + 1}: initial × 2^(attempts-1), capped, with ±25 %
   * jitter.
   */
  Duration delayAfter(int attempts) {
    double base =
        (double) config.initialBackoff().toMillis() * Math.pow(2, Math.max(0, attempts - 1));
    double capped = Math.min(base, (double) config.maxBackoff().toMillis());
    double jitter = 0.75 + ThreadLocalRandom.current().nextDouble() * 0.5;
    return Duration.ofMillis(Math.max(1, (long) (capped * jitter)));
  }
}
