package ftpgw.cluster;

import ftpgw.spool.LivePipe;
import ftpgw.transfer.Failure;
import ftpgw.transfer.RemoteRelayRequest;
import ftpgw.vertx.VertxInternals;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a remote transfer's body from the edge's direct stream ({@link BodyStreamServer}) into a
 * {@link LivePipe} the relay sends from, and checks it as it arrives against what the edge offered:
 * the CRC-32C of the spool file it streams (the crossing's check, intrinsic and cheap), else the
 * body's SHA-256. At most {@code window × chunkBytes} received bytes wait for the FTP server (the
 * bound of its memory): past that the stream is paused and TCP holds the edge back. A stream that
 * breaks is resumed from the first byte not yet received ({@code Range}), a few times; then the
 * attempt fails as retryable and the edge gives the transfer to another relay node.
 */
final class StreamPuller {
  private static final Logger log = LoggerFactory.getLogger(StreamPuller.class);

  /** Reconnections after a broken stream before the attempt is given up. */
  private static final int RESUMES = 3;

  private static final long RESUME_DELAY_MILLIS = 200;

  private final Vertx vertx;
  private final HttpClient client;
  private final RemoteRelayRequest request;
  private final String relayNode;
  private final LivePipe pipe;

  /** The crossing's check: the CRC-32C the edge offered (null: none offered), else SHA-256. */
  private final CRC32C crc;

  private final MessageDigest digest;
  private final Promise<Void> done = Promise.promise();
  private long received;
  private int resumesLeft = RESUMES;
  private HttpClientResponse response;
  private HttpClientRequest current;

  private StreamPuller(
      Vertx vertx, HttpClient client, RemoteRelayRequest request, String relayNode, LivePipe pipe) {
    this.vertx = vertx;
    this.client = client;
    this.request = request;
    this.relayNode = relayNode;
    this.pipe = pipe;
    this.crc = request.crc32c() == null ? null : new CRC32C();
    this.digest = crc == null ? sha256() : null;
    Context context = vertx.getOrCreateContext();
    // the relay's thread drained the pipe: read on, on the stream's own context
    pipe.whenDrained(() -> context.runOnContext(v -> resumeReading()));
  }

  /**
   * Streams the whole body into {@code pipe} (the caller accepts or refuses it by the outcome);
   * fails when the body does not arrive whole and as the edge's check says, or once {@code stop}
   * fails. Call on the event loop the stream should run on.
   */
  static Future<Void> pull(
      Vertx vertx,
      HttpClient client,
      RemoteRelayRequest request,
      String relayNode,
      LivePipe pipe,
      Future<Void> stop) {
    StreamPuller puller = new StreamPuller(vertx, client, request, relayNode, pipe);
    stop.onFailure(puller.done::tryFail);
    puller.done.future().onFailure(e -> puller.cutStream());
    if (request.bytes() == 0) {
      puller.done.tryComplete();
    } else {
      puller.read();
    }
    return puller.done.future().compose(v -> puller.verify());
  }

  /** Asks the edge for the body from the first byte not yet received. */
  private void read() {
    long offset = received;
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setAbsoluteURI(request.stream() + BodyStreams.path(request.transferId()))
            .putHeader(
                HttpHeaders.AUTHORIZATION,
                BodyStreams.authorization(request.lease(), request.transferId(), relayNode, offset))
            .putHeader(BodyStreams.RELAY_HEADER, relayNode);
    if (offset > 0) {
      options.putHeader("Range", "bytes=" + offset + "-");
    }
    client
        .request(options)
        .compose(
            req -> {
              current = req;
              return req.send();
            })
        .onSuccess(this::receive)
        .onFailure(this::broken);
  }

  private void receive(HttpClientResponse response) {
    if (done.future().isComplete()) {
      cutStream();
      return;
    }
    int expected = received == 0 ? 200 : 206;
    if (response.statusCode() != expected) {
      response
          .body()
          .onComplete(
              body ->
                  done.tryFail(
                      refused(
                          response.statusCode(),
                          body.succeeded() ? body.result().toString() : "")));
      return;
    }
    this.response = response;
    response.exceptionHandler(this::broken);
    response.handler(this::arrived);
    response.endHandler(
        v -> {
          if (received == request.bytes()) {
            done.tryComplete();
          } else {
            broken(new IllegalStateException("the stream ended at byte " + received));
          }
        });
  }

  private void arrived(Buffer buffer) {
    if (done.future().isComplete()) {
      return;
    }
    if (received + buffer.length() > request.bytes()) {
      done.tryFail(
          Failure.CORRUPTED_IN_TRANSIT.exception(
              "the edge sent more than the "
                  + request.bytes()
                  + " bytes of transfer "
                  + request.transferId()));
      return;
    }
    ByteBuffer bytes = VertxInternals.keepable(buffer);
    if (crc != null) {
      crc.update(bytes.duplicate());
    } else {
      digest.update(bytes.duplicate());
    }
    received += buffer.length();
    if (pipe.append(bytes)) {
      response.pause();
    }
  }

  private void resumeReading() {
    if (response != null && !done.future().isComplete()) {
      response.resume();
    }
  }

  /** The stream broke: resume it where it stopped, unless that was tried enough. */
  private void broken(Throwable cause) {
    if (done.future().isComplete()) {
      return;
    }
    response = null;
    if (resumesLeft-- <= 0) {
      done.tryFail(
          Failure.RELAY_UNAVAILABLE.exception(
              "the body stream of transfer "
                  + request.transferId()
                  + " from "
                  + request.stream()
                  + " broke at byte "
                  + received
                  + " "
                  + (RESUMES + 1)
                  + " times: "
                  + cause.getMessage()));
      return;
    }
    log.warn(
        "Transfer {}: the body stream from {} broke at byte {} ({}); resuming there",
        request.transferId(),
        request.stream(),
        received,
        cause.getMessage());
    vertx.setTimer(
        RESUME_DELAY_MILLIS,
        t -> {
          if (!done.future().isComplete()) {
            read();
          }
        });
  }

  private void cutStream() {
    if (current != null) {
      current.reset();
    }
  }

  private Throwable refused(int status, String body) {
    String message =
        "the edge refused the body stream of transfer "
            + request.transferId()
            + " ("
            + status
            + " "
            + body
            + ")";
    // 403: the attempt is over for the edge (finished or given to another relay node)
    return status == 403
        ? Failure.CONFLICT.exception(message)
        : Failure.RELAY_UNAVAILABLE.exception(message);
  }

  private Future<Void> verify() {
    String check = crc != null ? "CRC-32C" : "SHA-256";
    String actual = crc != null ? BodyStreams.hex(crc) : HexFormat.of().formatHex(digest.digest());
    String expected = crc != null ? request.crc32c() : request.sha256();
    if (received == request.bytes() && actual.equals(expected)) {
      return Future.succeededFuture();
    }
    return Future.failedFuture(
        Failure.CORRUPTED_IN_TRANSIT.exception(
            "transfer "
                + request.transferId()
                + " arrived at relay node "
                + relayNode
                + " with "
                + check
                + " "
                + actual
                + " ("
                + received
                + " bytes), expected "
                + expected
                + "; nothing was published"));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
