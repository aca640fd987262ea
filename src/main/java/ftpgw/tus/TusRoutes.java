package ftpgw.tus;

import ftpgw.auth.Caller;
import ftpgw.config.TusConfig;
import ftpgw.delivery.DeliveryClient;
import ftpgw.delivery.TransferStatusStore;
import ftpgw.transfer.Failure;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * tus 1.0.0 at {@code /tus/} (tus.io's "Resumable upload protocol"): core, creation,
 * creation-with-upload, creation-defer-length, termination, checksum, expiration and concatenation.
 * Uploads go through the same login, per-user folder, limits and spool quota as {@code PUT /files},
 * and once whole become transfers like any upload.
 */
public final class TusRoutes {
  private static final Logger log = LoggerFactory.getLogger(TusRoutes.class);
  private static final String PATHS = "/tus(/.*)?";
  private static final String EXTENSIONS =
      "creation,creation-with-upload,creation-defer-length,termination,checksum,expiration,concatenation";
  private static final String ALLOWED_HEADERS =
      "Authorization, Content-Type, Location, Tus-Resumable, "
          + "Upload-Checksum, Upload-Concat, Upload-Defer-Length, Upload-Length, Upload-Metadata, Upload-Offset, "
          + "X-HTTP-Method-Override, X-Requested-With, Prefer";
  private static final String EXPOSED_HEADERS =
      "Location, Tus-Resumable, Tus-Version, Tus-Extension, Tus-Max-Size, "
          + "Tus-Checksum-Algorithm, Upload-Offset, Upload-Length, Upload-Metadata, Upload-Expires, Upload-Concat, "
          + "Upload-Defer-Length, Ftpgw-Transfer, Ftpgw-Transfer-State, Repr-Digest";

  private final TusEndpoint tus;
  private final TusPatch patch;
  private final TusCreation creation;

  /**
   * @param callers the authenticated caller of a request (the router's authentication puts it
   *     there)
   */
  public TusRoutes(
      Vertx vertx,
      TusStore store,
      DeliveryClient delivery,
      TransferStatusStore status,
      long maxUploadBytes,
      Duration syncTimeout,
      Function<RoutingContext, Caller> callers) {
    this.tus =
        new TusEndpoint(
            vertx,
            store,
            new Handover(vertx, store, delivery),
            delivery,
            status,
            new TusOwners(vertx, store.config().publicUrl(), store.config().expireAfter()),
            maxUploadBytes,
            syncTimeout,
            callers);
    this.patch = new TusPatch(tus);
    this.creation = new TusCreation(tus, patch);
  }

  /**
   * Before authentication: every answer under {@code /tus/} carries Tus-Resumable and, for an
   * allowed browser origin, its CORS headers (401s included, so that a page can read them); OPTIONS
   * (discovery and CORS preflight) needs no login, as browsers send preflights without credentials.
   */
  public void mountBeforeLogin(Router router) {
    router.route().pathRegex(PATHS).handler(this::commonHeaders);
    router.options().pathRegex(PATHS).handler(this::options);
  }

  /**
   * After authentication: the protocol itself; {@code claimUploadSlot} guards the requests that
   * carry a body.
   */
  public void mount(Router router, Handler<RoutingContext> claimUploadSlot) {
    router.route().pathRegex(PATHS).handler(this::requireVersion);
    router.post().pathRegex(PATHS).handler(claimUploadSlot);
    router.patch().pathRegex(PATHS).handler(claimUploadSlot);
    router.route().pathRegex(PATHS).handler(this::dispatch);
  }

  /**
   * Removes expired uploads every {@code tus.sweepIntervalMs}, and hands over what a crash left
   * whole.
   */
  public void start() {
    TusConfig config = tus.store().config();
    tus.vertx()
        .setPeriodic(
            config.sweepInterval().toMillis(),
            t ->
                tus.vertx()
                    .executeBlocking(() -> tus.store().sweep(), false)
                    .onSuccess(
                        removed ->
                            removed.forEach(
                                upload -> {
                                  tus.owners().drop(upload.id());
                                  log.info(
                                      "tus upload {} expired after {} of {} bytes; removed",
                                      upload.id(),
                                      upload.offset(),
                                      upload.length());
                                  tus.showRemoved(
                                      upload,
                                      "expired: no byte arrived for "
                                          + config.expireAfter().toSeconds()
                                          + " s");
                                })));
    for (TusStore.Entry entry : tus.store().awaitingHandover()) {
      if (!entry.upload.partial() && entry.busy.compareAndSet(false, true)) {
        if (entry.upload.handedOver()) { // another HTTP verticle of this node was first
          entry.busy.set(false);
          continue;
        }
        tus.handover()
            .handOver(entry, null)
            .onComplete(done -> entry.busy.set(false))
            .onSuccess(
                transfer ->
                    log.info("tus upload {} was whole at the crash; handed over", transfer.id()))
            .onFailure(
                e ->
                    log.error(
                        "tus upload {} could not be handed over: {}",
                        entry.upload.id(),
                        e.getMessage()));
      }
    }
  }

  private void commonHeaders(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    response.putHeader("Tus-Resumable", TusHeaders.VERSION);
    String origin = ctx.request().getHeader("Origin");
    if (tus.store().config().allows(origin)) {
      response
          .putHeader("Access-Control-Allow-Origin", origin)
          .putHeader("Vary", "Origin")
          .putHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
    }
    ctx.next();
  }

  /**
   * "An OPTIONS request MAY be used to gather information about the Server's current
   * configuration."
   */
  private void options(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    response
        .putHeader("Tus-Version", TusHeaders.VERSION)
        .putHeader("Tus-Extension", EXTENSIONS)
        .putHeader("Tus-Max-Size", String.valueOf(tus.maxUploadBytes()))
        .putHeader("Tus-Checksum-Algorithm", TusHeaders.CHECKSUM_ALGORITHMS);
    if (tus.store().config().allows(ctx.request().getHeader("Origin"))) {
      response
          .putHeader("Access-Control-Allow-Methods", "POST, HEAD, PATCH, DELETE, OPTIONS")
          .putHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS)
          .putHeader("Access-Control-Max-Age", "86400");
    }
    response.setStatusCode(204).end();
  }

  /**
   * "The Tus-Resumable header MUST be included in every request and response except for OPTIONS
   * requests. If the Client's version is not supported by the Server, it MUST respond with the 412
   * Precondition Failed status and MUST include the Tus-Version header into the response."
   */
  private void requireVersion(RoutingContext ctx) {
    String version = ctx.request().getHeader("Tus-Resumable");
    if (!TusHeaders.VERSION.equals(version == null ? null : version.trim())) {
      throw Failure.UNSUPPORTED_VERSION
          .exception(
              "this endpoint speaks tus "
                  + TusHeaders.VERSION
                  + "; the request"
                  + (version == null ? " has no Tus-Resumable header" : " asks for " + version))
          .withHeader("Tus-Version", TusHeaders.VERSION);
    }
    ctx.next();
  }

  /**
   * "X-HTTP-Method-Override ... the Server MUST interpret it as the request's method" (for clients
   * without PATCH).
   */
  private void dispatch(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String override = request.getHeader("X-HTTP-Method-Override");
    HttpMethod method =
        override == null
            ? request.method()
            : HttpMethod.valueOf(override.trim().toUpperCase(java.util.Locale.ROOT));
    String id = TusEndpoint.idOf(request);
    if (id == null) {
      if (method.equals(HttpMethod.POST)) {
        creation.create(ctx);
      } else {
        ctx.fail(405);
      }
      return;
    }
    if (tus.store().get(id).isEmpty()) {
      redirectToHolder(ctx, id);
      return;
    }
    if (method.equals(HttpMethod.HEAD)) {
      head(ctx, id);
    } else if (method.equals(HttpMethod.PATCH)) {
      patch.patch(ctx);
    } else if (method.equals(HttpMethod.DELETE)) {
      terminate(ctx, id);
    } else {
      ctx.fail(405);
    }
  }

  /**
   * Behind a load balancer without sticky sessions a request may reach a node that does not hold
   * the upload: 307 to the one that does (307 keeps the method and body), or 404 when no node does.
   */
  private void redirectToHolder(RoutingContext ctx, String id) {
    tus.owners()
        .elsewhere(id)
        .onComplete(
            found -> {
              if (found.failed() || found.result() == null) {
                ctx.fail(
                    Failure.NOT_FOUND.exception(
                        "no tus upload " + id + " (unknown, expired or terminated)"));
                return;
              }
              HttpServerResponse response =
                  ctx.response()
                      .setStatusCode(307)
                      .putHeader("Location", found.result() + TusEndpoint.PREFIX + id);
              if (!ctx.request().isEnded()) {
                response.putHeader(
                    "Connection",
                    "close"); // its body is not read: the connection cannot carry another
              }
              response.end();
            });
  }

  /**
   * "The Server MUST always include the Upload-Offset header in the response for a HEAD request,
   * even if the offset is 0 ... If the size of the upload is known, the Server MUST include the
   * Upload-Length header in the response."
   */
  private void head(RoutingContext ctx, String id) {
    TusUpload upload = tus.store().find(id, tus.caller(ctx).owner()).upload;
    HttpServerResponse response = ctx.response();
    TusEndpoint.describe(response, upload);
    if (upload.lengthKnown()) {
      response.putHeader("Upload-Length", String.valueOf(upload.length()));
    } else {
      response.putHeader("Upload-Defer-Length", "1");
    }
    if (upload.metadata() != null) {
      response.putHeader("Upload-Metadata", upload.metadata());
    }
    if (upload.partial() || upload.isFinal()) {
      response.putHeader(
          "Upload-Concat", upload.isFinal() ? TusCreation.finalConcat(upload) : TusUpload.PARTIAL);
    }
    response.setStatusCode(200).end();
  }

  /**
   * termination: "When receiving a DELETE request for an existing upload the Server SHOULD free
   * associated resources and MUST respond with the 204 No Content status confirming that the upload
   * was terminated." An upload already handed over is cancelled as its transfer would be (409 once
   * it is being published).
   */
  private void terminate(RoutingContext ctx, String id) {
    TusStore.Entry entry = tus.store().find(id, tus.caller(ctx).owner());
    if (entry.upload.handedOver()) {
      tus.delivery()
          .cancel(id)
          .compose(
              cancelled ->
                  tus.vertx()
                      .executeBlocking(
                          () -> {
                            tus.store().remove(entry);
                            return null;
                          },
                          false))
          .compose(v -> tus.owners().drop(id))
          .onSuccess(v -> ctx.response().setStatusCode(204).end())
          .onFailure(ctx::fail);
      return;
    }
    if (!entry.busy.compareAndSet(false, true)) {
      throw Failure.LOCKED.exception(
          "a PATCH of upload " + id + " is in progress; terminate it once it has ended");
    }
    tus.vertx()
        .executeBlocking(
            () -> {
              tus.store().remove(entry);
              return null;
            },
            false)
        .onComplete(done -> entry.busy.set(false))
        .onSuccess(
            v -> {
              tus.owners().drop(id);
              tus.showRemoved(entry.upload, "terminated by the client");
              ctx.response().setStatusCode(204).end();
            })
        .onFailure(ctx::fail);
  }
}
