package ftpgw.spool;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * The one Vert.x internal the spool relies on: the Netty bytes behind a Vert.x buffer, so that
 * {@link SpoolSink} writes them without a copy. {@code VertxBuffersTest} fails naming the class
 * when a Vert.x upgrade moves it.
 */
final class VertxBuffers {
  private VertxBuffers() {}

  /** A view of {@code chunk}'s bytes, not a copy. */
  static ByteBuf bytesOf(Buffer chunk) {
    return ((BufferInternal) chunk).getByteBuf();
  }
}
