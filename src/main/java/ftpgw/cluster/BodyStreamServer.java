package ftpgw.cluster;

import ftpgw.transfer.Failure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The edge's direct body stream: relay nodes read a spooled body here over one HTTP/1.1 connection
 * (the kernel sends the file, no copy through the heap; TCP's window is the back-pressure) instead
 * of pulling it through the event bus in chunks. Only the relay node holding the current attempt
 * may read ({@link BodyStreams}: 401 without a proof, 403 with a wrong one or for an attempt that
 * is over), from any offset ({@code Range: bytes=N-}), so that a broken stream resumes where it
 * stopped. When an attempt ends, its streams are cut.
 */
final class BodyStreamServer {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d{1,18})-");

  /** The attempt in progress at a transfer, as the edge offered it. */
  record Attempt(String transferId, String lease, String spoolFile, long bytes) {}

  /** What the server asks of the edge. */
  interface Attempts {
    /** The attempt in progress at {@code transferId}, or null. */
    Attempt current(String transferId);

    /** {@code relayNode} proved it holds the attempt and reads it. */
    void readBy(Attempt attempt, String relayNode);
  }

  private final Vertx vertx;
  private final Attempts attempts;

  /** Connections reading, by the lease of their attempt. */
  private final Map<String, Set<HttpConnection>> streaming = new HashMap<>();

  private HttpServer server;

  BodyStreamServer(Vertx vertx, Attempts attempts) {
    this.vertx = vertx;
    this.attempts = attempts;
  }

  /** Listens on {@code host}; the future holds the port. */
  Future<Integer> listen(String host, int port) {
    server =
        vertx
            .createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
            .requestHandler(this::serve);
    return server.listen(port, host).map(HttpServer::actualPort);
  }

  Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** The attempt with {@code lease} is over: no reader of it may go on. */
  void cut(String lease) {
    Set<HttpConnection> connections = streaming.remove(lease);
    if (connections != null) {
      connections.forEach(HttpConnection::close);
    }
  }

  private void serve(HttpServerRequest request) {
    String path = request.path();
    if (request.method() != HttpMethod.GET || !path.startsWith(BodyStreams.PATH_PREFIX)) {
      refuse(request, Failure.NOT_FOUND, "no such resource: " + request.method() + " " + path);
      return;
    }
    String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
    String relayNode = request.getHeader(BodyStreams.RELAY_HEADER);
    if (authorization == null || relayNode == null) {
      refuse(
          request,
          Failure.UNAUTHORIZED,
          "reading a body needs the proof of a cluster member holding its attempt");
      return;
    }
    String transferId = path.substring(BodyStreams.PATH_PREFIX.length());
    String range = request.getHeader("Range");
    long offset = 0;
    if (range != null) {
      Matcher matcher = RANGE.matcher(range);
      if (!matcher.matches()) {
        refuse(request, Failure.RANGE_NOT_SATISFIABLE, "only \"Range: bytes=N-\" is served");
        return;
      }
      offset = Long.parseLong(matcher.group(1));
    }
    Attempt attempt = attempts.current(transferId);
    if (attempt == null
        || !BodyStreams.verify(authorization, attempt.lease(), transferId, relayNode, offset)) {
      // one answer for both: a reader without the lease learns nothing, not even the transfer
      refuse(
          request,
          Failure.FORBIDDEN,
          "transfer "
              + transferId
              + " is not offered under this proof (wrong lease, finished, or given to another"
              + " relay node)");
      return;
    }
    if (offset > attempt.bytes()) {
      refuse(
          request,
          Failure.RANGE_NOT_SATISFIABLE,
          "transfer " + transferId + " has " + attempt.bytes() + " bytes, asked from " + offset);
      return;
    }
    attempts.readBy(attempt, relayNode);
    HttpConnection connection = request.connection();
    String lease = attempt.lease();
    streaming.computeIfAbsent(lease, l -> new HashSet<>()).add(connection);
    connection.closeHandler(v -> forget(lease, connection));
    long length = attempt.bytes() - offset;
    var response =
        request.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream");
    if (offset > 0) {
      response
          .setStatusCode(206)
          .putHeader(
              HttpHeaders.CONTENT_RANGE,
              "bytes " + offset + "-" + (attempt.bytes() - 1) + "/" + attempt.bytes());
    }
    response
        .sendFile(attempt.spoolFile(), offset, length)
        .onComplete(sent -> forget(lease, connection))
        .onFailure(e -> connection.close());
  }

  private void forget(String lease, HttpConnection connection) {
    Set<HttpConnection> connections = streaming.get(lease);
    if (connections != null && connections.remove(connection) && connections.isEmpty()) {
      streaming.remove(lease);
    }
  }

  private static void refuse(HttpServerRequest request, Failure failure, String message) {
    request
        .response()
        .setStatusCode(failure.httpStatus())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("error", failure.name()).put("message", message).encode());
  }
}
