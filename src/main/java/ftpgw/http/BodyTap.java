package ftpgw.http;

import ftpgw.transfer.Failure;
import ftpgw.vertx.VertxInternals;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Takes the bodies of {@code PUT /files/...} (and of the multipart {@code POST /upload}) out of an
 * HTTP/1.1 connection's Netty pipeline before Vert.x sees them, so that their chunks reach the
 * spool as Netty read them (pooled, off-heap) instead of as Vert.x's copy of each on the heap: per
 * GiB received, one copy and 1 GiB of garbage fewer, and the spool writes them without the JDK's
 * copy of a heap buffer into a direct one. Vert.x still sees the request and its end, so routing,
 * answers, keep-alive and error handling are unchanged.
 *
 * <p>The request head gets a header naming its body; the upload handler takes the body with {@link
 * #bodyOf}. A body nobody takes is dropped when its request is answered, and the rest of it then
 * flows to Vert.x as usual. Reads from the connection stop while a paused body holds a chunk
 * (auto-read off: Vert.x leaves it alone meanwhile, since its request gets no data to queue).
 * Everything runs on the connection's event loop.
 */
final class BodyTap extends ChannelDuplexHandler {
  /** Set by the tap on tapped requests (a client's own value is removed). */
  static final String HEADER = "x-ftpgw-tapped-body";

  private static final String NAME = "ftpgw-body-tap";
  private static final Object UNTAPPED = new Object();

  /** Tapped bodies not taken by a handler yet, by id. */
  private final Map<Long, TappedBody> untaken = new HashMap<>();

  /** One entry per request not answered yet, oldest first: its TappedBody, or UNTAPPED. */
  private final ArrayDeque<Object> unanswered = new ArrayDeque<>();

  /**
   * Told the bytes of tapped chunks, as Vert.x is told those it reads (HTTP server metrics); null
   * in tests.
   */
  private final HttpConnection connection;

  private TappedBody receiving;
  private long lastId;
  private ChannelHandlerContext ctx;
  private boolean readHeld;

  BodyTap(HttpConnection connection) {
    this.connection = connection;
  }

  /** Adds a tap to an HTTP/1.x connection (HTTP/2 connections and unknown kinds are left alone). */
  static void install(HttpConnection connection) {
    Channel channel = VertxInternals.channel(connection);
    if (channel != null) {
      ChannelPipeline pipeline = channel.pipeline();
      String vertx = VertxInternals.vertxHandlerName(pipeline);
      if (vertx != null
          && pipeline.get(HttpRequestDecoder.class) != null
          && pipeline.get(BodyTap.class) == null) {
        pipeline.addBefore(vertx, NAME, new BodyTap(connection));
      }
    }
  }

  /**
   * The tapped body of {@code request} (on its event loop, once), or empty: then the request
   * streams it itself.
   */
  static Optional<TappedBody> bodyOf(HttpServerRequest request) {
    String id = request.getHeader(HEADER);
    Channel channel = id == null ? null : VertxInternals.channel(request.connection());
    if (channel == null) {
      return Optional.empty();
    }
    BodyTap tap = channel.pipeline().get(BodyTap.class);
    try {
      return tap == null ? Optional.empty() : tap.take(Long.parseLong(id));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The tapped body named {@code id} in its request's {@link #HEADER}, once. */
  Optional<TappedBody> take(long id) {
    return Optional.ofNullable(untaken.remove(id));
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest head && !(msg instanceof HttpContent)) {
      head.headers().remove(HEADER);
      receiving = null;
      if (tapped(head)) {
        receiving = new TappedBody(this, ++lastId);
        TapMeters.tapped();
        untaken.put(receiving.id, receiving);
        head.headers().set(HEADER, Long.toString(receiving.id));
      }
      unanswered.add(receiving == null ? UNTAPPED : receiving);
    } else if (msg instanceof HttpContent content && receiving != null && !receiving.abandoned()) {
      TappedBody body = receiving;
      boolean last = msg instanceof LastHttpContent;
      if (!content.decoderResult().isSuccess()) {
        // the client's mistake, answered as such: Vert.x, given the broken chunk, would drop the
        // connection unanswered;
        // it gets the request's end instead, and the answer closes the connection (Netty reads
        // nothing more of it)
        receiving = null;
        Throwable cause = content.decoderResult().cause();
        content.release();
        body.fail(
            Failure.BAD_REQUEST
                .exception(
                    "the request body is malformed (invalid chunked encoding?): "
                        + (cause == null ? "unknown" : cause.getMessage()))
                .withHeader("Connection", "close"));
        msg = LastHttpContent.EMPTY_LAST_CONTENT;
      } else {
        if (content.content().isReadable()) {
          if (connection != null) {
            VertxInternals.reportBytesRead(connection, content.content().readableBytes());
          }
          body.offer(content.content());
          if (body.holdsReads()) {
            holdReads();
          }
        } else {
          content.release();
        }
        if (last) {
          receiving = null;
          body.offerEnd();
          msg =
              LastHttpContent.EMPTY_LAST_CONTENT; // Vert.x ends the request; trailers are not used
        } else {
          return;
        }
      }
    } else if (msg instanceof LastHttpContent) {
      receiving = null;
    }
    ctx.fireChannelRead(msg);
  }

  private static boolean tapped(HttpRequest head) {
    return head.decoderResult().isSuccess()
        && !(head instanceof FullHttpRequest)
        && (head.method().equals(HttpMethod.PUT) && head.uri().startsWith("/files/")
            || isForm(head));
  }

  /**
   * The seed's form, {@code POST /upload} as multipart (read by {@link TappedForm}). A form that
   * also asks to switch protocols ({@code Upgrade: h2c}, as Java's HttpClient sends by default) is
   * left to Vert.x's decoder: tapped, its body was cut short of its closing boundary.
   */
  private static boolean isForm(HttpRequest head) {
    String uri = head.uri();
    String type = head.headers().get(HttpHeaderNames.CONTENT_TYPE);
    return head.method().equals(HttpMethod.POST)
        && !head.headers().contains(HttpHeaderNames.UPGRADE)
        && (uri.equals("/upload") || uri.startsWith("/upload?"))
        && type != null
        && type.regionMatches(true, 0, "multipart/form-data", 0, 19);
  }

  @Override
  public void read(ChannelHandlerContext ctx) {
    if (receiving != null && receiving.holdsReads()) {
      holdReads();
      return;
    }
    ctx.read();
  }

  /**
   * Stops reading from the connection: auto-read off (else NIO keeps reading whatever read() says),
   * and read() calls held back. The socket read under way ends the read loop.
   */
  private void holdReads() {
    readHeld = true;
    if (ctx.channel().config().isAutoRead()) { // (again, should Vert.x have turned it on meanwhile)
      ctx.channel().config().setAutoRead(false);
    }
  }

  /** A body that held the reads can take more: reading starts again. */
  void readAgain() {
    if (readHeld && (receiving == null || !receiving.holdsReads())) {
      readHeld = false;
      if (ctx.channel().config().isAutoRead()) {
        ctx.read();
      } else {
        ctx.channel().config().setAutoRead(true); // reads at once
      }
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpResponse response && response.status().code() >= 200) {
      Object answered = unanswered.poll();
      if (answered instanceof TappedBody body) {
        untaken.remove(body.id);
        body.answered();
      }
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    failAll(new IOException("the connection closed"));
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    failAll(new IOException("the connection closed"));
  }

  private void failAll(IOException error) {
    receiving = null;
    for (Object request : unanswered) {
      if (request instanceof TappedBody body) {
        body.fail(error);
      }
    }
    unanswered.clear();
    untaken.clear();
  }
}
