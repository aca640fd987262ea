package ftpgw.client;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How far one rank is with its share, updated by its upload thread and read by its MPI thread:
 * files finished, bytes of finished files, and bytes of the file in flight (its current attempt: a
 * retry starts again at 0). The bytes of failed files count as finished (the bar reaches its end)
 * and apart, so that no rate or ETA rests on them.
 */
final class ShareProgress {
  private final AtomicInteger filesDone = new AtomicInteger();
  private final AtomicLong bytesDone = new AtomicLong();
  private final AtomicLong inFlight = new AtomicLong();
  private final AtomicLong failedBytes = new AtomicLong();

  void attemptStarted() {
    inFlight.set(0);
  }

  void sent(long bytes) {
    inFlight.addAndGet(bytes);
  }

  void fileFinished(long bytes, boolean arrived) {
    inFlight.set(0);
    if (!arrived) {
      failedBytes.addAndGet(bytes);
    }
    bytesDone.addAndGet(bytes);
    filesDone.incrementAndGet();
  }

  /**
   * One range of a split file is done: its bytes count, but not as a file (the file is done when
   * rank 0 joined it).
   */
  void partFinished(long bytes, boolean arrived) {
    inFlight.set(0);
    if (!arrived) {
      failedBytes.addAndGet(bytes);
    }
    bytesDone.addAndGet(bytes);
  }

  int filesDone() {
    return filesDone.get();
  }

  long bytes() {
    return bytesDone.get() + inFlight.get();
  }

  /** The part of {@link #bytes()} that belongs to files that failed. */
  long failedBytes() {
    return failedBytes.get();
  }
}
