package ftpgw.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Uploads in progress per user, against {@code auth.users[].maxConcurrentUploads}. Thread-safe. */
public final class UploadSlots {
  private final Map<String, AtomicInteger> inProgress = new ConcurrentHashMap<>();

  /** Takes a slot for {@code caller}'s upload; false when it has its most in progress already. */
  public boolean tryAcquire(Caller caller) {
    if (caller.owner() == null || caller.maxConcurrentUploads() <= 0) {
      return true;
    }
    AtomicInteger count = inProgress.computeIfAbsent(caller.name(), n -> new AtomicInteger());
    if (count.incrementAndGet() > caller.maxConcurrentUploads()) {
      count.decrementAndGet();
      return false;
    }
    return true;
  }

  /** Gives back a slot taken by {@link #tryAcquire}. */
  public void release(Caller caller) {
    if (caller.owner() == null || caller.maxConcurrentUploads() <= 0) {
      return;
    }
    AtomicInteger count = inProgress.get(caller.name());
    if (count != null) {
      count.decrementAndGet();
    }
  }
}
