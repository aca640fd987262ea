package ftpgw.vertx;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.buffer.impl.BufferImpl;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.impl.buffer.VertxByteBufAllocator;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.VertxHandler;
import java.nio.ByteBuffer;

/**
 * Every Vert.x internal the gateway relies on, and nothing else: the Netty channel under an HTTP
 * connection (for the body tap), Netty buffers lent as Vert.x buffers without a copy (tapped
 * uploads, downloads read into direct memory), the Netty bytes behind a Vert.x buffer (the spool's
 * writes; a relay node keeping a streamed body's chunks) and the Netty event loop of a context (a
 * download's FTP data connection read where its HTTP response is written). Internal APIs may move
 * in any Vert.x release; {@code VertxInternalsTest} then fails naming the class that moved, instead
 * of the gateway silently falling back to slower paths.
 */
public final class VertxInternals {
  private VertxInternals() {}

  /** The Netty channel of {@code connection}, or null when this Vert.x does not expose it. */
  public static Channel channel(HttpConnection connection) {
    return connection instanceof ConnectionBase base ? base.channel() : null;
  }

  /**
   * The name of Vert.x's own handler in {@code pipeline} (where HTTP messages reach Vert.x), or
   * null.
   */
  public static String vertxHandlerName(ChannelPipeline pipeline) {
    ChannelHandlerContext vertx = pipeline.context(VertxHandler.class);
    return vertx == null ? null : vertx.name();
  }

  /**
   * The Netty event loop {@code context} runs on, or null (a worker context has none of its own): a
   * channel registered there calls its handlers on the context's thread.
   */
  public static EventLoop eventLoop(Context context) {
    return context instanceof ContextInternal internal && context.isEventLoopContext()
        ? internal.nettyEventLoop()
        : null;
  }

  /**
   * Counts bytes read that Vert.x never sees (taken out of its pipeline) in its connection metrics.
   */
  public static void reportBytesRead(HttpConnection connection, long bytes) {
    if (connection instanceof ConnectionBase base) {
      base.reportBytesRead(bytes);
    }
  }

  /** Wraps a Netty buffer as a Vert.x buffer, without a copy: whoever gets it must give it back. */
  public static Buffer lend(ByteBuf chunk) {
    return BufferInternal.buffer(chunk);
  }

  /** The Netty buffer a {@link #lend lent} Vert.x buffer wraps. */
  public static ByteBuf lentByteBuf(Buffer chunk) {
    return ((BufferImpl) chunk).byteBuf();
  }

  /** A view of {@code chunk}'s bytes, not a copy, whoever made the buffer. */
  public static ByteBuf bytesOf(Buffer chunk) {
    return ((BufferInternal) chunk).getByteBuf();
  }

  /**
   * The bytes of a chunk a Vert.x handler was given, to keep after the handler returned: a view of
   * Vert.x's own heap copy (it copies every pooled Netty read before a handler sees it), else a
   * copy. Writing the view does not change the chunk's indexes.
   */
  public static ByteBuffer keepable(Buffer chunk) {
    ByteBuf bytes = bytesOf(chunk);
    if (isVertxHeapCopy(chunk)) {
      return bytes.nioBuffer();
    }
    ByteBuffer copy = ByteBuffer.allocate(bytes.readableBytes());
    bytes.getBytes(bytes.readerIndex(), copy);
    return copy.flip();
  }

  /** Whether {@code chunk} is a heap copy Vert.x made for a handler, nobody's to release. */
  static boolean isVertxHeapCopy(Buffer chunk) {
    return bytesOf(chunk).alloc() instanceof VertxByteBufAllocator;
  }

  /**
   * Gives back a buffer's Netty bytes once written: a {@link #lend lent} one is released, one
   * Vert.x made on the heap ignores it.
   */
  public static void giveBack(Buffer chunk) {
    ByteBuf bytes = lentByteBuf(chunk);
    if (bytes.refCnt() > 0) {
      bytes.release();
    }
  }
}
