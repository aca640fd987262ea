package ftpgw.spool;

import ftpgw.transfer.Failure;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.streams.ReadStream;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.LongConsumer;

/**
 * Streams a body into its spool file with back-pressure, hashing it on the way and enforcing the size limit.
 * Never holds more than the reservation's buffer share in memory (the file's write queue, the hashing backlog).
 */
public final class SpoolWriter {
  private final Vertx vertx;
  private final Duration stallLimit;
  private final ReadStream<Buffer> body;
  private final AsyncFile file;
  private final SpoolReservation reservation;
  private final long maxBytes;
  private final Digester sha256;
  /** Most bytes of the body held in memory: in the file's write queue, and waiting to be hashed. */
  private final int bufferBytes;
  private final Promise<SpooledBody> result = Promise.promise();
  private final LongConsumer onWritten;
  /** End offsets of writes not yet known to be on disk, in the order issued; {@code null} when nobody listens. */
  private final ArrayDeque<long[]> pendingWrites;
  private long received;
  private long lastProgress = System.nanoTime();

  private SpoolWriter(Vertx vertx, ReadStream<Buffer> body, AsyncFile file, SpoolReservation reservation,
                      long maxBytes, Duration stallLimit, LongConsumer onWritten) {
    this.vertx = vertx;
    this.bufferBytes = reservation.bufferBytes();
    this.sha256 = new Digester(vertx.getOrCreateContext(), bufferBytes);
    this.stallLimit = stallLimit;
    this.body = body;
    this.file = file;
    this.reservation = reservation;
    this.maxBytes = maxBytes;
    this.onWritten = onWritten;
    this.pendingWrites = onWritten == null ? null : new ArrayDeque<>();
  }

  /**
   * Copies {@code body} into {@code file} and closes the file. Fails with TOO_LARGE past {@code maxBytes},
   * SPOOL_FULL when the quota runs out, CLIENT_ABORTED when the body breaks off or no byte of it arrives for
   * {@code stallLimit} (a safety net: the HTTP idle timeout normally closes such a connection first, but a lost
   * connection whose close was never reported would otherwise hold its spool file and room for ever).
   *
   * @param onWritten told (on the event loop) how many leading bytes of the file are written each time that grows,
   *                  for a reader following the file; null when nobody follows it
   */
  public static Future<SpooledBody> write(Vertx vertx, ReadStream<Buffer> body, AsyncFile file,
                                          SpoolReservation reservation, long maxBytes, Duration stallLimit,
                                          LongConsumer onWritten) {
    return new SpoolWriter(vertx, body, file, reservation, maxBytes, stallLimit, onWritten).start();
  }

  private Future<SpooledBody> start() {
    file.setWriteQueueMaxSize(bufferBytes);
    file.exceptionHandler(this::fail);
    body.exceptionHandler(e -> fail(Failure.CLIENT_ABORTED.exception("the upload broke off after " + received
        + " bytes: " + e.getMessage())));
    body.endHandler(v -> file.close()
        .compose(closed -> sha256.finish())
        .onSuccess(hex -> result.tryComplete(new SpooledBody(received, hex)))
        .onFailure(this::fail));
    body.handler(this::onChunk);
    long watchdog = vertx.setPeriodic(Math.max(100, stallLimit.toMillis() / 4), t -> {
      if (System.nanoTime() - lastProgress > stallLimit.toNanos()) {
        fail(Failure.CLIENT_ABORTED.exception("no byte of the body arrived for " + stallLimit.toSeconds()
            + " s after " + received + " bytes"));
      }
    });
    result.future().onComplete(done -> vertx.cancelTimer(watchdog));
    body.resume();
    return result.future();
  }

  private void onChunk(Buffer chunk) {
    if (result.future().isComplete()) {
      return;
    }
    received += chunk.length();
    lastProgress = System.nanoTime();
    if (received > maxBytes) {
      fail(Failure.TOO_LARGE.exception("the body is larger than the limit of " + maxBytes + " bytes"));
      return;
    }
    try {
      reservation.ensure(received);
    } catch (RuntimeException e) {
      fail(e);
      return;
    }
    sha256.update(chunk);
    if (pendingWrites == null) {
      file.write(chunk);
    } else {
      writeAndReport(chunk);
    }
    if (sha256.full()) {
      body.pause();
      sha256.whenRoom(() -> {
        lastProgress = System.nanoTime(); // the wait was the hashing's, not the client's
        body.resume();
      });
    }
    if (file.writeQueueFull()) {
      body.pause();
      file.drainHandler(v -> {
        lastProgress = System.nanoTime(); // the wait was the disk's, not the client's
        body.resume();
      });
    }
  }

  /**
   * Writes may complete out of order (the file channel runs them on a pool), so a reader is told only the end of
   * the longest prefix whose writes all completed.
   */
  private void writeAndReport(Buffer chunk) {
    long[] write = {received, 0}; // end offset, done flag
    pendingWrites.add(write);
    file.write(chunk).onSuccess(v -> {
      write[1] = 1;
      long prefix = -1;
      while (!pendingWrites.isEmpty() && pendingWrites.peek()[1] == 1) {
        prefix = pendingWrites.poll()[0];
      }
      if (prefix >= 0) {
        onWritten.accept(prefix);
      }
    });
  }

  private void fail(Throwable error) {
    if (result.tryFail(error)) {
      body.handler(null);
      body.endHandler(null);
      file.close();
    }
  }
}
