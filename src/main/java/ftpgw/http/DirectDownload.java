package ftpgw.http;

import ftpgw.files.FilesClient;
import ftpgw.transfer.Failure;
import ftpgw.vertx.VertxInternals;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A download from a relay on this node: the RETR's data connection is read on the event loop that
 * writes the HTTP response, each buffer Netty reads is written to the client as it is (no copy, no
 * other thread, no event bus), and reading stops while the client's connection is full, so a slow
 * client slows the RETR instead of filling memory. The relay keeps the control connection: {@link
 * FilesClient.Download#finish} once the file's end was read, else {@link
 * FilesClient.Download#cancel}, which closes it.
 */
final class DirectDownload extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(DirectDownload.class);

  /** Netty's per-read buffer grows up to this while the data connection has bytes waiting. */
  private static final int MAX_READ = 1024 * 1024;

  private final RoutingContext ctx;
  private final HttpServerResponse response;
  private final FilesClient.Download download;
  private final long bytes;
  private final boolean toFileEnd;
  private NioSocketChannel data;
  private long sent;
  private boolean progressed = true;
  private long stallTimer = -1;

  /** The response is ended or failed: nothing more goes to the client. */
  private boolean over;

  /** The relay was told how the session ends (once). */
  private boolean settled;

  private DirectDownload(
      RoutingContext ctx, FilesClient.Download download, long bytes, boolean toFileEnd) {
    this.ctx = ctx;
    this.response = ctx.response();
    this.download = download;
    this.bytes = bytes;
    this.toFileEnd = toFileEnd;
  }

  /**
   * Streams {@code bytes} from {@code download}'s data connection; {@code toFileEnd}: they reach
   * the end of the file, so the server's 226 is awaited and the connection reused. Called on the
   * request's event loop. {@code stall}: how long the FTP server may send nothing while the client
   * could take more.
   */
  static void stream(
      RoutingContext ctx,
      FilesClient.Download download,
      long bytes,
      boolean toFileEnd,
      Duration stall) {
    DirectDownload reader = new DirectDownload(ctx, download, bytes, toFileEnd);
    Context context = Vertx.currentContext();
    EventLoop loop = context == null ? null : VertxInternals.eventLoop(context);
    if (loop == null) {
      reader.fail(new IllegalStateException("a download is streamed from an event loop only"));
      return;
    }
    reader.start(ctx.vertx(), loop, stall);
  }

  private void start(Vertx vertx, EventLoop loop, Duration stall) {
    data = new NioSocketChannel(download.dataConnection());
    data.config()
        .setAllocator(PooledByteBufAllocator.DEFAULT)
        .setRecvByteBufAllocator(new AdaptiveRecvByteBufAllocator(64 * 1024, 256 * 1024, MAX_READ));
    data.pipeline().addLast(this);
    response.closeHandler(v -> clientLeft());
    stallTimer =
        vertx.setPeriodic(
            stall.toMillis(),
            t -> {
              if (!over && !progressed && data.config().isAutoRead()) {
                fail(
                    Failure.FTP_TIMEOUT.exception(
                        "the FTP server sent nothing for " + stall.toSeconds() + " s"));
              }
              progressed = false;
            });
    loop.register(data)
        .addListener(
            registered -> {
              if (!registered.isSuccess()) {
                fail(registered.cause());
              }
            });
  }

  @Override
  public void channelRead(ChannelHandlerContext channel, Object message) {
    ByteBuf chunk = (ByteBuf) message;
    progressed = true;
    if (over) {
      // the response is whole: any byte now means the file grew, so the RETR is not confirmed
      chunk.release();
      settle(false);
      return;
    }
    long wanted = bytes - sent;
    boolean beyond = chunk.readableBytes() > wanted;
    if (beyond) {
      chunk.writerIndex(chunk.readerIndex() + (int) wanted);
    }
    sent += chunk.readableBytes();
    Buffer lent = VertxInternals.lend(chunk);
    response.write(lent).onComplete(written -> VertxInternals.giveBack(lent));
    if (sent == bytes) {
      over = true;
      response.end();
      if (beyond || !toFileEnd) {
        settle(false); // a range before the file's end: the server is cut off mid-transfer
      }
      // else the server's close of the data connection (channelInactive) ends the RETR
    } else if (response.writeQueueFull()) {
      data.config().setAutoRead(false);
      response.drainHandler(
          drained -> {
            response.drainHandler(null); // once: it would fire again at every later drain
            data.config().setAutoRead(true);
          });
    }
  }

  /** The server closed the data connection: at the file's end, or before it (a failure). */
  @Override
  public void channelInactive(ChannelHandlerContext channel) {
    if (sent == bytes && over) {
      settle(true);
    } else {
      fail(
          Failure.FTP_REFUSED.exception(
              "the FTP server closed the data connection after "
                  + sent
                  + " of "
                  + bytes
                  + " bytes"));
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext channel, Throwable cause) {
    fail(cause);
  }

  private void clientLeft() {
    over = true;
    settle(false);
  }

  /** After the headers: the connection is closed, so the client sees a short body. */
  private void fail(Throwable cause) {
    if (!over) {
      over = true;
      ctx.fail(cause);
    }
    settle(false);
  }

  /**
   * Tells the relay once how the session ends: {@code whole}, the file was read to its end (the
   * relay checks the 226 and reuses the connection); else it is closed.
   */
  private void settle(boolean whole) {
    if (settled) {
      return;
    }
    settled = true;
    ctx.vertx().cancelTimer(stallTimer);
    if (data != null && data.isOpen()) {
      data.close();
    }
    if (whole) {
      download
          .finish()
          .onFailure(error -> log.warn("The FTP server did not confirm a download it sent", error));
    } else {
      download.cancel();
    }
  }
}
