package ftpgw.cluster;

import ftpgw.spool.PrivateFiles;
import ftpgw.transfer.Failure;
import ftpgw.transfer.RemoteRelayRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a remote transfer's body from the edge's direct stream ({@link BodyStreamServer}) into a
 * local file, hashing it as it arrives, and checks its SHA-256 against the one the edge took. At
 * most {@code window × chunkBytes} received bytes wait for the disk (the bound of its memory): past
 * that the stream is paused and TCP holds the edge back. A stream that breaks is resumed from the
 * first byte not yet received ({@code Range}), a few times; then the attempt fails as retryable and
 * the edge gives the transfer to another relay node.
 */
final class StreamPuller {
  private static final Logger log = LoggerFactory.getLogger(StreamPuller.class);
  private static final OpenOptions NEW_FILE =
      new OpenOptions()
          .setWrite(true)
          .setCreate(true)
          .setTruncateExisting(true)
          .setPerms(PrivateFiles.FILE_MODE);

  /** Reconnections after a broken stream before the attempt is given up. */
  private static final int RESUMES = 3;

  private static final long RESUME_DELAY_MILLIS = 200;

  private final Vertx vertx;
  private final HttpClient client;
  private final RemoteRelayRequest request;
  private final String relayNode;
  private final LongConsumer onWritten;
  private final MessageDigest digest = sha256();
  private final Promise<Void> done = Promise.promise();
  private final long memoryLimit;
  private AsyncFile file;
  private Future<Void> tail = Future.succeededFuture();
  private Buffer pending;
  private long received;
  private long queued;
  private int resumesLeft = RESUMES;
  private HttpClientResponse response;
  private HttpClientRequest current;

  private StreamPuller(
      Vertx vertx,
      HttpClient client,
      RemoteRelayRequest request,
      String relayNode,
      LongConsumer onWritten) {
    this.vertx = vertx;
    this.client = client;
    this.request = request;
    this.relayNode = relayNode;
    this.onWritten = onWritten;
    this.memoryLimit = (long) request.window() * request.chunkBytes();
    this.pending = Buffer.buffer(request.chunkBytes());
  }

  /**
   * Streams the whole body into {@code target}; fails (the file then partial, for the caller to
   * delete) otherwise. Parameters as {@link ChunkPuller#pull}.
   */
  static Future<Void> pull(
      Vertx vertx,
      HttpClient client,
      RemoteRelayRequest request,
      String relayNode,
      Path target,
      Runnable onOpened,
      LongConsumer onWritten,
      Future<Void> stop) {
    StreamPuller puller = new StreamPuller(vertx, client, request, relayNode, onWritten);
    stop.onFailure(puller.done::tryFail);
    puller.done.future().onFailure(e -> puller.cutStream());
    return vertx
        .fileSystem()
        .open(target.toString(), NEW_FILE)
        .compose(
            file -> {
              puller.file = file;
              onOpened.run();
              if (request.bytes() == 0) {
                puller.done.tryComplete();
              } else {
                puller.read();
              }
              return puller.done.future().eventually(file::close);
            })
        .compose(v -> puller.verify());
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
            flush();
            tail.onComplete(
                written -> {
                  if (written.succeeded()) {
                    done.tryComplete();
                  } else {
                    done.tryFail(written.cause());
                  }
                });
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
    digest.update(((BufferInternal) buffer).getByteBuf().nioBuffer());
    received += buffer.length();
    pending.appendBuffer(buffer);
    if (pending.length() >= request.chunkBytes()) {
      flush();
    }
    if (queued + pending.length() > memoryLimit) {
      response.pause();
    }
  }

  /** Queues what was received for the disk; writes run one after another, in order. */
  private void flush() {
    int length = pending.length();
    if (length == 0) {
      return;
    }
    Buffer bytes = pending;
    long at = received - length;
    pending = Buffer.buffer(request.chunkBytes());
    queued += length;
    tail =
        tail.compose(v -> file.write(bytes, at))
            .andThen(
                written -> {
                  queued -= length;
                  if (written.failed()) {
                    done.tryFail(written.cause());
                    return;
                  }
                  onWritten.accept(at + length);
                  if (response != null && queued <= memoryLimit / 2) {
                    response.resume();
                  }
                });
  }

  /** The stream broke: resume it where it stopped, unless that was tried enough. */
  private void broken(Throwable cause) {
    if (done.future().isComplete()) {
      return;
    }
    response = null;
    flush();
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
    String sha256 = HexFormat.of().formatHex(digest.digest());
    if (received == request.bytes() && sha256.equals(request.sha256())) {
      return Future.succeededFuture();
    }
    return Future.failedFuture(
        Failure.CORRUPTED_IN_TRANSIT.exception(
            "transfer "
                + request.transferId()
                + " arrived at relay node "
                + relayNode
                + " with SHA-256 "
                + sha256
                + " ("
                + received
                + " bytes), expected "
                + request.sha256()
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
