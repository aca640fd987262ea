package ftpgw.cluster;

import ftpgw.relay.ConnectionBudget;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.Lock;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The FTP sessions of all relay nodes together, at most {@code cluster.ftpConnections}: each open
 * session holds one of that many cluster-wide locks ({@code ftpgw.ftp-slot-<i>}). Locks rather than
 * a counter because Hazelcast frees the locks of a member that dies, so a crashed relay node cannot
 * leak its share. A node waiting for a slot announces itself in a map with a time-to-live; the
 * others then close sessions as they go idle instead of pooling them, so one busy node cannot
 * starve another.
 */
public final class ClusterFtpBudget implements ConnectionBudget {
  static final String SLOT_PREFIX = "ftpgw.ftp-slot-";
  static final String WAITERS_MAP = "ftpgw.ftp-slot-waiters";
  private static final Duration WAIT_SLICE = Duration.ofMillis(200);
  private static final long WAITER_TTL_MILLIS = 5_000;
  private static final long CALL_TIMEOUT_SECONDS = 30;
  private static final long WAITERS_CACHE_MILLIS = 250;

  /**
   * A released slot stays claimed here this long. Vert.x releases a Hazelcast lock with an {@code
   * IMap.forceUnlock} run later on a thread of its own, and Hazelcast's locks are reentrant per
   * thread: had this node asked for the slot again before that ran, on the Vert.x worker thread
   * that took it, Hazelcast would have granted it a second time, and the late forceUnlock would
   * then have freed it for another node too: two sessions on one slot.
   */
  private static final Executor UNCLAIM_LATER =
      CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS);

  private final Vertx vertx;
  private final Context context;
  private final int slots;
  private final String nodeId;

  /**
   * Slots this node holds or is trying: Hazelcast's locks are reentrant per thread, so never ask
   * twice.
   */
  private final Set<Integer> claimed = new HashSet<>();

  private volatile boolean othersWaiting;
  private volatile long waitersCheckedAt = System.nanoTime() - TimeUnit.SECONDS.toNanos(1);

  /**
   * @param context an event-loop context: lock calls are started there so that they run on Vert.x's
   *     own worker pool, never on the FTP threads that wait for them
   */
  public ClusterFtpBudget(Vertx vertx, Context context, int slots) {
    this.vertx = vertx;
    this.context = context;
    this.slots = slots;
    this.nodeId = ClusterView.of(vertx).nodeId();
  }

  @Override
  public Permit acquire(Duration maxWait, BooleanSupplier reuseInstead) throws IOException {
    long deadline = System.nanoTime() + maxWait.toNanos();
    String waiter = null;
    try {
      while (true) {
        for (int slot : unclaimedSlots()) {
          Permit permit = tryLock(slot, Duration.ZERO);
          if (permit != null) {
            return permit;
          }
        }
        if (reuseInstead.getAsBoolean()) {
          throw new ReuseIdleSession();
        }
        if (System.nanoTime() >= deadline) {
          throw new IOException(
              "no FTP session free in the cluster-wide budget of "
                  + slots
                  + " (cluster.ftpConnections) within "
                  + maxWait.toMillis()
                  + " ms");
        }
        waiter = waiter == null ? nodeId + "/" + UUID.randomUUID() : waiter;
        String key = waiter;
        call(() -> waiters().compose(map -> map.put(key, Boolean.TRUE, WAITER_TTL_MILLIS)));
        List<Integer> free = unclaimedSlots();
        if (free.isEmpty()) {
          pauseUntilLocalRelease();
        } else {
          Permit permit =
              tryLock(free.get(ThreadLocalRandom.current().nextInt(free.size())), WAIT_SLICE);
          if (permit != null) {
            return permit;
          }
        }
      }
    } finally {
      if (waiter != null) {
        String key = waiter;
        context.runOnContext(v -> waiters().compose(map -> map.remove(key)));
      }
    }
  }

  /**
   * Asked on every session return and eviction run: the answer is reused for {@value
   * #WAITERS_CACHE_MILLIS} ms.
   */
  @Override
  public boolean othersWaiting() {
    long now = System.nanoTime();
    if (now - waitersCheckedAt < TimeUnit.MILLISECONDS.toNanos(WAITERS_CACHE_MILLIS)) {
      return othersWaiting;
    }
    boolean waiting;
    try {
      Set<String> keys = call(() -> waiters().compose(AsyncMap::keys));
      waiting = keys.stream().anyMatch(key -> !key.startsWith(nodeId + "/"));
    } catch (IOException e) {
      waiting = false;
    }
    othersWaiting = waiting;
    waitersCheckedAt = now;
    return waiting;
  }

  /**
   * The slot's lock as a permit, or null when another node holds it for longer than {@code wait}.
   */
  private Permit tryLock(int slot, Duration wait) throws IOException {
    synchronized (claimed) {
      if (!claimed.add(slot)) {
        return null;
      }
    }
    Lock lock = null;
    try {
      lock =
          call(
              () ->
                  vertx
                      .sharedData()
                      .getLockWithTimeout(SLOT_PREFIX + slot, wait.toMillis())
                      .otherwise((Lock) null));
    } finally {
      if (lock == null) {
        unclaim(slot);
      }
    }
    if (lock == null) {
      return null;
    }
    Lock held = lock;
    return () -> {
      held.release();
      UNCLAIM_LATER.execute(() -> unclaim(slot));
    };
  }

  private List<Integer> unclaimedSlots() {
    List<Integer> free = new ArrayList<>();
    int start = ThreadLocalRandom.current().nextInt(slots);
    synchronized (claimed) {
      for (int i = 0; i < slots; i++) {
        int slot = (start + i) % slots;
        if (!claimed.contains(slot)) {
          free.add(slot);
        }
      }
    }
    return free;
  }

  private void unclaim(int slot) {
    synchronized (claimed) {
      claimed.remove(slot);
      claimed.notifyAll();
    }
  }

  private void pauseUntilLocalRelease() throws IOException {
    synchronized (claimed) {
      try {
        claimed.wait(WAIT_SLICE.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for an FTP session", e);
      }
    }
  }

  private Future<AsyncMap<String, Boolean>> waiters() {
    return vertx.sharedData().getAsyncMap(WAITERS_MAP);
  }

  /**
   * Runs an asynchronous cluster call from the event-loop context and waits for it (FTP threads may
   * block).
   */
  private <T> T call(Supplier<Future<T>> operation) throws IOException {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(
        v ->
            operation
                .get()
                .onComplete(
                    ar -> {
                      if (ar.succeeded()) {
                        result.complete(ar.result());
                      } else {
                        result.completeExceptionally(ar.cause());
                      }
                    }));
    try {
      return result.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking the cluster for an FTP session", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("the cluster did not answer for an FTP session: " + e.getMessage(), e);
    }
  }
}
