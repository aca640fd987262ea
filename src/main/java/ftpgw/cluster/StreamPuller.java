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
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a remote transfer's body from the edge's direct stream ({@link BodyStreamServer}) into a
 * {@link LivePipe} the relay sends from, and checks it as it arrives against what the edge offered:
 * the CRC-32C of the spool file it streams (the crossing's check, intrinsic and cheap), else the
 * body's SHA-256; a body offered while it still arrives (neither given) against the CRC-32C that
 * comes with its end, with its length and path as they were settled then. The edge sends such a
 * body in ranges as it grows, and the puller asks for the next one as each ends. At most {@code
 * window × chunkBytes} received bytes wait for the FTP server (the bound of its memory): past that
 * the stream is paused and TCP holds the edge back. A stream that breaks is resumed from the first
 * byte not yet received ({@code Range}), a few times; then the attempt fails as retryable and the
 * edge gives the transfer to another relay node.
 */
final class StreamPuller {
  private static final Logger log = LoggerFactory.getLogger(StreamPuller.class);

  /** Reconnections after a broken stream before the attempt is given up. */
  private static final int RESUMES = 3;

  private static final long RESUME_DELAY_MILLIS = 200;

  private static final Pattern CONTENT_RANGE =
      Pattern.compile("bytes (\\d{1,18})-(\\d{1,18})/(\\d{1,18})");

  /** Bodies in chunks as large as a socket read, not Netty's 8 KiB. */
  private static final int CHUNK_BYTES = 64 * 1024;

  /**
   * Options of the client that reads streams. No idle timeout: a stream is paused while the FTP
   * server is slower or the relay waits for an FTP session, and the puller times out only a stream
   * it wants bytes from; a connection left in the pool is closed by the edge when its attempt ends.
   * (Not {@code Connection: close}: the edge's close then reaches a paused response before its last
   * bytes, as an error.)
   */
  static HttpClientOptions clientOptions() {
    return new HttpClientOptions().setTcpNoDelay(true).setMaxChunkSize(CHUNK_BYTES);
  }

  private final Vertx vertx;
  private final HttpClient client;
  private final RemoteRelayRequest request;
  private final String relayNode;
  private final LivePipe pipe;

  /**
   * The crossing's check: a CRC-32C (the edge offered one, or sends it at the end of a body still
   * arriving), else SHA-256 (null here).
   */
  private final CRC32C crc;

  /** The CRC-32C to check against: the offered one, or the one the stream's end carried. */
  private String expectedCrc;

  /** Where the answer being read ends (exclusive): the body's end, or a range's. */
  private long rangeEnd;

  /**
   * The body's length: as offered, or as the end of a body still arriving settled it (a form whose
   * file was not its last part is shorter), with the path it goes to then (null: as offered).
   */
  private long total;

  private String publishAs;

  private final MessageDigest digest;
  private final Promise<Void> done = Promise.promise();
  private final Duration stallLimit;
  private long received;

  /** The read in progress: answers and errors of an earlier (cut) one are ignored. */
  private int generation;

  /** A read is in progress (connecting, or receiving), not waiting to be resumed. */
  private boolean reading;

  private boolean paused;

  /** A range ended while the pipe was full: the next one is asked for once it drained. */
  private boolean nextRangeWhenDrained;

  private long lastProgress = System.nanoTime();
  private int resumesLeft = RESUMES;
  private HttpClientResponse response;
  private HttpClientRequest current;

  private StreamPuller(
      Vertx vertx,
      HttpClient client,
      RemoteRelayRequest request,
      String relayNode,
      LivePipe pipe,
      Duration stallLimit) {
    this.vertx = vertx;
    this.client = client;
    this.request = request;
    this.relayNode = relayNode;
    this.pipe = pipe;
    this.stallLimit = stallLimit;
    this.crc = request.crc32c() != null || request.stillArriving() ? new CRC32C() : null;
    this.expectedCrc = request.crc32c();
    this.total = request.bytes();
    this.digest = crc == null ? sha256() : null;
    Context context = vertx.getOrCreateContext();
    // the relay's thread drained the pipe: read on, on the stream's own context
    pipe.whenDrained(() -> context.runOnContext(v -> resumeReading()));
  }

  /**
   * Streams the whole body into {@code pipe} (the caller accepts or refuses it by the outcome),
   * resuming a stream silent for {@code stallLimit} while bytes are wanted; fails when the body
   * does not arrive whole and as the edge's check says, or once {@code stop} fails. Call on the
   * event loop the stream should run on.
   */
  static Future<Whole> pull(
      Vertx vertx,
      HttpClient client,
      RemoteRelayRequest request,
      String relayNode,
      LivePipe pipe,
      Duration stallLimit,
      Future<Void> stop) {
    StreamPuller puller = new StreamPuller(vertx, client, request, relayNode, pipe, stallLimit);
    stop.onFailure(puller.done::tryFail);
    puller.done.future().onFailure(e -> puller.cutStream());
    long watchdog =
        vertx.setPeriodic(Math.max(50, stallLimit.toMillis() / 4), t -> puller.breakIfStalled());
    puller.done.future().onComplete(v -> vertx.cancelTimer(watchdog));
    if (request.bytes() == 0) {
      puller.done.tryComplete();
    } else {
      puller.read();
    }
    return puller
        .done
        .future()
        .compose(v -> puller.verify())
        .map(v -> new Whole(puller.total, puller.publishAs));
  }

  /**
   * A body received whole and checked: {@code bytes} long, published at {@code publishAs} when not
   * null (a body still arriving when offered may end shorter, at a path settled at its end).
   */
  record Whole(long bytes, String publishAs) {}

  /** Asks the edge for the body from the first byte not yet received. */
  private void read() {
    int attempt = ++generation;
    reading = true;
    lastProgress = System.nanoTime();
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
              if (attempt != generation) {
                req.reset(); // the watchdog gave up on this read while it connected
                return Future.failedFuture("superseded");
              }
              current = req;
              return req.send();
            })
        .onSuccess(response -> receive(attempt, response))
        .onFailure(error -> brokenAt(attempt, error));
  }

  private void receive(int attempt, HttpClientResponse response) {
    if (attempt != generation) {
      response.request().reset();
      return;
    }
    if (done.future().isComplete()) {
      cutStream();
      return;
    }
    if (!settle(response)) {
      done.tryFail(
          Failure.CORRUPTED_IN_TRANSIT.exception(
              "the edge ended transfer "
                  + request.transferId()
                  + " at "
                  + response.getHeader(BodyStreams.LENGTH_HEADER)
                  + " bytes, after "
                  + received
                  + " received of the "
                  + request.bytes()
                  + " offered"));
      return;
    }
    if (response.statusCode() == 204 && received == total) {
      done.tryComplete(); // the end of a body still arriving, with no byte left to send
      return;
    }
    rangeEnd = rangeEnd(response);
    if (rangeEnd <= received) {
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
    lastProgress = System.nanoTime();
    response.exceptionHandler(error -> brokenAt(attempt, error));
    response.handler(this::arrived);
    response.endHandler(
        v -> {
          if (attempt != generation) {
            return;
          }
          if (received == total) {
            done.tryComplete();
          } else if (received == rangeEnd) {
            // a range of a body still arriving: ask for what follows, once there is room for it
            this.response = null;
            if (paused) {
              nextRangeWhenDrained = true;
            } else {
              read();
            }
          } else {
            brokenAt(attempt, new IllegalStateException("the stream ended at byte " + received));
          }
        });
  }

  /**
   * Where an answer of the edge ends: the body's end (200 from byte 0, or 206 to the last byte),
   * the end of a range of a body still arriving, or 0 when it is not an answer to the read asked
   * for (then it is refused).
   */
  private long rangeEnd(HttpClientResponse response) {
    if (response.statusCode() == 200) {
      return received == 0 ? total : 0;
    }
    if (response.statusCode() != 206) {
      return 0;
    }
    Matcher range = CONTENT_RANGE.matcher(String.valueOf(response.getHeader("Content-Range")));
    if (!range.matches()
        || Long.parseLong(range.group(1)) != received
        || Long.parseLong(range.group(3)) != total) {
      return 0;
    }
    return Math.min(Long.parseLong(range.group(2)) + 1, total);
  }

  /**
   * Takes what the answer that ends a body still arriving says: its CRC-32C, and its length and
   * path when they differ from the offer. False when that length is not one the body can have.
   */
  private boolean settle(HttpClientResponse response) {
    String crc32c = response.getHeader(BodyStreams.CRC32C_HEADER);
    if (crc32c == null || !request.stillArriving()) {
      return true; // not the end of a body offered while it arrived
    }
    expectedCrc = crc32c;
    String path = response.getHeader(BodyStreams.PUBLISH_AS_HEADER);
    publishAs = path == null ? null : URLDecoder.decode(path, StandardCharsets.UTF_8);
    String length = response.getHeader(BodyStreams.LENGTH_HEADER);
    try {
      total = length == null ? request.bytes() : Long.parseLong(length);
    } catch (NumberFormatException e) {
      return false;
    }
    return total >= received && total <= request.bytes();
  }

  private void arrived(Buffer buffer) {
    if (done.future().isComplete()) {
      return;
    }
    if (received + buffer.length() > rangeEnd) {
      done.tryFail(
          Failure.CORRUPTED_IN_TRANSIT.exception(
              "the edge sent more than the "
                  + rangeEnd
                  + " bytes it announced of transfer "
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
    lastProgress = System.nanoTime();
    if (pipe.append(bytes)) {
      paused = true;
      response.pause();
    }
  }

  private void resumeReading() {
    paused = false;
    lastProgress = System.nanoTime();
    if (done.future().isComplete()) {
      return;
    }
    if (nextRangeWhenDrained) {
      nextRangeWhenDrained = false;
      read();
    } else if (response != null) {
      response.resume();
    }
  }

  /** The stream sent nothing for the stall limit though bytes were wanted: cut and resume it. */
  private void breakIfStalled() {
    if (done.future().isComplete()
        || paused
        || !reading
        || System.nanoTime() - lastProgress < stallLimit.toNanos()) {
      return;
    }
    int stalled = generation;
    cutStream();
    brokenAt(
        stalled,
        new TimeoutException("no byte of the body stream for " + stallLimit.toMillis() + " ms"));
  }

  /** A failure of read {@code attempt}; one of a read cut earlier is not news. */
  private void brokenAt(int attempt, Throwable cause) {
    if (attempt == generation) {
      generation++;
      broken(cause);
    }
  }

  /** The stream broke: resume it where it stopped, unless that was tried enough. */
  private void broken(Throwable cause) {
    if (done.future().isComplete()) {
      return;
    }
    response = null;
    current = null;
    reading = false;
    paused = false;
    nextRangeWhenDrained = false;
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
    // 403: the attempt is over for the edge (finished or given to another relay node); 409: the
    // body it was still receiving was not accepted as offered
    return status == 403 || status == 409
        ? Failure.CONFLICT.exception(message)
        : Failure.RELAY_UNAVAILABLE.exception(message);
  }

  private Future<Void> verify() {
    String check = crc != null ? "CRC-32C" : "SHA-256";
    String actual = crc != null ? BodyStreams.hex(crc) : HexFormat.of().formatHex(digest.digest());
    String expected = crc != null ? expectedCrc : request.sha256();
    if (received == total && actual.equals(expected)) {
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
