package ftpgw.http;

import ftpgw.auth.Authenticator;
import ftpgw.config.AuthMode;
import ftpgw.config.GatewayConfig;
import ftpgw.config.HttpConfig;
import ftpgw.config.DeliveryConfig;
import ftpgw.delivery.DeliveryClient;
import ftpgw.delivery.TransferStatusStore;
import ftpgw.ops.OpsRoutes;
import ftpgw.spool.Spool;
import ftpgw.transfer.RemotePath;
import ftpgw.Stage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;


/** The HTTP side: accepts uploads, streams them into the spool and hands them to the relay over the event bus. */
public final class HttpUploadVerticle extends VerticleBase implements Stage {
  private static final Logger log = LoggerFactory.getLogger(HttpUploadVerticle.class);
  private static final String FILES_PREFIX = "/files/";
  private static final int BODY_CHUNK_BYTES = 64 * 1024;

  private final HttpConfig config;
  private final Spool spool;
  private final DeliveryConfig deliveryConfig;
  private final OpsRoutes ops;
  private final Authenticator auth;
  private HttpServer server;

  public HttpUploadVerticle(HttpConfig config, Spool spool, DeliveryConfig deliveryConfig, OpsRoutes ops,
                            Authenticator auth) {
    this.config = config;
    this.spool = spool;
    this.deliveryConfig = deliveryConfig;
    this.ops = ops;
    this.auth = auth;
  }

  @Override
  public Context stageContext() {
    return context;
  }

  @Override
  public Future<?> start() {
    DeliveryClient delivery = new DeliveryClient(vertx.eventBus());
    TransferStatusStore status = new TransferStatusStore(vertx, deliveryConfig.retention());
    UploadHandler uploads = new UploadHandler(vertx, spool, delivery, status, config.maxUploadBytes(),
        deliveryConfig, Duration.ofSeconds(config.idleTimeoutSeconds()));
    TransferRoutes transfers = new TransferRoutes(status, delivery);
    FailureResponder failures = new FailureResponder(spool.config().retryAfterSeconds());

    AuthRoutes login = new AuthRoutes(auth);

    Router router = Router.router(vertx);
    router.route().handler(this::pauseAndCheckRawPath);
    if (!auth.config().protectOps()) {
      ops.mount(router);
    }
    // before any route that reads a body or shows a transfer: a client that is not let in never has its body read
    router.route().handler(login::authenticate);
    if (auth.config().protectOps()) {
      ops.mount(router);
    }
    router.put("/files/*").handler(login::claimUploadSlot).handler(uploads::put);
    router.post("/upload").handler(login::claimUploadSlot).handler(uploads::postMultipart);
    router.get("/transfers").handler(transfers::list);
    router.get("/transfers/:id").handler(transfers::get);
    router.delete("/transfers/:id").handler(transfers::cancel);
    router.route().last().handler(ctx -> ctx.fail(404));
    router.route().failureHandler(failures::handle);

    // 100-continue is answered by the upload handlers, after the checks that can refuse a body unread.
    // No h2c upgrade: clients such as Java's HttpClient would send the whole first body over HTTP/1.1 and then
    // switch protocols, and an early error answer (closing the connection) breaks the switch.
    HttpServerOptions options = ListenerOptions.of(config).setHandle100ContinueAutomatically(false)
        .setHttp2ClearTextEnabled(false).setCompressionSupported(false)
        // body chunks of up to 64 KiB instead of Netty's 8 KiB: each chunk is one spool write handed to a file
        // thread, so 8x fewer writes and thread hand-offs per byte (about a third of the receive CPU for 1 GiB)
        .setMaxChunkSize(BODY_CHUNK_BYTES);
    return vertx.createHttpServer(options)
        .connectionHandler(BodyTap::install)
        .requestHandler(router)
        .invalidRequestHandler(InvalidRequests::answer)
        .listen(config.port(), config.host())
        .recover(e -> Future.failedFuture(ListenerOptions.explainBindFailure(e, config)))
        .onSuccess(s -> {
          server = s;
          warnIfLoginsTravelInClear();
          log.info("HTTP uploads on {}://{}:{} (auth {}, max {} per upload, spool {})", config.scheme(),
              config.host(), s.actualPort(), auth.config().mode().apiName(),
              ftpgw.ops.ByteCount.readable(config.maxUploadBytes()),
              spool.config().dir().toAbsolutePath() + ", quota "
                  + ftpgw.ops.ByteCount.readable(spool.config().maxBytes()));
        });
  }

  /** Closes the listener first, so that shutdown (which stops HTTP before the delivery) takes no new uploads. */
  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close()
        .onComplete(v -> log.info("HTTP on {}:{} closed: no new uploads", config.host(), server.actualPort()));
  }

  private void warnIfLoginsTravelInClear() {
    if (config.tls() == null && auth.config().mode() != AuthMode.NONE && !GatewayConfig.isLoopback(config.host())) {
      log.warn("auth.mode {} over plain HTTP on {}: passwords and tokens cross the network in clear; set http.tls",
          auth.config().mode().apiName(), config.host());
    }
  }

  /** The port actually bound (useful with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  /** First, before any route matches on the (decoded, normalised) path: a hostile raw path is refused as such. */
  private void pauseAndCheckRawPath(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    if (method == HttpMethod.PUT || method == HttpMethod.POST) {
      ctx.request().pause(); // uploads resume it once their spool file is open
      AccessLog.track(ctx); // before anything can refuse it
      // a paused request reports a lost connection once and at once: kept for the upload, which may start later
      ctx.request().exceptionHandler(e -> ctx.put(AuthRoutes.BROKEN_OFF, e));
    }
    String raw = ctx.request().path();
    if (raw.startsWith(FILES_PREFIX)) {
      RemotePath path = RawPaths.after(FILES_PREFIX, raw);
      ctx.put(UploadHandler.REMOTE_PATH, path);
    }
    ctx.next();
  }
}
