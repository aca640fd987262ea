package ftpgw.http;

import ftpgw.auth.Authenticator;
import ftpgw.config.LiveConfig;
import ftpgw.delivery.TransferStatusStore;
import ftpgw.events.BridgeAccess;
import ftpgw.events.EventBuffer;
import ftpgw.hooks.PreUploadHook;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;

/**
 * What one HTTP listener adds for live clients: {@code GET /events}, the SockJS bridge at {@code
 * /eventbus} when {@code bridges.sockjs.enabled}, and the pre-upload hook when {@code
 * hooks.preUpload} is set.
 */
final class LiveRoutes {
  private final Vertx vertx;
  private final LiveConfig config;
  private final Authenticator auth;
  private final EventBuffer buffer;
  private final PreUploadRoutes preUpload;
  private BridgeAccess access;

  LiveRoutes(Vertx vertx, LiveConfig config, Authenticator auth) {
    this.vertx = vertx;
    this.config = config;
    this.auth = auth;
    this.buffer = new EventBuffer(config.events().bufferSize());
    this.preUpload =
        config.hooks().preUpload() == null
            ? null
            : new PreUploadRoutes(new PreUploadHook(vertx, config.hooks()));
  }

  /** Starts receiving the cluster's events (before the listener opens, so no client misses one). */
  Future<Void> start() {
    // mount() has run by now: the bridge's request consumers start with the buffer
    return buffer
        .start(vertx)
        .compose(v -> access == null ? Future.succeededFuture() : access.serveRequests());
  }

  /** Mounts the routes; call after authentication is mounted, so they see the caller. */
  void mount(Router router, TransferStatusStore status) {
    router.get("/events").handler(new EventStreamRoutes(vertx, buffer, config.events())::stream);
    if (config.bridges().sockJs()) {
      access = new BridgeAccess(vertx, auth, status);
      router
          .route("/eventbus/*")
          .subRouter(
              SockJSHandler.create(vertx)
                  .bridge(
                      access.permit(new SockJSBridgeOptions()),
                      event ->
                          access.sockJs(
                              event, AuthRoutes.caller(event.socket().routingContext()))));
    }
  }

  /**
   * The pre-upload hook's check (or nothing when none is configured); the body stays unread
   * meanwhile.
   */
  void preUpload(RoutingContext ctx) {
    if (preUpload == null) {
      ctx.next();
    } else {
      preUpload.check(ctx);
    }
  }
}
