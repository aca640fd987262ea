package ftpgw.relay;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * A session limit shared by several pools of one process: the per-user pools of auth mode
 * passthrough together stay within {@code relay.connections}, and an idle session of one user is
 * closed when another user waits.
 */
final class LocalConnectionBudget implements ConnectionBudget {
  private static final long POLL_MILLIS = 50;

  private final Semaphore permits;

  LocalConnectionBudget(int sessions) {
    this.permits = new Semaphore(sessions, true);
  }

  @Override
  public Permit acquire(Duration maxWait, BooleanSupplier reuseInstead) throws IOException {
    long deadline = System.nanoTime() + maxWait.toNanos();
    try {
      while (!permits.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        if (reuseInstead.getAsBoolean()) {
          throw new ReuseIdleSession();
        }
        if (System.nanoTime() - deadline > 0) {
          throw new IOException("no FTP session became free within " + maxWait.toSeconds() + " s");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for an FTP session", e);
    }
    AtomicBoolean released = new AtomicBoolean();
    return () -> {
      if (released.compareAndSet(false, true)) {
        permits.release();
      }
    };
  }

  @Override
  public boolean othersWaiting() {
    return permits.hasQueuedThreads();
  }
}
