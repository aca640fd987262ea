package ftpgw.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tap takes a PUT /files body's chunks out of the pipeline and lends them to its reader; Vert.x
 * sees the head and the end only. A paused body holds the connection's reads; a body nobody reads
 * is dropped when its request is answered, or when the connection closes, and every chunk goes back
 * to the pool.
 */
class BodyTapTest {
  private final List<Object> toVertx = new ArrayList<>();
  private final int[] reads = {0};
  private BodyTap tap;
  private EmbeddedChannel channel;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private double lentBefore;

  @BeforeEach
  void pipeline() {
    tap = new BodyTap(null);
    ChannelOutboundHandlerAdapter readCounter =
        new ChannelOutboundHandlerAdapter() {
          @Override
          public void read(ChannelHandlerContext ctx) {
            reads[0]++;
            ctx.read();
          }
        };
    channel = new EmbeddedChannel(readCounter, tap);
    channel
        .pipeline()
        .addLast(
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                toVertx.add(msg);
              }
            });
    TapMeters.bind(meters);
    lentBefore = lent();
  }

  private double lent() {
    return meters.get("ftpgw.http.chunks.lent").gauge().value();
  }

  @AfterEach
  void everyChunkWentBack() {
    channel.finishAndReleaseAll();
    assertThat(lent()).isEqualTo(lentBefore);
  }

  @Test
  void aPutBodyGoesToItsReaderAndVertxSeesOnlyTheHeadAndTheEnd() {
    HttpRequest head = put("/files/a/b.bin");
    head.headers().set(BodyTap.HEADER, "42"); // a client's own value is replaced
    channel.writeInbound(head, content("hello "), last("world"));

    assertThat(toVertx).hasSize(2);
    assertThat(toVertx.get(0)).isSameAs(head);
    assertThat(toVertx.get(1)).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
    long id = Long.parseLong(head.headers().get(BodyTap.HEADER));
    assertThat(id).isNotEqualTo(42);

    TappedBody body = tap.take(id).orElseThrow();
    assertThat(tap.take(id)).as("taken once").isEmpty();
    StringBuilder received = new StringBuilder();
    boolean[] ended = {false};
    body.handler(
            chunk -> {
              received.append(chunk.toString(StandardCharsets.UTF_8));
              TappedBody.giveBack(chunk);
            })
        .endHandler(v -> ended[0] = true)
        .resume();

    assertThat(received).hasToString("hello world");
    assertThat(ended[0]).isTrue();
  }

  @Test
  void aPausedBodyHoldingAChunkHoldsTheConnectionsReads() {
    HttpRequest head = put("/files/x");
    channel.writeInbound(head, content("first"));
    TappedBody body = tap.take(bodyId(head)).orElseThrow();
    List<Buffer> chunks = new ArrayList<>();
    body.handler(chunks::add);

    int before = reads[0];
    channel.read();
    assertThat(reads[0]).as("read held while a chunk waits").isEqualTo(before);
    assertThat(channel.config().isAutoRead()).as("NIO reads on while auto-read is on").isFalse();

    body.resume();
    assertThat(chunks).hasSize(1);
    assertThat(channel.config().isAutoRead()).isTrue();
    assertThat(reads[0]).as("the held read is made on resume").isEqualTo(before + 1);
    channel.read();
    assertThat(reads[0]).isEqualTo(before + 2);

    body.pause();
    channel.writeInbound(last("second"));
    assertThat(chunks).hasSize(1);
    body.resume();
    assertThat(chunks).hasSize(2);
    chunks.forEach(TappedBody::giveBack);
  }

  @Test
  void readsStopAgainWhenVertxTurnsAutoReadOnWhileTheBodyIsPaused() {
    HttpRequest head = put("/files/x");
    channel.writeInbound(head, content("first"));
    TappedBody body = tap.take(bodyId(head)).orElseThrow();
    assertThat(channel.config().isAutoRead()).isFalse();

    channel.config().setAutoRead(true); // Vert.x resuming its connection after a pipelined answer
    channel.writeInbound(content("second"));

    assertThat(channel.config().isAutoRead()).isFalse();
    List<Buffer> chunks = new ArrayList<>();
    body.handler(chunks::add).resume();
    assertThat(chunks).hasSize(2);
    assertThat(channel.config().isAutoRead()).isTrue();
    chunks.forEach(TappedBody::giveBack);
  }

  @Test
  void aBodyNobodyReadsIsDroppedWhenItsRequestIsAnsweredAndTheRestGoesToVertx() {
    HttpRequest head = put("/files/x");
    ByteBuf first = pooled("unread");
    channel.writeInbound(head, new DefaultHttpContent(first));
    assertThat(lent()).isEqualTo(lentBefore + 1);

    channel.writeOutbound(
        new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    assertThat(first.refCnt()).as("100 Continue answers nothing").isEqualTo(1);
    channel.writeOutbound(
        new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST));

    assertThat(first.refCnt()).isZero();
    assertThat(tap.take(bodyId(head))).isEmpty();
    HttpContent rest = content("rest");
    channel.writeInbound(rest);
    assertThat(toVertx).containsExactly(head, rest);
    rest.release();
  }

  @Test
  void aClosedConnectionFailsTheBodyAndDropsItsChunks() {
    HttpRequest head = put("/files/x");
    ByteBuf chunk = pooled("pending");
    channel.writeInbound(head, new DefaultHttpContent(chunk));
    TappedBody body = tap.take(bodyId(head)).orElseThrow();
    List<Throwable> errors = new ArrayList<>();
    body.exceptionHandler(errors::add);

    channel.close();

    assertThat(chunk.refCnt()).isZero();
    assertThat(errors)
        .singleElement()
        .extracting(Throwable::getMessage)
        .isEqualTo("the connection closed");
  }

  @Test
  void otherRequestsPassUntouched() {
    HttpRequest post = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/upload");
    post.headers().set(BodyTap.HEADER, "1");
    HttpContent form = content("--boundary");
    LastHttpContent end = last("--");
    HttpRequest putElsewhere =
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/transfers/x");
    channel.writeInbound(post, form, end, putElsewhere);

    assertThat(toVertx).containsExactly(post, form, end, putElsewhere);
    assertThat(post.headers().contains(BodyTap.HEADER)).isFalse();
    toVertx.forEach(ReferenceCountUtil::release);
  }

  private static HttpRequest put(String uri) {
    return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, uri);
  }

  private static long bodyId(HttpRequest head) {
    return Long.parseLong(head.headers().get(BodyTap.HEADER));
  }

  private static ByteBuf pooled(String text) {
    ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer();
    buf.writeCharSequence(text, StandardCharsets.UTF_8);
    return buf;
  }

  private static HttpContent content(String text) {
    return new DefaultHttpContent(pooled(text));
  }

  private static LastHttpContent last(String text) {
    return new DefaultLastHttpContent(pooled(text));
  }
}
