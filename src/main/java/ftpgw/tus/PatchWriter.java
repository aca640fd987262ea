package ftpgw.tus;

import ftpgw.transfer.Failure;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Writes one PATCH body into an upload's file at its offset, on worker threads, one chunk after
 * another, with back-pressure: the request is paused while more than {@value #HIGH_WATER} bytes
 * wait for the disk, so memory stays flat whatever the size. Each chunk also updates the given
 * digests once it is written. The file is fsynced before the outcome is told: what it reports
 * written is on disk.
 */
final class PatchWriter {
  private static final int HIGH_WATER = 1 << 20;
  private static final int LOW_WATER = HIGH_WATER / 4;

  /**
   * What a PATCH left on disk.
   *
   * @param bytes bytes written and fsynced after the offset
   * @param brokeBy the error that ended the body early (the connection broke), or null when it
   *     ended normally
   */
  record Written(long bytes, Throwable brokeBy) {}

  private final Vertx vertx;
  private final ReadStream<Buffer> body;
  private final long maxBytes;
  private final LongConsumer reserve;
  private final List<MessageDigest> digests;
  private final Promise<Written> result = Promise.promise();
  private FileChannel file;
  private Future<Void> tail = Future.succeededFuture();
  private long received;
  private long pending;
  private Throwable refused;

  private PatchWriter(
      Vertx vertx,
      ReadStream<Buffer> body,
      long maxBytes,
      LongConsumer reserve,
      List<MessageDigest> digests) {
    this.vertx = vertx;
    this.body = body;
    this.maxBytes = maxBytes;
    this.reserve = reserve;
    this.digests = digests;
  }

  /**
   * Streams {@code body} into {@code path} from {@code offset} (anything after it is cut first: it
   * was never acknowledged). Fails TOO_LARGE past {@code maxBytes} (nothing of this PATCH counts
   * then), or with {@code reserve}'s failure (called with the bytes received so far before each
   * chunk is written); a body that breaks off succeeds with what was written and the error.
   */
  static Future<Written> write(
      Vertx vertx,
      ReadStream<Buffer> body,
      Path path,
      long offset,
      long maxBytes,
      LongConsumer reserve,
      List<MessageDigest> digests) {
    return new PatchWriter(vertx, body, maxBytes, reserve, digests).start(path, offset);
  }

  private Future<Written> start(Path path, long offset) {
    body.pause();
    Promise<Throwable> brokenEarly = Promise.promise();
    body.exceptionHandler(brokenEarly::tryComplete);
    return vertx
        .executeBlocking(
            () -> {
              FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE);
              channel.truncate(offset);
              channel.position(offset);
              return channel;
            },
            false)
        .compose(
            channel -> {
              file = channel;
              if (brokenEarly.future().isComplete()) {
                finish(brokenEarly.future().result());
              } else {
                body.exceptionHandler(this::finish);
                body.endHandler(v -> finish(null));
                body.handler(this::onChunk);
                body.resume();
              }
              return result.future();
            });
  }

  private void onChunk(Buffer chunk) {
    if (refused != null || result.future().isComplete()) {
      return;
    }
    received += chunk.length();
    try {
      if (received > maxBytes) {
        throw Failure.TOO_LARGE.exception(
            "the PATCH body goes past the upload's length (at most " + maxBytes + " more bytes)");
      }
      reserve.accept(received);
    } catch (RuntimeException e) {
      refused = e;
      finish(null);
      return;
    }
    byte[] bytes = chunk.getBytes();
    pending += bytes.length;
    tail =
        tail.compose(
                v ->
                    vertx.<Void>executeBlocking(
                        () -> {
                          ByteBuffer buffer = ByteBuffer.wrap(bytes);
                          while (buffer.hasRemaining()) {
                            file.write(buffer);
                          }
                          digests.forEach(d -> d.update(bytes));
                          return null;
                        },
                        false))
            .onSuccess(
                v -> {
                  pending -= bytes.length;
                  if (pending <= LOW_WATER) {
                    body.resume();
                  }
                });
    if (pending > HIGH_WATER) {
      body.pause();
    }
  }

  /** Waits for the chunks queued so far, fsyncs, closes, and tells what is on disk. */
  private void finish(Throwable brokeBy) {
    body.handler(null);
    body.endHandler(null);
    body.exceptionHandler(null);
    long queued = refused == null ? received : -1;
    tail.eventually(
            () ->
                vertx.executeBlocking(
                    () -> {
                      try (FileChannel closing = file) {
                        closing.force(false);
                      }
                      return null;
                    },
                    false))
        .onComplete(
            done -> {
              if (refused != null) {
                result.tryFail(refused);
              } else if (tail.failed() || done.failed()) {
                Throwable why = tail.failed() ? tail.cause() : done.cause();
                result.tryFail(
                    new IOException("writing the upload failed: " + why.getMessage(), why));
              } else {
                result.tryComplete(new Written(queued, brokeBy));
              }
            });
  }
}
