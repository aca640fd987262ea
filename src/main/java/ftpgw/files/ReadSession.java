package ftpgw.files;

import ftpgw.relay.FtpConnectionPool;
import ftpgw.relay.FtpReplyException;
import ftpgw.transfer.Failure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One download: its connection, the RETR stream and the chunk read ahead of the next pull. */
final class ReadSession {
  private static final Logger log = LoggerFactory.getLogger(ReadSession.class);

  private final Vertx vertx;
  private final WorkerExecutor ftpThreads;
  private final long idleMillis;

  /**
   * Called (on the verticle's context) when the session ends by itself: at its end, on failure,
   * when idle.
   */
  private final Consumer<ReadSession> ended;

  final String id;
  final FtpConnectionPool.Lease lease;
  final InputStream in;
  long remaining;
  Future<Buffer> ahead;
  long idleTimer = -1;
  boolean done;

  ReadSession(
      Vertx vertx,
      WorkerExecutor ftpThreads,
      long idleMillis,
      Consumer<ReadSession> ended,
      String id,
      FtpConnectionPool.Lease lease,
      InputStream in,
      long length) {
    this.vertx = vertx;
    this.ftpThreads = ftpThreads;
    this.idleMillis = idleMillis;
    this.ended = ended;
    this.id = id;
    this.lease = lease;
    this.in = in;
    this.remaining = length < 0 ? Long.MAX_VALUE : length;
  }

  void readAhead() {
    ahead = ftpThreads.executeBlocking(this::read, false);
    armIdleTimer();
  }

  void next(Message<JsonObject> message) {
    Future<Buffer> chunk = ahead;
    chunk.onComplete(
        result -> {
          if (result.failed()) {
            ended.accept(this);
            abort();
            Failure failure = FilesVerticle.classify(result.cause());
            message.fail(failure.busCode(), result.cause().getMessage());
            return;
          }
          Buffer buffer = result.result();
          message.reply(buffer);
          if (buffer.length() == 0) {
            ended.accept(this);
            vertx.cancelTimer(idleTimer);
          } else {
            readAhead();
          }
        });
  }

  /**
   * A chunk of up to {@link FilesVerticle#CHUNK_BYTES}; empty once the file (or the range asked
   * for) has been sent.
   */
  private Buffer read() throws IOException {
    if (remaining <= 0) {
      finish(false);
      return Buffer.buffer();
    }
    byte[] bytes = new byte[(int) Math.min(FilesVerticle.CHUNK_BYTES, remaining)];
    int filled = 0;
    while (filled < bytes.length) {
      int n = in.read(bytes, filled, bytes.length - filled);
      if (n < 0) {
        break;
      }
      filled += n;
    }
    remaining -= filled;
    if (filled == 0) {
      finish(true);
      return Buffer.buffer();
    }
    return Buffer.buffer(filled == bytes.length ? bytes : Arrays.copyOf(bytes, filled));
  }

  /**
   * At the file's end the transfer completes (226) and the connection is reused; before it, it is
   * closed.
   */
  private synchronized void finish(boolean atEnd) throws IOException {
    if (done) {
      return;
    }
    done = true;
    if (!atEnd) {
      closeQuietly();
      lease.discard();
      return;
    }
    in.close();
    if (lease.ftp().completePendingCommand()) {
      lease.close();
    } else {
      FtpReplyException refused = FtpFiles.refused(lease.ftp(), "RETR");
      lease.discard();
      throw refused;
    }
  }

  void abort() {
    vertx.cancelTimer(idleTimer);
    // the RETR stream may be in a read on a worker: closing the connection ends that read too
    ftpThreads.executeBlocking(
        () -> {
          synchronized (this) {
            if (!done) {
              done = true;
              closeQuietly();
              lease.discard();
            }
          }
          return null;
        },
        false);
  }

  private void armIdleTimer() {
    vertx.cancelTimer(idleTimer);
    idleTimer =
        vertx.setTimer(
            idleMillis,
            t -> {
              log.info(
                  "Download {} not pulled for {} ms: ended, its FTP connection closed",
                  id,
                  idleMillis);
              ended.accept(this);
              abort();
            });
  }

  private void closeQuietly() {
    try {
      in.close();
    } catch (IOException ignored) {
      // the connection is being discarded
    }
  }
}
