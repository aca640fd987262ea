package ftpgw.spool;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SHA-256 of a body, computed in arrival order on a hashing thread rather than on the receiving event loop. On the
 * event loop, hashing cost as much as receiving and spooling together (about 0.9 CPU-s per GiB with the CPU's SHA
 * instructions), and that one thread capped a single upload. Chunks are hashed one after another by at most one task
 * at a time; at most {@code maxBacklog} bytes wait, past that the receiver pauses its body until
 * {@link #whenRoom} calls back, on the receiver's context.
 *
 * <p>{@link #update} and {@link #finish} are called on the receiving event loop; the hashing task runs on a hashing thread.
 */
final class Digester {
  private static final int SLICE = 64 * 1024;
  /**
   * Threads that hash for every upload in this JVM: CPU work, so as many as cores (Vert.x's 20 workers would each
   * get a slice array and a stack touched, for nothing).
   */
  private static final ExecutorService HASHERS = Executors.newFixedThreadPool(
      Math.max(1, Runtime.getRuntime().availableProcessors()), new ThreadFactory() {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
          Thread thread = new Thread(task, "ftpgw-sha256-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        }
      });
  /** Chunks are copied into this per-thread array to be hashed, instead of a new array per chunk. */
  private static final ThreadLocal<byte[]> SLICES = ThreadLocal.withInitial(() -> new byte[SLICE]);

  private final Context context;
  private final int maxBacklog;
  private final MessageDigest sha256 = newDigest();
  private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
  private final Promise<String> digest = Promise.promise();
  private long backlog;
  private boolean running;
  private boolean finished;
  private Runnable onRoom;

  Digester(Context context, int maxBacklog) {
    this.context = context;
    this.maxBacklog = maxBacklog;
  }

  /** Queues a chunk to be hashed after those before it. */
  void update(Buffer chunk) {
    boolean start;
    synchronized (this) {
      queue.add(chunk);
      backlog += chunk.length();
      start = !running;
      running = true;
    }
    if (start) {
      HASHERS.execute(this::drain);
    }
  }

  /** Too many bytes wait to be hashed: the receiver should pause until {@link #whenRoom}. */
  synchronized boolean full() {
    return backlog >= maxBacklog;
  }

  /** Runs {@code action} on the receiver's context once the backlog is down to half (at once if it already is). */
  void whenRoom(Runnable action) {
    synchronized (this) {
      if (backlog > maxBacklog / 2) {
        onRoom = action;
        return;
      }
    }
    action.run();
  }

  /** No more chunks: the hex SHA-256 of all of them, once they are hashed (completed on the receiver's context). */
  Future<String> finish() {
    boolean idle;
    synchronized (this) {
      finished = true;
      idle = !running;
    }
    if (idle) {
      digest.tryComplete(HexFormat.of().formatHex(sha256.digest()));
    }
    return digest.future();
  }

  /** Hashes queued chunks until none is left; the last one of a finished body completes the digest. */
  private void drain() {
    byte[] slice = SLICES.get();
    while (true) {
      Buffer chunk;
      synchronized (this) {
        chunk = queue.poll();
        if (chunk == null) {
          running = false;
          if (!finished) {
            return;
          }
        }
      }
      if (chunk == null) {
        String hex = HexFormat.of().formatHex(sha256.digest());
        context.runOnContext(v -> digest.tryComplete(hex));
        return;
      }
      for (int from = 0; from < chunk.length(); from += slice.length) {
        int to = Math.min(chunk.length(), from + slice.length);
        chunk.getBytes(from, to, slice, 0);
        sha256.update(slice, 0, to - from);
      }
      Runnable room = null;
      synchronized (this) {
        backlog -= chunk.length();
        if (onRoom != null && backlog <= maxBacklog / 2) {
          room = onRoom;
          onRoom = null;
        }
      }
      if (room != null) {
        Runnable resume = room;
        context.runOnContext(v -> resume.run());
      }
    }
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
