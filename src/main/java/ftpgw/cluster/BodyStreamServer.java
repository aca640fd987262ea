package ftpgw.cluster;

import ftpgw.spool.LiveBody;
import ftpgw.transfer.Failure;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
 *
 * <p>A body still arriving (an upload cut through) is served as it grows, in ranges: each answer is
 * a 206 of what is written beyond the asked offset, the reader asks again from where it ended, and
 * the last byte waits until the body is accepted, so that the answer that ends the body carries its
 * CRC-32C ({@link BodyStreams#CRC32C_HEADER}), its length and its path as they were settled, and a
 * body the client was refused never ends.
 */
final class BodyStreamServer {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d{1,18})-");

  /**
   * A range of a body still arriving is sent once it has this many bytes, or {@link #GATHER_MILLIS}
   * after its first one: not one request per spool write.
   */
  private static final long LIVE_SLICE = 4 << 20;

  private static final long GATHER_MILLIS = 20;

  /**
   * The attempt in progress at a transfer, as the edge offered it.
   *
   * @param live the body while it still arrives, or null: the spool file is whole
   */
  record Attempt(String transferId, String lease, String spoolFile, long bytes, LiveBody live) {}

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
    if (attempt.live() == null) {
      send(request, attempt, offset, attempt.bytes(), attempt.bytes());
    } else {
      sendLive(request, attempt, offset, vertx.getOrCreateContext(), false);
    }
  }

  /**
   * Sends bytes [offset, end) of the spool file of a body {@code total} bytes long: its rest, or a
   * range of it.
   */
  private void send(HttpServerRequest request, Attempt attempt, long offset, long end, long total) {
    HttpConnection connection = request.connection();
    String lease = attempt.lease();
    var response =
        request.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream");
    if (offset > 0 || end < total) {
      response
          .setStatusCode(206)
          .putHeader(HttpHeaders.CONTENT_RANGE, "bytes " + offset + "-" + (end - 1) + "/" + total);
    }
    response
        .sendFile(attempt.spoolFile(), offset, end - offset)
        .onComplete(sent -> forget(lease, connection))
        .onFailure(e -> connection.close());
  }

  /**
   * Sends what of a body still arriving is written beyond {@code offset}, or waits (on the event
   * loop, without a thread) until there is some; the rest of the body with its CRC-32C once it was
   * accepted; a refusal once it was not.
   */
  private void sendLive(
      HttpServerRequest request, Attempt attempt, long offset, Context context, boolean gathered) {
    if (request.response().closed()) {
      return; // the attempt was cut, or its reader went away
    }
    LiveBody body = attempt.live();
    Throwable failure = body.failure();
    if (failure != null) {
      refuse(
          request,
          Failure.CONFLICT,
          "the upload of transfer "
              + attempt.transferId()
              + " was not accepted: "
              + failure.getMessage());
      return;
    }
    long accepted = body.acceptedBytes();
    if (accepted >= 0) {
      if (accepted > attempt.bytes() || offset > accepted || body.crc32c() == null) {
        refuse(
            request,
            Failure.CONFLICT,
            "the upload of transfer "
                + attempt.transferId()
                + " was accepted with "
                + accepted
                + " bytes, not as offered; it is delivered from the spool");
        return;
      }
      // the end: its check, and its length and path as the body settled them (a form's file that
      // was not its last part is shorter, and its folder may have come after it)
      var response =
          request
              .response()
              .putHeader(BodyStreams.CRC32C_HEADER, body.crc32c())
              .putHeader(BodyStreams.LENGTH_HEADER, Long.toString(accepted));
      if (body.publishAs() != null) {
        response.putHeader(
            BodyStreams.PUBLISH_AS_HEADER,
            URLEncoder.encode(body.publishAs(), StandardCharsets.UTF_8));
      }
      if (offset == accepted) {
        response.setStatusCode(204).end();
      } else {
        send(request, attempt, offset, accepted, accepted);
      }
      return;
    }
    long end = Math.min(body.written(), attempt.bytes() - 1); // the last byte waits for the verdict
    if (end - offset >= LIVE_SLICE || (end > offset && gathered)) {
      send(request, attempt, offset, end, attempt.bytes());
    } else if (end > offset) {
      vertx.setTimer(GATHER_MILLIS, t -> sendLive(request, attempt, offset, context, true));
    } else {
      body.whenBeyond(
          Math.max(offset, body.written()),
          () -> context.runOnContext(v -> sendLive(request, attempt, offset, context, false)));
    }
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
