package ftpgw.http;

import ftpgw.spool.PrivateFiles;
import ftpgw.spool.SpoolReservation;
import ftpgw.spool.SpooledBody;
import ftpgw.transfer.Failure;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A small upload's body held in memory: received whole and hashed on the event loop, then published
 * by the relay straight from this copy, so that a small file costs no spool file, no disk writes
 * and none of the hand-offs to the threads that do them. Only when that first attempt fails is the
 * body written to the spool ({@link #spool}) and delivered like any other upload (retries, 202,
 * journal). Bodies held at once are bounded by {@link #BUDGET}: past it, uploads take the spool.
 */
final class SmallBody {
  /** Heap all small bodies in flight may take together; the rest go through the spool. */
  static final long BUDGET = 8L << 20;

  private static final AtomicLong held = new AtomicLong();

  private static final Set<StandardOpenOption> NEW_FILE =
      Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);

  private final Buffer bytes;
  private final String sha256;

  private SmallBody(Buffer bytes, String sha256) {
    this.bytes = bytes;
    this.sha256 = sha256;
  }

  /** Takes room for a body of {@code length} bytes, if the budget has it; give it back once. */
  static boolean reserve(long length) {
    if (held.addAndGet(length) <= BUDGET) {
      return true;
    }
    held.addAndGet(-length);
    return false;
  }

  static void release(long length) {
    held.addAndGet(-length);
  }

  /**
   * Reads the whole body into memory: at most {@code length} bytes, and exactly that many when
   * {@code exact} (a PUT's Content-Length; a form's file part is only bounded by the form's). Each
   * chunk is handed to {@code done} once copied.
   */
  static Future<SmallBody> receive(
      ReadStream<Buffer> body, int length, boolean exact, Consumer<Buffer> done) {
    Promise<SmallBody> received = Promise.promise();
    Buffer bytes = Buffer.buffer(length);
    long[] arrived = {0};
    body.exceptionHandler(
        e ->
            received.tryFail(
                Failure.CLIENT_ABORTED.exception(
                    "the upload broke off after " + bytes.length() + " bytes: " + e.getMessage())));
    body.handler(
        chunk -> {
          arrived[0] += chunk.length();
          if (arrived[0] <= length) {
            bytes.appendBuffer(chunk);
          }
          done.accept(chunk);
        });
    body.endHandler(
        v -> {
          if (exact ? arrived[0] != length : arrived[0] > length) {
            received.tryFail(
                Failure.BAD_REQUEST.exception(
                    "the body is " + arrived[0] + " bytes, Content-Length said " + length));
          } else {
            received.tryComplete(new SmallBody(bytes, sha256(bytes)));
          }
        });
    body.resume();
    return received.future();
  }

  Buffer bytes() {
    return bytes;
  }

  int length() {
    return bytes.length();
  }

  String sha256() {
    return sha256;
  }

  /**
   * Writes the body to the upload's spool file (blocking, off the event loop), for the delivery.
   */
  Future<SpooledBody> spool(Vertx vertx, SpoolReservation slot) {
    return vertx.executeBlocking(
        () -> {
          try (FileChannel file = FileChannel.open(slot.file(), NEW_FILE, PrivateFiles.file())) {
            ByteBuffer content = ByteBuffer.wrap(bytes.getBytes());
            while (content.hasRemaining()) {
              file.write(content);
            }
          }
          return spooled();
        },
        false);
  }

  /** What the delivery is told of this body: its length and SHA-256. */
  SpooledBody spooled() {
    return new SpooledBody(bytes.length(), sha256);
  }

  private static String sha256(Buffer bytes) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(bytes.getBytes());
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
