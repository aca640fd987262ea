package ftpgw.testing;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * The one way tests wait for something the gateway does a moment later (a spool file removed, a
 * meter back to 0, a log line, a port that greets): ask again every 20 ms until the answer is the
 * expected one or time is up. Nothing sleeps a fixed time, and on a loaded machine a wait only
 * takes longer, up to its limit.
 */
public final class Poll {
  private static final long PAUSE_MS = 20;

  private Poll() {}

  /**
   * A question asked again and again; it may throw (an I/O error counts as "not yet", see {@link
   * #until}).
   */
  @FunctionalInterface
  public interface Probe<T, E extends Exception> {
    T get() throws E;
  }

  /**
   * Asks {@code probe} until {@code done} holds for its answer and returns that answer; after
   * {@code within} fails with an {@link AssertionError} that names {@code what} and the last answer
   * (or the last exception).
   */
  public static <T> T until(
      String what, Duration within, Probe<T, ?> probe, Predicate<? super T> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    T last = null;
    Exception lastProblem = null;
    while (true) {
      try {
        last = probe.get();
        lastProblem = null;
        if (done.test(last)) {
          return last;
        }
      } catch (Exception e) {
        if (e instanceof InterruptedException interrupted) {
          throw interrupted;
        }
        lastProblem = e;
      }
      if (System.nanoTime() - deadline >= 0) {
        AssertionError failure =
            new AssertionError(
                what
                    + ": not within "
                    + within
                    + "; last answer: "
                    + (lastProblem != null ? lastProblem : last));
        if (lastProblem != null) {
          failure.initCause(lastProblem);
        }
        throw failure;
      }
      Thread.sleep(PAUSE_MS);
    }
  }

  /**
   * Asks {@code probe} until {@code done} holds or {@code within} is over, and returns the last
   * answer either way: for the caller's own assertion, whose message then shows what was left (e.g.
   * the stray files).
   */
  public static <T, E extends Exception> T settle(
      Duration within, Probe<T, E> probe, Predicate<? super T> done)
      throws E, InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    T last = probe.get();
    while (!done.test(last) && System.nanoTime() - deadline < 0) {
      Thread.sleep(PAUSE_MS);
      last = probe.get();
    }
    return last;
  }
}
