package ftpgw.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Requests Netty could not parse (a header line or block over the limits, {@code Content-Length:
 * -5}) answered like every other failure, with JSON {@code {error, message}}, instead of Vert.x's
 * empty 431/414/400. The connection is closed afterwards: what follows the broken head cannot be
 * told from the next request.
 */
final class InvalidRequests {
  private InvalidRequests() {}

  static void answer(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status;
    String error;
    String message;
    if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      error = "HEADERS_TOO_LARGE";
      message = "the request's headers are too large (at most 8 KiB of header lines in all)";
    } else if (cause instanceof TooLongHttpLineException) {
      status = 414;
      error = "URI_TOO_LONG";
      message = "the request line is too long (at most 4 KiB)";
    } else {
      status = 400;
      error = "BAD_REQUEST";
      message =
          "the request is not valid HTTP/1.1"
              + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
    request
        .response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CONNECTION, "close")
        .end(FailureResponder.body(error, message))
        .onComplete(done -> request.connection().close());
  }
}
