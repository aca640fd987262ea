package ftpgw.relay;

import java.io.IOException;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * A limit on FTP sessions shared beyond this process (the relay nodes of a cluster), on top of the
 * pool's own {@code relay.connections}. Each open session holds one permit until it is closed.
 * Blocking: FTP threads only.
 */
public interface ConnectionBudget {
  /** No limit beyond the pool's. */
  ConnectionBudget UNLIMITED =
      new ConnectionBudget() {
        @Override
        public Permit acquire(Duration maxWait, BooleanSupplier reuseInstead) {
          return () -> {};
        }

        @Override
        public boolean othersWaiting() {
          return false;
        }
      };

  /**
   * Waits for a permit to open one more session.
   *
   * @param reuseInstead polled while waiting: true once this process has an idle session it can
   *     reuse instead
   * @throws ReuseIdleSession when {@code reuseInstead} turned true
   * @throws IOException when no permit came within {@code maxWait}
   */
  Permit acquire(Duration maxWait, BooleanSupplier reuseInstead) throws IOException;

  /**
   * Whether another process waits for a permit (then a session that goes idle here is closed, not
   * kept).
   */
  boolean othersWaiting();

  /** The right to keep one session open. */
  interface Permit {
    void release();
  }

  /** Stop waiting for a permit: an idle session of this process can be reused. */
  final class ReuseIdleSession extends IOException {
    public ReuseIdleSession() {
      super("an idle FTP session became free", null);
    }
  }
}
