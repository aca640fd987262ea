package ftpgw.spool;

import ftpgw.transfer.Failure;
import ftpgw.vertx.VertxInternals;
import io.netty.buffer.ByteBuf;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.zip.CRC32C;

/**
 * Writes a body into its spool file and computes its SHA-256, chunk after chunk in arrival order,
 * on a spool thread rather than on the receiving event loop, so that hashing never caps an event
 * loop. Each chunk is hashed and written by the same thread while it is still in the CPU's cache:
 * one hand-off per chunk. At most one task per body runs at a time; at most {@code maxBacklog}
 * bytes wait, past that the receiver pauses its body until {@link #whenRoom} calls back, on the
 * receiver's context.
 *
 * <p>{@link #add}, {@link #full}, {@link #whenRoom}, {@link #finish} and {@link #abort} are called
 * on the receiving context; the writing task runs on a spool thread.
 */
final class SpoolSink {
  /**
   * Threads that write and hash for every upload in this JVM: mostly CPU work (SHA-256, copies into
   * the page cache), so as many as cores.
   */
  private static final ExecutorService THREADS =
      Executors.newFixedThreadPool(
          Math.max(1, Runtime.getRuntime().availableProcessors()),
          Spool.daemonThreads("ftpgw-spool"));

  /** Cloned for each body ({@link #newDigest}). */
  private static final MessageDigest SHA256 = lookUpSha256();

  /** Bytes one task writes before it lets the other uploads' tasks run. */
  private static final long TURN = 4 << 20;

  private final Context context;
  private final FileChannel file;
  private final int maxBacklog;
  private final LongConsumer onWritten;
  private final Consumer<Buffer> done;
  private final MessageDigest sha256 = newDigest();

  /** Taken beside the SHA-256 when asked for, else null. */
  private final CRC32C crc32c;

  private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
  private final Promise<String> digest = Promise.promise();
  private long backlog;
  private boolean running;
  private boolean finished;
  private Throwable failure;
  private Runnable onRoom;

  /** Bytes in the file so far: touched by the running task only. */
  private long written;

  /** Set by the task before the outcome completes on the receiver's context. */
  private volatile String crc32cHex;

  /**
   * @param file the spool file, open for writing at its start; closed by this sink whatever happens
   * @param onWritten told on the spool thread how many leading bytes are in the file each time that
   *     grows (a reader following the file); null when nobody follows it
   * @param crc32c also take the body's CRC-32C ({@link #crc32c()}), in the same pass
   * @param done given every chunk once it is written or dropped (a body that lends its chunks takes
   *     them back)
   */
  SpoolSink(
      Context context,
      FileChannel file,
      int maxBacklog,
      LongConsumer onWritten,
      boolean crc32c,
      Consumer<Buffer> done) {
    this.context = context;
    this.crc32c = crc32c ? new CRC32C() : null;
    this.file = file;
    this.maxBacklog = maxBacklog;
    this.onWritten = onWritten;
    this.done = done;
  }

  /** Queues a chunk to be written and hashed after those before it. */
  void add(Buffer chunk) {
    boolean start;
    synchronized (this) {
      if (failure != null || finished) {
        done.accept(chunk);
        return;
      }
      queue.add(chunk);
      backlog += chunk.length();
      start = claimTask();
    }
    if (start) {
      THREADS.execute(this::drain);
    }
  }

  /** Too many bytes wait: the receiver should pause until {@link #whenRoom}. */
  synchronized boolean full() {
    return backlog >= maxBacklog;
  }

  /**
   * Runs {@code action} on the receiver's context once the backlog is down to half (at once if it
   * already is).
   */
  void whenRoom(Runnable action) {
    synchronized (this) {
      if (backlog > maxBacklog / 2) {
        onRoom = action;
        return;
      }
    }
    action.run();
  }

  /**
   * No more chunks. Completes, on the receiver's context, with the hex SHA-256 once every chunk is
   * written and the file closed; fails with the write's error if one failed (as soon as it does,
   * before any call to this).
   */
  Future<String> finish() {
    boolean start;
    synchronized (this) {
      finished = true;
      start = claimTask();
    }
    if (start) {
      THREADS.execute(this::drain);
    }
    return digest.future();
  }

  /**
   * The body's CRC-32C (8 hex digits) once {@link #finish} completed, if it was asked for; else
   * null.
   */
  String crc32c() {
    return crc32cHex;
  }

  /** The outcome {@link #finish} returns, without finishing: a failed write fails it early. */
  Future<String> outcome() {
    return digest.future();
  }

  /** Drops what is queued and closes the file: the body will not be used. */
  void abort(Throwable reason) {
    boolean start;
    synchronized (this) {
      if (failure == null) {
        failure = reason;
      }
      queue.forEach(done);
      queue.clear();
      backlog = 0;
      start = claimTask();
    }
    if (start) {
      THREADS.execute(this::drain);
    }
  }

  /**
   * Under the lock: true if the caller is to start the task, false if it runs (or ran to the end)
   * already.
   */
  private boolean claimTask() {
    if (running) {
      return false;
    }
    running = true;
    return true;
  }

  /**
   * Writes and hashes queued chunks until none is left; a finished or failed body then ends (once:
   * running stays). After {@link #TURN} bytes it goes to the back of the threads' queue, so that a
   * body whose chunks keep coming (or whose disk is slow) does not keep a thread from the other
   * uploads.
   */
  private void drain() {
    long turn = 0;
    while (true) {
      Buffer chunk;
      synchronized (this) {
        if (turn >= TURN && failure == null && !queue.isEmpty()) {
          THREADS.execute(
              this::drain); // running stays true: this body's next task waits behind the others'
          return;
        }
        chunk = failure == null ? queue.poll() : null;
        if (chunk == null && failure == null && !finished) {
          running = false;
          return;
        }
      }
      if (chunk == null) {
        end();
        return;
      }
      int length = chunk.length();
      turn += length;
      try {
        writeAndHash(chunk);
      } catch (IOException | RuntimeException e) {
        abort(writeFailure(e));
        continue;
      } finally {
        done.accept(chunk);
      }
      Runnable room = drained(length);
      if (room != null) {
        context.runOnContext(v -> room.run());
      }
    }
  }

  /**
   * Takes {@code bytes} off the backlog; returns the receiver's waiting action if there is room for
   * it now.
   */
  private synchronized Runnable drained(int bytes) {
    backlog -= bytes;
    if (onRoom == null || backlog > maxBacklog / 2) {
      return null;
    }
    Runnable room = onRoom;
    onRoom = null;
    return room;
  }

  private void writeAndHash(Buffer chunk) throws IOException {
    ByteBuf bytes = VertxInternals.bytesOf(chunk); // a view, not a copy
    ByteBuffer view;
    if (bytes.hasArray()) { // Vert.x's request chunks: heap arrays, hashed in place
      int offset = bytes.arrayOffset() + bytes.readerIndex();
      sha256.update(bytes.array(), offset, bytes.readableBytes());
      view = ByteBuffer.wrap(bytes.array(), offset, bytes.readableBytes());
    } else {
      view = bytes.nioBuffer();
      sha256.update(view.duplicate());
    }
    if (crc32c != null) {
      crc32c.update(view.duplicate());
    }
    while (view.hasRemaining()) {
      written += file.write(view);
    }
    if (onWritten != null) {
      onWritten.accept(written);
    }
  }

  /**
   * What the client is told of a failed spool write: a full disk is a full spool (503 +
   * Retry-After: room comes back as deliveries end); anything else stays unexpected (500, logged
   * with its stack trace).
   */
  private static Throwable writeFailure(Throwable error) {
    if (error instanceof IOException
        && String.valueOf(error.getMessage()).contains("No space left on device")) {
      return Failure.SPOOL_FULL.exception("the spool's disk is full: " + error.getMessage());
    }
    return error;
  }

  private void end() {
    Throwable failed;
    synchronized (this) {
      failed = failure;
    }
    try {
      file.close();
    } catch (IOException e) {
      if (failed == null) {
        failed = e;
      }
    }
    if (failed != null) {
      Throwable cause = failed;
      context.runOnContext(v -> digest.tryFail(cause));
    } else {
      String hex = HexFormat.of().formatHex(sha256.digest());
      if (crc32c != null) {
        crc32cHex = String.format("%08x", crc32c.getValue());
      }
      context.runOnContext(v -> digest.tryComplete(hex));
    }
  }

  /**
   * A fresh SHA-256 cloned from one looked up once: {@code getInstance} searches the security
   * providers each time, which showed in the profile of small uploads.
   */
  private static MessageDigest newDigest() {
    try {
      return (MessageDigest) SHA256.clone();
    } catch (CloneNotSupportedException e) {
      return lookUpSha256();
    }
  }

  private static MessageDigest lookUpSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
