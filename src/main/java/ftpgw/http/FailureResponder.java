package ftpgw.http;

import ftpgw.transfer.Failure;
import ftpgw.transfer.GatewayException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one mapping from any failure to an HTTP status and a JSON body {@code {error, message}}. */
final class FailureResponder {
  private static final Logger log = LoggerFactory.getLogger(FailureResponder.class);

  private static final long LINGER_MILLIS = 1000;
  private static final long LINGER_BYTES = 4L << 20;

  /**
   * RST_STREAM with NO_ERROR after a complete response: "stop sending the request body, without
   * error" (RFC 9113 section 8.1). Java's HttpClient, for one, waits forever for flow-control
   * credit after any other code.
   */
  private static final long NO_ERROR = 0x0;

  /**
   * Sent by the web page with each of its requests (as JavaScript libraries do with
   * XMLHttpRequest).
   */
  static final String PAGE_HEADER = "X-Requested-With";

  private final int retryAfterSeconds;

  FailureResponder(int retryAfterSeconds) {
    this.retryAfterSeconds = retryAfterSeconds;
  }

  void handle(RoutingContext ctx) {
    Throwable error = ctx.failure();
    if (error == null) {
      answer(
          ctx,
          ctx.statusCode(),
          ctx.statusCode() == 404 ? "NOT_FOUND" : "HTTP_" + ctx.statusCode(),
          ctx.statusCode() == 404
              ? "no such resource: " + ctx.request().method() + " " + ctx.request().path()
              : "the request cannot be served (" + ctx.statusCode() + ")");
      return;
    }
    Failure failure = Failure.of(error);
    if (failure == Failure.INTERNAL) {
      log.error("Unexpected failure on {} {}", ctx.request().method(), ctx.request().path(), error);
    }
    String message = failure == Failure.INTERNAL ? "internal error: " + error : error.getMessage();
    if (error instanceof GatewayException expected) {
      expected.headers().forEach((name, value) -> ctx.response().putHeader(name, value));
      if (ctx.request().getHeader(PAGE_HEADER) != null) {
        // the page shows its own login form: a Basic challenge would make the browser pop up its
        // dialog instead
        ctx.response().headers().remove("WWW-Authenticate");
      }
    }
    // a pre-upload hook's refusal carries the hook's own status
    int status =
        failure == Failure.HOOK_REFUSED && ctx.statusCode() >= 400
            ? ctx.statusCode()
            : failure.httpStatus();
    answer(ctx, status, failure.name(), message);
  }

  /**
   * The JSON error body, ending with a newline so that a shell prompt or the next line does not run
   * into it.
   */
  static String body(String error, String message) {
    return new JsonObject().put("error", error).put("message", message).encode() + "\n";
  }

  private void answer(RoutingContext ctx, int status, String error, String message) {
    HttpServerRequest request = ctx.request();
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      request.connection().close();
      return;
    }
    response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    if (status == 503) {
      response.putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfterSeconds));
    }
    // HTTP/1.1: a body we stopped reading must not be parsed as the next request, so the connection
    // is closed after
    // answering. HTTP/2: only this stream ends; the connection carries the client's other requests.
    boolean unreadBody = !request.isEnded();
    boolean http2 = request.version() == HttpVersion.HTTP_2;
    if (unreadBody && !http2) {
      response.putHeader(HttpHeaders.CONNECTION, "close");
    }
    response
        .end(body(error, message))
        .onComplete(
            done -> {
              if (unreadBody && http2) {
                cancelStreamAfterLingering(ctx);
              } else if (unreadBody) {
                closeAfterLingering(ctx);
              }
            });
  }

  /**
   * HTTP/2: drop what the client still sends for a moment (its answer is on its way), then end the
   * stream.
   */
  private void cancelStreamAfterLingering(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    long[] drained = {0};
    Runnable cancel =
        () -> {
          if (!request.isEnded()) {
            ctx.response().reset(NO_ERROR);
          }
        };
    long timer = ctx.vertx().setTimer(LINGER_MILLIS, t -> cancel.run());
    try {
      request.handler(
          chunk -> {
            drained[0] += chunk.length();
            if (drained[0] > LINGER_BYTES) {
              ctx.vertx().cancelTimer(timer);
              cancel.run();
            }
          });
      request.endHandler(v -> ctx.vertx().cancelTimer(timer));
      request.resume();
    } catch (IllegalStateException alreadyRead) {
      ctx.vertx().cancelTimer(timer);
      cancel.run();
    }
  }

  /**
   * Closing a socket with unread bytes in its receive buffer sends RST, and a client that gets RST
   * may lose the answer it has not read yet. So read and drop what the client is still sending for
   * a moment, then close.
   */
  private void closeAfterLingering(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    long[] drained = {0};
    long timer = ctx.vertx().setTimer(LINGER_MILLIS, t -> request.connection().close());
    try {
      request.handler(
          chunk -> {
            drained[0] += chunk.length();
            if (drained[0] > LINGER_BYTES) {
              ctx.vertx().cancelTimer(timer);
              request.connection().close();
            }
          });
      request.endHandler(
          v -> {
            ctx.vertx().cancelTimer(timer);
            request.connection().close();
          });
      request.resume();
    } catch (IllegalStateException alreadyRead) {
      ctx.vertx().cancelTimer(timer);
      request.connection().close();
    }
  }
}
