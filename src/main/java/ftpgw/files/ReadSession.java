package ftpgw.files;

import ftpgw.relay.FtpConnectionPool;
import ftpgw.relay.FtpReplyException;
import ftpgw.transfer.Failure;
import ftpgw.vertx.VertxInternals;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One download: its connection, the RETR stream and up to {@link #AHEAD} chunks read ahead of the
 * pulls. Reading ahead keeps the FTP data connection busy while the HTTP side writes, and is
 * bounded, so a slow client slows the RETR instead of filling memory. Its state is touched on the
 * verticle's context only; the blocking reads run on the FTP threads, one at a time.
 */
final class ReadSession {
  private static final Logger log = LoggerFactory.getLogger(ReadSession.class);

  /** Chunks held ready at most: 2 MiB per download with 512 KiB chunks. */
  static final int AHEAD = 4;

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
  final ReadableByteChannel in;
  long remaining;
  private final Deque<Buffer> ready = new ArrayDeque<>();
  private boolean reading;
  private boolean atEnd;
  private Throwable failure;
  private Message<JsonObject> waiting;

  /** Set on the verticle's context, read by the FTP thread before it allocates a chunk. */
  private volatile boolean aborted;

  long idleTimer = -1;
  boolean done;

  ReadSession(
      Vertx vertx,
      WorkerExecutor ftpThreads,
      long idleMillis,
      Consumer<ReadSession> ended,
      String id,
      FtpConnectionPool.Lease lease,
      ReadableByteChannel in,
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

  /** Starts reading ahead; the session ends unless pulled from within the idle time. */
  void start() {
    armIdleTimer();
    fill();
  }

  /**
   * A data connection handed over to the HTTP side on this node (see {@link LocalRead}; such a
   * session is never {@link #start}ed: nothing is read here and no idle timer runs, as the HTTP
   * side always ends it) was read to the file's end: closes it, checks the server's verdict (226)
   * and gives the connection back to the pool.
   */
  Future<Void> complete() {
    return ftpThreads.executeBlocking(
        () -> {
          finish(true);
          return null;
        },
        false);
  }

  /** Starts the next read unless one runs, the file is over, or {@link #AHEAD} chunks wait. */
  private void fill() {
    if (reading || atEnd || failure != null || ready.size() >= AHEAD) {
      return;
    }
    reading = true;
    ftpThreads
        .executeBlocking(this::read, false)
        .onComplete(
            result -> {
              reading = false;
              if (aborted) {
                if (result.succeeded()) {
                  VertxInternals.giveBack(result.result());
                }
                return;
              }
              if (result.failed()) {
                failure = result.cause();
              } else {
                atEnd = result.result().length() == 0;
                ready.add(result.result());
              }
              if (waiting != null) {
                Message<JsonObject> message = waiting;
                waiting = null;
                next(message);
              } else {
                fill();
              }
            });
  }

  /**
   * Answers a pull with the next chunk (empty: the end), as soon as it has been read. The chunk's
   * direct memory is the puller's from then on: {@link VertxInternals#giveBack} once written.
   */
  void next(Message<JsonObject> message) {
    armIdleTimer();
    if (!ready.isEmpty()) {
      Buffer chunk = ready.poll();
      message.reply(chunk, ChunkCodec.REPLY);
      if (chunk.length() == 0) {
        ended.accept(this);
        vertx.cancelTimer(idleTimer);
      } else {
        fill();
      }
    } else if (failure != null) {
      ended.accept(this);
      abort();
      Failure classified = FilesVerticle.classify(failure);
      message.fail(classified.busCode(), failure.getMessage());
    } else {
      waiting = message;
      fill();
    }
  }

  /**
   * A chunk of up to {@link FilesVerticle#CHUNK_BYTES}; empty once the file (or the range asked
   * for) has been sent.
   */
  private Buffer read() throws IOException {
    if (aborted) {
      return Buffer.buffer(); // the session ended while this read waited for a thread
    }
    if (remaining <= 0) {
      finish(false);
      return Buffer.buffer();
    }
    ByteBuf chunk =
        PooledByteBufAllocator.DEFAULT.directBuffer(
            (int) Math.min(FilesVerticle.CHUNK_BYTES, remaining));
    try {
      ByteBuffer into = chunk.nioBuffer(0, chunk.capacity()); // a view of the chunk's memory
      while (into.hasRemaining() && in.read(into) >= 0) {
        // a blocking channel fills what the data connection has, until the chunk is full or over
      }
      chunk.writerIndex(into.position());
    } catch (IOException | RuntimeException e) {
      chunk.release();
      throw e;
    }
    remaining -= chunk.readableBytes();
    if (chunk.readableBytes() == 0) {
      chunk.release();
      finish(true);
      return Buffer.buffer();
    }
    return VertxInternals.lend(chunk);
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

  /**
   * Ends the session early: the chunks read ahead are given back and the connection is closed
   * (which also ends a read in progress).
   */
  void abort() {
    vertx.cancelTimer(idleTimer);
    aborted = true;
    ready.forEach(VertxInternals::giveBack);
    ready.clear();
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
