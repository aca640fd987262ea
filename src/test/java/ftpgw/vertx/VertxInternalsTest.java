package ftpgw.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Vert.x internals behind {@link VertxInternals} still work as the gateway needs them. When a
 * Vert.x upgrade moves one, this fails naming it (the gateway would otherwise fall back to copying
 * every body, silently).
 */
class VertxInternalsTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void anHttp1ConnectionShowsItsNettyChannelAndVertxHandler() throws Exception {
    CompletableFuture<String> seen = new CompletableFuture<>();
    // as HttpUploadVerticle listens: without h2c, whose upgrade handler takes VertxHandler's place
    // at first
    HttpServer server =
        vertx
            .createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
            .connectionHandler(
                connection -> {
                  Channel channel = VertxInternals.channel(connection);
                  if (channel == null) {
                    seen.complete(
                        "no Netty channel: "
                            + connection.getClass().getName()
                            + " is no longer an io.vertx.core.net.impl.ConnectionBase");
                  } else if (VertxInternals.vertxHandlerName(channel.pipeline()) == null) {
                    seen.complete(
                        "no io.vertx.core.net.impl.VertxHandler in the pipeline "
                            + channel.pipeline().names());
                  } else {
                    seen.complete("ok");
                  }
                })
            .requestHandler(request -> request.response().end("hi"))
            .listen(0, "127.0.0.1")
            .await();

    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(seen.get(30, TimeUnit.SECONDS))
        .as("Vert.x internals BodyTap relies on")
        .isEqualTo("ok");
  }

  @Test
  void aLentNettyBufferIsWrappedWithoutACopyAndFoundAgain() {
    ByteBuf chunk = Unpooled.copiedBuffer("chunk", StandardCharsets.US_ASCII);
    try {
      Buffer lent = VertxInternals.lend(chunk);

      assertThat(lent.toString(StandardCharsets.US_ASCII)).isEqualTo("chunk");
      assertThat(VertxInternals.lentByteBuf(lent))
          .as(
              "io.vertx.core.buffer.impl.BufferImpl.byteBuf() of a buffer made by BufferInternal.buffer(ByteBuf)")
          .isSameAs(chunk);
    } finally {
      chunk.release();
    }
  }

  @Test
  void aVertxBufferShowsItsBytesWithoutACopy() {
    Buffer chunk = Buffer.buffer("spooled", "US-ASCII");

    ByteBuf bytes = VertxInternals.bytesOf(chunk);

    assertThat(bytes.toString(StandardCharsets.US_ASCII))
        .as("io.vertx.core.internal.buffer.BufferInternal.getByteBuf() of a Buffer")
        .isEqualTo("spooled");
    bytes.setByte(0, 'S');
    assertThat(chunk.getString(0, 7, "US-ASCII"))
        .as("a view of the same bytes, not a copy")
        .isEqualTo("Spooled");
  }

  @Test
  void aChunkOfAnHttpClientResponseIsVertxsOwnCopyAndKeptWithoutAnother() throws Exception {
    byte[] body = new byte[256 * 1024];
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(request -> request.response().end(Buffer.buffer(body)))
            .listen(0, "127.0.0.1")
            .await();
    CompletableFuture<String> seen = new CompletableFuture<>();
    vertx
        .createHttpClient()
        .request(io.vertx.core.http.HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
        .compose(io.vertx.core.http.HttpClientRequest::send)
        .onSuccess(
            response -> {
              response.handler(
                  chunk -> {
                    if (!VertxInternals.isVertxHeapCopy(chunk)) {
                      seen.complete(
                          "a response chunk is "
                              + VertxInternals.bytesOf(chunk).getClass().getName()
                              + " from "
                              + VertxInternals.bytesOf(chunk).alloc().getClass().getName()
                              + ", no longer Vert.x's heap copy (VertxHandler.safeBuffer):"
                              + " a relay node would copy every streamed chunk once more");
                    }
                  });
              response.endHandler(v -> seen.complete("every chunk a Vert.x heap copy"));
            })
        .onFailure(seen::completeExceptionally);

    assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo("every chunk a Vert.x heap copy");
    Buffer foreign = VertxInternals.lend(Unpooled.wrappedBuffer(new byte[] {1, 2}));
    ByteBuffer kept = VertxInternals.keepable(foreign);
    foreign.setByte(0, (byte) 9);
    assertThat(kept.get(0))
        .as("a buffer Vert.x did not copy is copied to be kept")
        .isEqualTo((byte) 1);
  }

  @Test
  void aLentDirectBufferIsReleasedWhenGivenBackAndAHeapOneIsLeftAlone() {
    ByteBuf direct = io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(16);
    direct.writeCharSequence("chunk", StandardCharsets.US_ASCII);
    Buffer lent = VertxInternals.lend(direct);

    VertxInternals.giveBack(lent);

    assertThat(direct.refCnt()).as("the lent Netty buffer is released").isZero();
    Buffer heap = Buffer.buffer("made by Vert.x");
    VertxInternals.giveBack(heap);
    assertThat(heap.toString()).isEqualTo("made by Vert.x");
  }

  @Test
  void aChannelRegisteredOnAContextsEventLoopRunsOnTheContextsThread() throws Exception {
    Context context = vertx.getOrCreateContext();
    CompletableFuture<Thread> contextThread = new CompletableFuture<>();
    context.runOnContext(v -> contextThread.complete(Thread.currentThread()));
    EventLoop loop = VertxInternals.eventLoop(context);
    assertThat(loop)
        .as("io.vertx.core.internal.ContextInternal.nettyEventLoop() of an event-loop context")
        .isNotNull();

    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress("127.0.0.1", 0));
      SocketChannel client = SocketChannel.open(server.getLocalAddress());
      CompletableFuture<Thread> readOn = new CompletableFuture<>();
      NioSocketChannel adopted = new NioSocketChannel(client);
      adopted
          .pipeline()
          .addLast(
              new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                  ((ByteBuf) msg).release();
                  readOn.complete(Thread.currentThread());
                }
              });
      loop.register(adopted).sync();
      try (SocketChannel peer = server.accept()) {
        peer.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertThat(readOn.get(10, TimeUnit.SECONDS))
            .as("a Netty NIO channel on Vert.x's event loop reads on the context's thread")
            .isSameAs(contextThread.get(10, TimeUnit.SECONDS));
      } finally {
        adopted.close().sync();
      }
    }
  }
}
