package ftpgw.spool;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The Vert.x internal behind {@link VertxBuffers}: when an upgrade moves it, this fails naming it.
 */
class VertxBuffersTest {
  @Test
  void aVertxBufferShowsItsBytesWithoutACopy() {
    Buffer chunk = Buffer.buffer("spooled", "US-ASCII");

    ByteBuf bytes = VertxBuffers.bytesOf(chunk);

    assertThat(bytes.toString(StandardCharsets.US_ASCII))
        .as("io.vertx.core.internal.buffer.BufferInternal.getByteBuf() of a Buffer")
        .isEqualTo("spooled");
    bytes.setByte(0, 'S');
    assertThat(chunk.getString(0, 7, "US-ASCII"))
        .as("a view of the same bytes, not a copy")
        .isEqualTo("Spooled");
  }
}
