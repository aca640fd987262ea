package ftpgw.ops;

import ftpgw.relay.FtpFailures;
import ftpgw.relay.FtpLoginProbe;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * The outcome of the last FTP login probe, reused for {@link #RECHECK_AFTER}: readiness may be
 * asked every second by several probes (Kubernetes, a load balancer), and each login is a session
 * on the FTP server, outside the relay's connection budget. At most one probe runs at a time;
 * callers that ask meanwhile share it. Failures come back as their plain-words description ({@link
 * FtpFailures#describe}).
 */
final class FtpLoginCheck {
  /** How long a probe's outcome stands: a fixed password or trust store shows within this. */
  static final Duration RECHECK_AFTER = Duration.ofSeconds(10);

  private final Vertx vertx;
  private final FtpLoginProbe probe;
  private Future<Void> last;
  private long lastStarted;

  FtpLoginCheck(Vertx vertx, FtpLoginProbe probe) {
    this.vertx = vertx;
    this.probe = probe;
  }

  /** The current outcome: the last one while it is fresh (or still running), else a new probe's. */
  synchronized Future<Void> result() {
    if (last != null
        && (!last.isComplete() || System.nanoTime() - lastStarted < RECHECK_AFTER.toNanos())) {
      return last;
    }
    lastStarted = System.nanoTime();
    last =
        vertx
            .<Void>executeBlocking(
                () -> {
                  probe.check();
                  return null;
                },
                false)
            .recover(
                e ->
                    Future.failedFuture(
                        new IllegalStateException(FtpFailures.describe(probe.target(), e), null)));
    return last;
  }
}
