package ftpgw.http;

import ftpgw.auth.Caller;
import ftpgw.config.DeliveryConfig;
import ftpgw.delivery.DeliveryClient;
import ftpgw.delivery.TransferStatusStore;
import ftpgw.relay.RelayClient;
import ftpgw.spool.PrivateFiles;
import ftpgw.spool.Spool;
import ftpgw.spool.SpoolReservation;
import ftpgw.spool.SpoolWriter;
import ftpgw.spool.SpooledBody;
import ftpgw.transfer.Failure;
import ftpgw.transfer.GatewayException;
import ftpgw.transfer.Owner;
import ftpgw.transfer.RelayRequest;
import ftpgw.transfer.RelayResult;
import ftpgw.transfer.RemotePath;
import ftpgw.transfer.Transfer;
import ftpgw.transfer.TransferState;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Receives uploads: streams each body into the spool, checks its digest, asks the relay to publish
 * it and answers 201 with what arrived. The spool file is gone afterwards, whatever happened.
 */
final class UploadHandler {
  static final String REMOTE_PATH = "remotePath";

  /** The seed proxy's success line, kept for clients that parse it. */
  static final String SEED_SUCCESS_LINE = "File uploaded to FTP Server successfully!";

  private static final Set<StandardOpenOption> NEW_FILE =
      Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);

  /** For bodies whose chunks are Vert.x's copies, the reader's to keep: nothing to give back. */
  private static final Consumer<Buffer> NOTHING_LENT = chunk -> {};

  /** Room for multipart boundaries and part headers on top of the file itself. */
  private static final long MULTIPART_OVERHEAD = 64 * 1024;

  /** A spooled body and the checked path it goes to. */
  private record Received(SpooledBody body, RemotePath path) {}

  private final Vertx vertx;
  private final Spool spool;
  private final DeliveryClient delivery;
  private final TransferStatusStore status;
  private final long maxUploadBytes;
  private final DeliveryConfig deliveryConfig;
  private final Duration stallLimit;
  private final RelayClient relay;
  private final Duration progressInterval;

  /** Bodies relayed as they arrive cross to a relay node, with the CRC-32C taken as they arrive. */
  private final boolean liveBodiesCross;

  /**
   * @param stallLimit how long a body may send nothing before the upload is dropped (HTTP idle
   *     timeout)
   * @param liveBodiesCross this node is an edge: a body relayed as it arrives crosses to a relay
   *     node, which checks the crossing against the body's CRC-32C, taken as it is spooled
   */
  UploadHandler(
      Vertx vertx,
      Spool spool,
      DeliveryClient delivery,
      TransferStatusStore status,
      long maxUploadBytes,
      DeliveryConfig deliveryConfig,
      Duration stallLimit,
      Duration progressInterval,
      boolean liveBodiesCross) {
    this.liveBodiesCross = liveBodiesCross;
    this.vertx = vertx;
    this.spool = spool;
    this.delivery = delivery;
    this.status = status;
    this.maxUploadBytes = maxUploadBytes;
    this.deliveryConfig = deliveryConfig;
    this.stallLimit = stallLimit;
    this.progressInterval = progressInterval;
    this.relay = new RelayClient(vertx.eventBus(), deliveryConfig.syncTimeout());
  }

  /** {@code PUT /files/{path}}: the raw body is the file. */
  void put(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    RemotePath path = ctx.get(REMOTE_PATH);
    Caller caller = AuthRoutes.caller(ctx);
    long limit = caller.uploadLimit(maxUploadBytes);
    long length = declaredLength(request, limit);
    Optional<String> digest = ContentDigest.expectedSha256(request.headers());
    SpoolReservation slot = spool.reserve(length);
    ctx.put(AccessLog.TRANSFER_ID, slot.id());
    long started = System.nanoTime();
    Transfer receiving = receiving(slot, path.toString(), caller.owner());
    Preferences prefer = Preferences.of(request);
    // a client waiting for the verdict of a body of known length: it may skip the spool, or part of
    // the wait
    boolean syncOfKnownLength =
        request.getHeader(HttpHeaders.CONTENT_LENGTH) != null && !prefer.respondAsync();
    if (syncOfKnownLength && deliveryConfig.keepsInMemory(length) && SmallBody.reserve(length)) {
      expectContinue(request);
      putSmall(ctx, slot, path, caller.owner(), (int) length, digest, prefer, receiving, started);
      return;
    }
    CutThrough live =
        syncOfKnownLength && deliveryConfig.cutsThrough(length)
            ? new CutThrough(
                vertx,
                relay,
                slot,
                path,
                caller.owner(),
                length,
                stallLimit.plusSeconds(5),
                syncWait(prefer))
            : null;
    expectContinue(request);
    Optional<TappedBody> tapped = BodyTap.bodyOf(request);
    tapped.ifPresent(
        body -> request.resume()); // only its end comes through Vert.x; the bytes wait in the body
    Future<SpooledBody> received =
        tapped.isPresent()
            ? receive(
                tapped.get(),
                slot,
                digest,
                live,
                progress(receiving, length),
                limit,
                TappedBody::giveBack)
            : receive(
                request, slot, digest, live, progress(receiving, length), limit, NOTHING_LENT);
    if (live != null) {
      received = received.andThen((AsyncResult<SpooledBody> done) -> live.received(done));
    }
    received
        .onSuccess(body -> ctx.put(AccessLog.BYTES, body.bytes()))
        .onFailure(e -> notReceived(receiving, e))
        .compose(
            body -> {
              long answerBy = System.nanoTime() + syncWait(prefer).toNanos();
              return live == null
                  ? deliver(ctx, slot, body, path, started, false, answerBy)
                  : live.published()
                      .compose(
                          result ->
                              publishedLive(ctx, slot, body, path, result, started, false, true))
                      .recover(e -> deliver(ctx, slot, body, path, started, false, answerBy));
            })
        .onFailure(
            e ->
                (live == null ? Future.succeededFuture() : live.settled())
                    .onComplete(settled -> failed(ctx, slot, e)));
  }

  /**
   * A small synchronous {@code PUT} ({@link SmallBody}): published from memory, or spooled and
   * delivered as usual when that first attempt fails.
   */
  private void putSmall(
      RoutingContext ctx,
      SpoolReservation slot,
      RemotePath path,
      Owner owner,
      int length,
      Optional<String> digest,
      Preferences prefer,
      Transfer receiving,
      long started) {
    HttpServerRequest request = ctx.request();
    Optional<TappedBody> tapped = BodyTap.bodyOf(request);
    Future<SmallBody> received =
        tapped.isPresent()
            ? SmallBody.receive(tapped.get(), length, true, TappedBody::giveBack)
            : SmallBody.receive(request, length, true, NOTHING_LENT);
    tapped.ifPresent(body -> request.resume()); // its end comes through Vert.x
    received
        .compose(body -> checked(body.sha256(), digest).map(body))
        .onSuccess(body -> ctx.put(AccessLog.BYTES, (long) length))
        .onFailure(e -> notReceived(receiving, e))
        .compose(body -> publishSmall(ctx, slot, body, path, owner, false, prefer, started))
        .onComplete(done -> SmallBody.release(length))
        .onFailure(e -> failed(ctx, slot, e));
  }

  /**
   * Has the relay publish a small body from memory; when that fails, the body is spooled and
   * delivered as any other upload.
   */
  private Future<Void> publishSmall(
      RoutingContext ctx,
      SpoolReservation slot,
      SmallBody body,
      RemotePath path,
      Owner owner,
      boolean plainText,
      Preferences prefer,
      long started) {
    Duration patience = syncWait(prefer);
    long answerBy = System.nanoTime() + patience.toNanos();
    RelayRequest publish =
        RelayRequest.inMemory(
            slot.id(),
            CutThrough.remote(owner, path),
            body.bytes(),
            body.sha256(),
            CutThrough.ftpLogin(owner));
    return relay
        .relay(publish, patience)
        .compose(
            result ->
                publishedLive(ctx, slot, body.spooled(), path, result, started, plainText, false))
        .recover(
            e ->
                body.spool(vertx, slot)
                    .compose(
                        spooled ->
                            deliver(ctx, slot, spooled, path, started, plainText, answerBy)));
  }

  /**
   * {@code POST /upload}: the seed's multipart form, field {@code file}, optional field {@code
   * path} (a folder).
   */
  void postMultipart(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      throw Failure.UNSUPPORTED_MEDIA_TYPE.exception(
          "POST /upload takes multipart/form-data with a field \"file\"; "
              + "got "
              + (type == null ? "no Content-Type" : type)
              + " (for a raw body use PUT /files/{path})");
    }
    Caller caller = AuthRoutes.caller(ctx);
    long limit = caller.uploadLimit(maxUploadBytes);
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    long declared = length == null ? 0 : parseLength(length);
    if (declared > limit + MULTIPART_OVERHEAD) {
      throw tooLarge(limit);
    }
    Optional<String> digest = ContentDigest.expectedSha256(request.headers());
    Optional<TappedBody> tapped = BodyTap.bodyOf(request);
    String boundary =
        tapped.isPresent()
            ? TappedForm.boundaryOf(type)
            : null; // a 400 before anything is reserved
    SpoolReservation slot = spool.reserve(Math.min(declared, limit));
    ctx.put(AccessLog.TRANSFER_ID, slot.id());
    long started = System.nanoTime();
    Transfer receiving = receiving(slot, null, caller.owner());
    Future<MultipartReceiver.Received> form;
    Preferences prefer = Preferences.of(request);
    AtomicReference<CutThrough> live = new AtomicReference<>(); // once the file part begins
    // a small form's file part is kept in memory, as a small PUT's body is
    boolean inMemory =
        tapped.isPresent()
            && length != null
            && !prefer.respondAsync()
            && deliveryConfig.keepsInMemory(declared)
            && SmallBody.reserve(declared);
    AtomicReference<SmallBody> small = new AtomicReference<>();
    if (tapped
        .isPresent()) { // the file part takes PUT's way to the spool, without Vert.x's decoder
      TappedForm tappedForm =
          new TappedForm(
              tapped.get(),
              boundary,
              start -> {
                if (inMemory) {
                  return SmallBody.receive(
                          start.part(), (int) declared, false, TappedFilePart::giveBack)
                      .compose(
                          body ->
                              body.length() > limit
                                  ? Future.failedFuture(tooLarge(limit))
                                  : checked(body.sha256(), digest).map(body))
                      .map(
                          body -> {
                            small.set(body);
                            return body.spooled();
                          });
                }
                live.set(
                    length == null || prefer.respondAsync()
                        ? null
                        : formCutThrough(slot, start, caller.owner(), prefer));
                return receive(
                    start.part(),
                    slot,
                    digest,
                    live.get(),
                    progress(receiving, null),
                    limit,
                    TappedFilePart::giveBack);
              });
      tappedForm.folder(request.getParam("path"));
      tappedForm.declaredLength(length == null ? -1 : declared);
      form = tappedForm.received();
    } else {
      MultipartReceiver receiver =
          new MultipartReceiver(
              vertx,
              request,
              upload ->
                  receive(
                      upload, slot, digest, null, progress(receiving, null), limit, NOTHING_LENT));
      receiver.folder(request.getParam("path"));
      form = receiver.received();
    }
    expectContinue(request);
    boolean plainText = !wantsJson(request);
    form.map(received -> new Received(received.body(), targetOf(received)))
        .andThen(received -> settleLive(live.get(), received))
        .onSuccess(
            received ->
                ctx.put(AccessLog.BYTES, received.body().bytes())
                    .put(AccessLog.PATH, received.path()))
        .onFailure(e -> notReceived(receiving, e))
        .compose(
            received -> {
              if (small.get() != null) {
                return publishSmall(
                    ctx,
                    slot,
                    small.get(),
                    received.path(),
                    caller.owner(),
                    plainText,
                    prefer,
                    started);
              }
              long answerBy = System.nanoTime() + syncWait(prefer).toNanos();
              CutThrough cut = live.get();
              return cut == null
                  ? deliver(
                      ctx, slot, received.body(), received.path(), started, plainText, answerBy)
                  : cut.published()
                      .compose(
                          result ->
                              publishedLive(
                                  ctx,
                                  slot,
                                  received.body(),
                                  received.path(),
                                  result,
                                  started,
                                  plainText,
                                  true))
                      .recover(
                          e ->
                              deliver(
                                  ctx,
                                  slot,
                                  received.body(),
                                  received.path(),
                                  started,
                                  plainText,
                                  answerBy));
            })
        .onComplete(
            done -> {
              if (inMemory) {
                SmallBody.release(declared);
              }
            })
        .onFailure(
            e ->
                (live.get() == null ? Future.succeededFuture() : live.get().settled())
                    .onComplete(settled -> failed(ctx, slot, e)));
    request.resume();
  }

  /**
   * Spools the body and checks its digest; a cut-through relay starts once the file exists and
   * follows it. {@code done} is given each chunk once it is written or dropped (a tapped body's
   * chunks go back to Netty).
   */
  private Future<SpooledBody> receive(
      ReadStream<Buffer> body,
      SpoolReservation slot,
      Optional<String> digest,
      CutThrough live,
      LongConsumer progress,
      long limit,
      Consumer<Buffer> done) {
    body.pause(); // not one byte may be read before the spool file is open
    // a body that breaks off before then says so only once (a paused stream queues data and end,
    // not errors)
    Promise<Void> brokenEarly = Promise.promise();
    body.exceptionHandler(brokenEarly::tryFail);
    Future<SpooledBody> received =
        vertx
            .executeBlocking(
                () -> FileChannel.open(slot.file(), NEW_FILE, PrivateFiles.file()), false)
            .compose(
                file -> {
                  if (brokenEarly.future().failed()) {
                    Throwable why = brokenEarly.future().cause();
                    try {
                      file.close();
                    } catch (IOException ignored) {
                      // the body is refused anyway; the spool file is discarded with the
                      // reservation
                    }
                    return Future.failedFuture(
                        why instanceof GatewayException known
                            ? known
                            : Failure.CLIENT_ABORTED.exception(
                                "the upload broke off before its body was spooled: "
                                    + why.getMessage()));
                  }
                  if (live != null) {
                    live.start();
                  }
                  return SpoolWriter.write(
                      vertx,
                      body,
                      file,
                      slot,
                      limit,
                      stallLimit.multipliedBy(2),
                      live == null ? progress : progress.andThen(live::written),
                      live != null && liveBodiesCross,
                      done);
                })
            .compose(spooled -> checked(spooled.sha256(), digest).map(spooled));
    return received;
  }

  /** Fails with DIGEST_MISMATCH unless the client announced no digest or {@code sha256}. */
  private static Future<Void> checked(String sha256, Optional<String> digest) {
    return digest.isEmpty() || digest.get().equals(sha256)
        ? Future.succeededFuture()
        : Future.failedFuture(
            Failure.DIGEST_MISMATCH.exception(
                "the body's SHA-256 is "
                    + sha256
                    + " but the client announced "
                    + digest.get()
                    + "; nothing was published"));
  }

  /**
   * A form's file part is relayed while it arrives when the form is large enough, were its file the
   * last part: the relay starts with the path known so far, and the form, once read whole, says the
   * file's real length and path ({@link #settleLive}).
   */
  private CutThrough formCutThrough(
      SpoolReservation slot, TappedForm.FileStart start, Owner owner, Preferences prefer) {
    if (!deliveryConfig.cutsThrough(start.bytesIfLast())) {
      return null;
    }
    RemotePath predicted;
    try {
      predicted = RemotePath.folder(start.folder()).resolve(RemotePath.fileName(start.fileName()));
    } catch (GatewayException e) {
      return null; // refused once the form is read whole, if the path stays unusable
    }
    return new CutThrough(
        vertx,
        relay,
        slot,
        predicted,
        owner,
        start.bytesIfLast(),
        stallLimit.plusSeconds(5),
        syncWait(prefer));
  }

  /**
   * The whole form was read (or failed): a cut-through relay may publish the file part, as long as
   * it was spooled and digested, at the path the form named, or fails and removes its temporary
   * file.
   */
  private static void settleLive(CutThrough live, AsyncResult<Received> form) {
    if (live == null) {
      return;
    }
    if (form.succeeded()) {
      live.received(Future.succeededFuture(form.result().body()), form.result().path());
    } else {
      live.received(Future.failedFuture(form.cause()), null);
    }
  }

  /**
   * The cut-through relay published the body (or a small one from memory): the delivery records it
   * and drops the spooled copy, if there is one; 201.
   */
  private Future<Void> publishedLive(
      RoutingContext ctx,
      SpoolReservation slot,
      SpooledBody body,
      RemotePath path,
      RelayResult result,
      long started,
      boolean plainText,
      boolean spooled) {
    Transfer delivered =
        Transfer.queued(
                slot.id(),
                path.toString(),
                body.bytes(),
                body.sha256(),
                spooled ? slot.file().toString() : null,
                AuthRoutes.caller(ctx).owner())
            .delivered();
    return delivery
        .published(delivered, result.ftpMillis())
        .map(recorded -> answer(ctx, recorded, started, plainText, false));
  }

  private Duration syncWait(Preferences prefer) {
    return SyncWait.of(prefer.syncWait(deliveryConfig.syncTimeout()), stallLimit);
  }

  /**
   * Hands the spooled body to the delivery. Async: 202 once it is journalled. Sync: 201 once it is
   * published, the failure once it failed for good, or 202 (now journalled) when it is not done by
   * {@code answerBy} ({@link System#nanoTime()}).
   */
  private Future<Void> deliver(
      RoutingContext ctx,
      SpoolReservation slot,
      SpooledBody body,
      RemotePath path,
      long started,
      boolean plainText,
      long answerBy) {
    Transfer transfer =
        Transfer.queued(
            slot.id(),
            path.toString(),
            body.bytes(),
            body.sha256(),
            slot.file().toString(),
            AuthRoutes.caller(ctx).owner());
    Preferences prefer = Preferences.of(ctx.request());
    if (prefer.respondAsync()) {
      return delivery
          .submitAsync(transfer)
          .map(accepted -> answer(ctx, accepted, started, plainText, true));
    }
    return delivery
        .submitAndWait(transfer, Duration.ofNanos(Math.max(0, answerBy - System.nanoTime())))
        .recover(
            e -> {
              if (e instanceof ReplyException reply
                  && reply.failureType() == ReplyFailure.TIMEOUT) {
                return delivery.persist(transfer.id());
              }
              return Future.failedFuture(e);
            })
        .map(outcome -> answer(ctx, outcome, started, plainText, false));
  }

  private Void answer(
      RoutingContext ctx, Transfer transfer, long started, boolean plainText, boolean askedAsync) {
    switch (transfer.state()) {
      case DELIVERED -> created(ctx, transfer, started, plainText);
      case FAILED, CANCELLED -> throw transfer.failure();
      default -> accepted(ctx, transfer, askedAsync);
    }
    return null;
  }

  /**
   * Throttled progress events of a body being spooled; {@code declared} is its length when chunked
   * is not.
   */
  private LongConsumer progress(Transfer receiving, Long declared) {
    return status
        .events()
        .progress(receiving, declared != null && declared > 0 ? declared : null, progressInterval);
  }

  /** Shows the upload at {@code /transfers} while its body arrives. */
  private Transfer receiving(SpoolReservation slot, String path, Owner owner) {
    Transfer transfer = Transfer.receiving(slot.id(), path, slot.file().toString(), owner);
    status.put(transfer);
    return transfer;
  }

  /** An upload that never reached the delivery stays visible, as failed, for the retention time. */
  private void notReceived(Transfer receiving, Throwable error) {
    status.put(
        receiving.failedAttempt(TransferState.FAILED, Failure.of(error), error.getMessage()));
  }

  /**
   * Whatever failed, the body is not accepted: drop it (a no-op when the delivery already did, for
   * a transfer that failed for good) and answer the failure.
   */
  private void failed(RoutingContext ctx, SpoolReservation slot, Throwable error) {
    // answer once the body is gone, so that a client told "failed" never finds a trace of it
    vertx
        .executeBlocking(
            () -> {
              spool.discard(slot.id());
              return null;
            },
            false)
        .onComplete(done -> ctx.fail(error));
  }

  private static void created(
      RoutingContext ctx, Transfer transfer, long started, boolean plainText) {
    JsonObject reply =
        new JsonObject()
            .put("id", transfer.id())
            .put("path", transfer.path())
            .put("bytes", transfer.bytes())
            .put("sha256", transfer.sha256())
            .put("durationMs", (System.nanoTime() - started) / 1_000_000);
    ctx.response().setStatusCode(201).putHeader(HttpHeaders.LOCATION, "/files/" + transfer.path());
    if (plainText) {
      ctx.response()
          .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
          .end(SEED_SUCCESS_LINE + "\n");
    } else {
      ctx.response()
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(reply.encode() + "\n");
    }
  }

  /**
   * 202: accepted and journalled, not yet on the FTP server; the client follows Location for the
   * outcome.
   */
  private static void accepted(RoutingContext ctx, Transfer transfer, boolean askedAsync) {
    if (askedAsync) {
      ctx.response().putHeader("Preference-Applied", "respond-async");
    }
    ctx.response()
        .setStatusCode(202)
        .putHeader(HttpHeaders.LOCATION, "/transfers/" + transfer.id())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(transfer.toApiJson().encode() + "\n");
  }

  private static RemotePath targetOf(MultipartReceiver.Received received) {
    return RemotePath.folder(received.folder()).resolve(RemotePath.fileName(received.fileName()));
  }

  private long declaredLength(HttpServerRequest request, long limit) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length == null) {
      String encoding = request.getHeader(HttpHeaders.TRANSFER_ENCODING);
      // HTTP/2 frames the body itself (RFC 9113 8.1): no content-length means "length unknown", as
      // chunked does
      boolean framed =
          request.version() == HttpVersion.HTTP_2
              || encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked");
      if (!framed) {
        throw Failure.LENGTH_REQUIRED.exception(
            "send the body with Content-Length or chunked Transfer-Encoding" + " (or over HTTP/2)");
      }
      return 0;
    }
    long declared = parseLength(length);
    if (declared > limit) {
      throw tooLarge(limit);
    }
    return declared;
  }

  private static long parseLength(String length) {
    try {
      long value = Long.parseLong(length.trim());
      if (value >= 0) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw Failure.BAD_REQUEST.exception("Content-Length is not a byte count: " + length);
  }

  private static GatewayException tooLarge(long limit) {
    return Failure.TOO_LARGE.exception("the body is larger than the limit of " + limit + " bytes");
  }

  private static boolean wantsJson(HttpServerRequest request) {
    String accept = request.getHeader(HttpHeaders.ACCEPT);
    return accept != null && accept.toLowerCase(Locale.ROOT).contains("application/json");
  }

  /**
   * Answers {@code Expect: 100-continue} only once the request has passed every check that needs no
   * body.
   */
  private static void expectContinue(HttpServerRequest request) {
    if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
      request.response().writeContinue();
    }
  }
}
