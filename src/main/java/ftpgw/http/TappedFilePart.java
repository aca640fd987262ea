package ftpgw.http;

import ftpgw.vertx.VertxInternals;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.ArrayDeque;

/**
 * The file part of a form read by {@link TappedForm}: a stream of slices of the connection's
 * chunks, each of which its reader gives back with {@link #giveBack} once it is written. While
 * paused it keeps what the chunk under way still holds (at most one socket read) and the form stops
 * reading the connection. Runs on the connection's event loop, except {@link #giveBack}.
 */
final class TappedFilePart implements ReadStream<Buffer> {
  private final ArrayDeque<Buffer> waiting = new ArrayDeque<>();
  private final Runnable onResume;
  private boolean paused;
  private boolean ended;
  private boolean endDelivered;
  private Throwable failure;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;

  /**
   * @param onResume called when the reader takes data again, so the form reads on
   */
  TappedFilePart(Runnable onResume) {
    this.onResume = onResume;
  }

  /**
   * Gives back a slice this part lent (any thread): the memory under it returns to Netty's pool
   * with the last.
   */
  static void giveBack(Buffer slice) {
    VertxInternals.lentByteBuf(slice).release();
  }

  /** A slice of the file arrived; the part owns one reference to it. */
  void offer(Buffer slice) {
    if (failure != null || endDelivered) {
      giveBack(slice);
      return;
    }
    waiting.add(slice);
    deliver();
  }

  /** The closing boundary of the part was found. */
  void end() {
    ended = true;
    deliver();
  }

  /**
   * The form broke off or is malformed: waiting slices are dropped and the reader is told, unless
   * it had all.
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

  /** The form may read on: the reader takes data and nothing waits. */
  boolean takesMore() {
    return !paused || failure != null || endDelivered;
  }

  private void deliver() {
    while (!paused && !waiting.isEmpty()) {
      Buffer slice = waiting.poll();
      Handler<Buffer> reader = handler;
      if (reader == null) {
        giveBack(slice);
      } else {
        reader.handle(slice);
      }
    }
    if (!paused && ended && !endDelivered && failure == null) {
      endDelivered = true;
      if (endHandler != null) {
        endHandler.handle(null);
      }
    }
  }

  private void dropWaiting() {
    Buffer slice;
    while ((slice = waiting.poll()) != null) {
      giveBack(slice);
    }
  }

  @Override
  public TappedFilePart exceptionHandler(Handler<Throwable> handler) {
    exceptionHandler = handler;
    if (handler != null && failure != null) {
      handler.handle(failure);
    }
    return this;
  }

  @Override
  public TappedFilePart handler(Handler<Buffer> handler) {
    this.handler = handler;
    if (handler == null) {
      dropWaiting(); // the reader gave up: nobody takes these any more
    } else {
      deliver();
    }
    return this;
  }

  @Override
  public TappedFilePart pause() {
    paused = true;
    return this;
  }

  @Override
  public TappedFilePart resume() {
    paused = false;
    deliver();
    if (!paused) {
      onResume.run();
    }
    return this;
  }

  @Override
  public TappedFilePart fetch(long amount) {
    return amount > 0 ? resume() : this;
  }

  @Override
  public TappedFilePart endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    return this;
  }
}
