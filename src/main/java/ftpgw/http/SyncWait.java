package ftpgw.http;

import java.time.Duration;

/**
 * How long a synchronous upload waits for its delivery once its body is in before it is answered
 * 202 (journalled): what the configuration and the client ask for, and always less than the HTTP
 * idle timeout. A connection that waits for its delivery sends nothing, so the idle timeout would
 * close it first and leave the client without an answer, and the body unjournalled. The margin (a
 * fifth of the idle timeout, 1-5 s, at most a quarter) leaves time to journal (fsync the body and
 * its entry) and answer: idle 60 s waits 55 s, idle 5 s waits 4 s.
 */
final class SyncWait {
  private static final Duration MIN_MARGIN = Duration.ofSeconds(1);
  private static final Duration MAX_MARGIN = Duration.ofSeconds(5);

  private SyncWait() {}

  /**
   * @param asked {@code delivery.syncTimeoutMs}, or the client's shorter {@code Prefer: wait}
   * @param idleTimeout {@code http.idleTimeoutSeconds}
   */
  static Duration of(Duration asked, Duration idleTimeout) {
    Duration margin = clamp(idleTimeout.dividedBy(5), MIN_MARGIN, MAX_MARGIN);
    if (margin.compareTo(idleTimeout.dividedBy(4)) > 0) {
      margin =
          idleTimeout.dividedBy(
              4); // tiny idle timeouts (tests): most of it is still worth waiting for
    }
    Duration beforeIdle = idleTimeout.minus(margin);
    return asked.compareTo(beforeIdle) < 0 ? asked : beforeIdle;
  }

  private static Duration clamp(Duration value, Duration min, Duration max) {
    return value.compareTo(min) < 0 ? min : value.compareTo(max) > 0 ? max : value;
  }
}
