package ftpgw.http;

import ftpgw.transfer.Failure;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.streams.ReadStream;

/**
 * A form's file part that tells when the request ended without it: a body cut before its closing
 * boundary leaves Vert.x's part open for ever (Netty's decoder never completes it), and its reader
 * would wait for a stall limit while the spool file and its quota slot stay taken.
 *
 * <p>When the request has ended, the part either has ended too, or still holds queued bytes (and
 * then its end) that its reader paused: so a part that is not paused and gets nothing for two
 * checks in a row after the request ended is truncated, and its reader is told so through its
 * exception handler. Everything runs on the request's context.
 */
final class FilePart implements ReadStream<Buffer> {
  private static final long CHECK_MILLIS = 150;

  private final HttpServerFileUpload upload;
  private Handler<Throwable> exceptionHandler;
  private Handler<Void> endHandler;
  private boolean paused;
  private boolean ended;
  private long activity;
  private long timer = -1;

  FilePart(HttpServerFileUpload upload) {
    this.upload = upload;
    upload.endHandler(
        v -> {
          ended = true;
          activity++;
          Handler<Void> handler = endHandler;
          if (handler != null) {
            handler.handle(null);
          }
        });
    upload.exceptionHandler(
        e -> {
          activity++;
          Handler<Throwable> handler = exceptionHandler;
          if (handler != null) {
            handler.handle(e);
          }
        });
  }

  /**
   * The request's body has ended: unless the part ends too, it is reported truncated (400) within
   * moments.
   */
  void requestEnded(Vertx vertx, Handler<Throwable> truncated) {
    if (ended || timer != -1) {
      return;
    }
    long[] seen = {activity, 0};
    timer =
        vertx.setPeriodic(
            CHECK_MILLIS,
            t -> {
              if (ended) {
                vertx.cancelTimer(t);
                return;
              }
              if (paused || activity != seen[0]) {
                seen[0] = activity;
                seen[1] = 0;
                return;
              }
              if (++seen[1] < 2) {
                return;
              }
              vertx.cancelTimer(t);
              Throwable error =
                  Failure.BAD_REQUEST.exception(
                      "the multipart body ended without its closing boundary"
                          + " (the file part \""
                          + upload.name()
                          + "\" is incomplete); send the whole form");
              truncated.handle(error);
              Handler<Throwable> handler = exceptionHandler;
              if (handler != null) {
                handler.handle(error);
              }
            });
  }

  /** Stops watching (the form is settled). */
  void settled(Vertx vertx) {
    if (timer != -1) {
      vertx.cancelTimer(timer);
    }
  }

  @Override
  public FilePart exceptionHandler(Handler<Throwable> handler) {
    exceptionHandler = handler;
    return this;
  }

  @Override
  public FilePart handler(Handler<Buffer> handler) {
    upload.handler(
        handler == null
            ? null
            : chunk -> {
              activity++;
              handler.handle(chunk);
            });
    return this;
  }

  @Override
  public FilePart pause() {
    paused = true;
    upload.pause();
    return this;
  }

  @Override
  public FilePart resume() {
    paused = false;
    activity++;
    upload.resume();
    return this;
  }

  @Override
  public FilePart fetch(long amount) {
    paused = false;
    activity++;
    upload.fetch(amount);
    return this;
  }

  @Override
  public FilePart endHandler(Handler<Void> handler) {
    endHandler = handler;
    return this;
  }
}
