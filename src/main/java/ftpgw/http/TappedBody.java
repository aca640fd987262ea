package ftpgw.http;

import ftpgw.vertx.VertxInternals;
import io.netty.buffer.ByteBuf;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.ArrayDeque;

/**
 * The body of one request as {@link BodyTap} takes it from Netty: a stream of Netty's own (pooled,
 * off-heap) chunks, lent to the reader, who gives each back with {@link #giveBack} once it is
 * written. Starts paused, and while paused with a chunk waiting the tap reads no more from the
 * connection: at most one socket read waits here.
 *
 * <p>Everything runs on the connection's event loop except {@link #giveBack}, which any thread may
 * call.
 */
final class TappedBody implements ReadStream<Buffer> {

  final long id;
  private final BodyTap tap;
  private final ArrayDeque<ByteBuf> waiting = new ArrayDeque<>();
  private boolean paused = true;
  private boolean endReceived;
  private boolean endDelivered;
  private boolean abandoned;
  private Throwable failure;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;

  TappedBody(BodyTap tap, long id) {
    this.tap = tap;
    this.id = id;
  }

  /** Gives back a chunk this body lent (any thread). */
  static void giveBack(Buffer chunk) {
    drop(VertxInternals.lentByteBuf(chunk));
  }

  /** A chunk arrived from the connection; this body owns it now. */
  void offer(ByteBuf chunk) {
    TapMeters.lent(chunk.readableBytes());
    if (abandoned || failure != null) {
      drop(chunk);
      return;
    }
    waiting.add(chunk);
    deliver();
  }

  /** The body's last chunk arrived. */
  void offerEnd() {
    endReceived = true;
    deliver();
  }

  /**
   * The tap lets this body's remaining bytes go to Vert.x (which drops them); nothing more arrives
   * here.
   */
  boolean abandoned() {
    return abandoned;
  }

  /** The tap reads no more for this body until it is resumed. */
  boolean holdsReads() {
    return paused && !waiting.isEmpty() && !abandoned && failure == null;
  }

  /**
   * The request was answered. If its reader did not take the whole body (refused before or while
   * reading it), the chunks waiting are dropped and the rest of the body is left to Vert.x, which
   * reads and drops it.
   */
  void answered() {
    if (!endDelivered) {
      abandoned = true;
      dropWaiting();
    }
  }

  /**
   * The connection broke off: waiting chunks are dropped and the reader is told, unless it had the
   * whole body.
   */
  void fail(Throwable error) {
    if (endDelivered || failure != null) {
      return;
    }
    failure = error;
    dropWaiting();
    if (exceptionHandler != null) {
      exceptionHandler.handle(error);
    }
  }

  private void deliver() {
    while (!paused && !waiting.isEmpty()) {
      ByteBuf chunk = waiting.poll();
      Handler<Buffer> reader = handler;
      if (reader == null) {
        drop(chunk);
      } else {
        reader.handle(VertxInternals.lend(chunk)); // lent: the reader gives it back
      }
    }
    if (!paused && endReceived && !endDelivered && failure == null && !abandoned) {
      endDelivered = true;
      if (endHandler != null) {
        endHandler.handle(null);
      }
    }
    if (!holdsReads()) {
      tap.readAgain();
    }
  }

  private void dropWaiting() {
    ByteBuf chunk;
    while ((chunk = waiting.poll()) != null) {
      drop(chunk);
    }
    tap.readAgain();
  }

  /**
   * Releases a lent chunk ({@link TapMeters}), whether the reader had it or it never left this
   * body.
   */
  private static void drop(ByteBuf chunk) {
    TapMeters.givenBack(chunk.readableBytes());
    chunk.release();
  }

  @Override
  public TappedBody exceptionHandler(Handler<Throwable> handler) {
    exceptionHandler = handler;
    if (handler != null && failure != null) {
      handler.handle(failure);
    }
    return this;
  }

  @Override
  public TappedBody handler(Handler<Buffer> handler) {
    this.handler = handler;
    if (handler != null) {
      deliver();
    }
    return this;
  }

  @Override
  public TappedBody pause() {
    paused = true;
    return this;
  }

  @Override
  public TappedBody resume() {
    paused = false;
    deliver();
    return this;
  }

  @Override
  public TappedBody fetch(long amount) {
    return amount > 0 ? resume() : this;
  }

  @Override
  public TappedBody endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    return this;
  }
}
