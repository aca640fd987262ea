package ftpgw.spool;

import ftpgw.transfer.Failure;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Streams a body into its spool file with back-pressure, hashing it on the way and enforcing the
 * size limit. Never holds more than the reservation's buffer share of the body in memory (chunks
 * waiting for the spool thread).
 */
public final class SpoolWriter {
  private final Vertx vertx;
  private final Duration stallLimit;
  private final ReadStream<Buffer> body;
  private final SpoolReservation reservation;
  private final long maxBytes;
  private final SpoolSink sink;
  private final Consumer<Buffer> done;
  private final Promise<SpooledBody> result = Promise.promise();
  private long received;
  private long lastProgress = System.nanoTime();

  private SpoolWriter(
      Vertx vertx,
      ReadStream<Buffer> body,
      FileChannel file,
      SpoolReservation reservation,
      long maxBytes,
      Duration stallLimit,
      LongConsumer onWritten,
      boolean crc32c,
      Consumer<Buffer> done) {
    this.vertx = vertx;
    this.sink =
        new SpoolSink(
            vertx.getOrCreateContext(), file, reservation.bufferBytes(), onWritten, crc32c, done);
    this.done = done;
    this.stallLimit = stallLimit;
    this.body = body;
    this.reservation = reservation;
    this.maxBytes = maxBytes;
  }

  /**
   * Copies {@code body} into {@code file} and closes the file. Fails with TOO_LARGE past {@code
   * maxBytes}, SPOOL_FULL when the quota runs out, CLIENT_ABORTED when the body breaks off or no
   * byte of it arrives for {@code stallLimit} (a safety net: the HTTP idle timeout normally closes
   * such a connection first, but a lost connection whose close was never reported would otherwise
   * hold its spool file and room for ever), or with the write's error.
   *
   * @param file the spool file, open for writing at its start; closed whatever happens
   * @param onWritten told (on a spool thread, so thread-safe) how many leading bytes of the file
   *     are written each time that grows, for a reader following the file; null when nobody follows
   *     it
   * @param crc32c also take the body's CRC-32C ({@link SpooledBody#crc32c()}): it crosses to a
   *     relay node as it arrives
   * @param done given every chunk once it is written or dropped (on a spool thread or the
   *     receiver's context): a body that lends its chunks takes them back
   */
  public static Future<SpooledBody> write(
      Vertx vertx,
      ReadStream<Buffer> body,
      FileChannel file,
      SpoolReservation reservation,
      long maxBytes,
      Duration stallLimit,
      LongConsumer onWritten,
      boolean crc32c,
      Consumer<Buffer> done) {
    return new SpoolWriter(
            vertx, body, file, reservation, maxBytes, stallLimit, onWritten, crc32c, done)
        .start();
  }

  private Future<SpooledBody> start() {
    sink.outcome().onFailure(this::fail);
    // a body that failed for a reason of its own (malformed, say) keeps it; any other failure means
    // it broke off
    body.exceptionHandler(
        e ->
            fail(
                e instanceof ftpgw.transfer.GatewayException known
                    ? known
                    : Failure.CLIENT_ABORTED.exception(
                        "the upload broke off after " + received + " bytes: " + e.getMessage())));
    body.endHandler(
        v ->
            sink.finish()
                .onSuccess(hex -> result.tryComplete(new SpooledBody(received, hex, sink.crc32c())))
                .onFailure(this::fail));
    body.handler(this::onChunk);
    long watchdog =
        vertx.setPeriodic(
            Math.max(100, stallLimit.toMillis() / 4),
            t -> {
              if (System.nanoTime() - lastProgress > stallLimit.toNanos()) {
                fail(
                    Failure.CLIENT_ABORTED.exception(
                        "no byte of the body arrived for "
                            + stallLimit.toSeconds()
                            + " s after "
                            + received
                            + " bytes"));
              }
            });
    result.future().onComplete(done -> vertx.cancelTimer(watchdog));
    body.resume();
    return result.future();
  }

  private void onChunk(Buffer chunk) {
    if (result.future().isComplete()) {
      done.accept(chunk);
      return;
    }
    received += chunk.length();
    lastProgress = System.nanoTime();
    if (received > maxBytes) {
      done.accept(chunk);
      fail(
          Failure.TOO_LARGE.exception(
              "the body is larger than the limit of " + maxBytes + " bytes"));
      return;
    }
    try {
      reservation.ensure(received);
    } catch (RuntimeException e) {
      done.accept(chunk);
      fail(e);
      return;
    }
    sink.add(chunk);
    if (sink.full()) {
      body.pause();
      sink.whenRoom(
          () -> {
            lastProgress =
                System.nanoTime(); // the wait was the disk's or the hashing's, not the client's
            body.resume();
          });
    }
  }

  private void fail(Throwable error) {
    if (result.tryFail(error)) {
      body.handler(null);
      body.endHandler(null);
      sink.abort(error);
    }
  }
}
