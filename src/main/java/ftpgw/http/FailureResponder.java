package ftpgw.http;

import ftpgw.transfer.Failure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one mapping from any failure to an HTTP status and a JSON body {@code {error, message}}. */
final class FailureResponder {
  private static final Logger log = LoggerFactory.getLogger(FailureResponder.class);

  private final int retryAfterSeconds;

  FailureResponder(int retryAfterSeconds) {
    this.retryAfterSeconds = retryAfterSeconds;
  }

  void handle(RoutingContext ctx) {
    Throwable error = ctx.failure();
    if (error == null) {
      answer(ctx, ctx.statusCode(), ctx.statusCode() == 404 ? "NOT_FOUND" : "HTTP_" + ctx.statusCode(),
          ctx.statusCode() == 404 ? "no such resource: " + ctx.request().method() + " " + ctx.request().path()
              : "the request cannot be served (" + ctx.statusCode() + ")");
      return;
    }
    Failure failure = Failure.of(error);
    if (failure == Failure.INTERNAL) {
      log.error("Unexpected failure on {} {}", ctx.request().method(), ctx.request().path(), error);
    }
    String message = failure == Failure.INTERNAL ? "internal error: " + error : error.getMessage();
    answer(ctx, failure.httpStatus(), failure.name(), message);
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
    // A body we stopped reading must not be parsed as the next request: close the connection after answering.
    boolean unreadBody = !request.isEnded();
    if (unreadBody) {
      response.putHeader(HttpHeaders.CONNECTION, "close");
    }
    response.end(new JsonObject().put("error", error).put("message", message).encode())
        .onComplete(done -> {
          if (unreadBody) {
            request.connection().close();
          }
        });
  }
}
