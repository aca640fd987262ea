package ftpgw.http;

import ftpgw.auth.Authenticator;
import ftpgw.cluster.ClusterView;
import ftpgw.config.AuthMode;
import ftpgw.config.DeliveryConfig;
import ftpgw.config.GatewayConfig;
import ftpgw.config.HttpConfig;
import ftpgw.config.LiveConfig;
import ftpgw.delivery.DeliveryClient;
import ftpgw.delivery.TransferStatusStore;
import ftpgw.files.FilesClient;
import ftpgw.lifecycle.Stage;
import ftpgw.ops.OpsRoutes;
import ftpgw.spool.Spool;
import ftpgw.transfer.RemotePath;
import ftpgw.tus.TusRoutes;
import ftpgw.tus.TusStore;
import ftpgw.web.WebPageRoutes;
import ftpgw.web.WebSessions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side: accepts uploads, streams them into the spool and hands them to the relay over the
 * event bus.
 */
public final class HttpUploadVerticle extends VerticleBase implements Stage {
  private static final Logger log = LoggerFactory.getLogger(HttpUploadVerticle.class);
  private static final String FILES_PREFIX = "/files/";
  private static final int BODY_CHUNK_BYTES = 64 * 1024;

  /**
   * How long a read or change of the FTP tree (or one chunk of a download) may wait, a free
   * connection included.
   */
  private static final Duration FILES_TIMEOUT = Duration.ofMinutes(2);

  private final HttpConfig config;
  private final Spool spool;
  private final DeliveryConfig deliveryConfig;
  private final OpsRoutes ops;
  private final Authenticator auth;
  private final LiveConfig live;
  private final TusStore tusStore;
  private final boolean relaysItself;
  private HttpServer server;

  /**
   * @param tusStore the tus uploads (one per spool, shared by every HTTP verticle)
   * @param relaysItself this node relays its uploads itself; else (an edge) they cross to relay
   *     nodes
   */
  public HttpUploadVerticle(
      HttpConfig config,
      Spool spool,
      DeliveryConfig deliveryConfig,
      OpsRoutes ops,
      Authenticator auth,
      LiveConfig live,
      TusStore tusStore,
      boolean relaysItself) {
    this.relaysItself = relaysItself;
    this.live = live;
    this.tusStore = tusStore;
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
    TapMeters.bind(ops.registry());
    DeliveryClient delivery = new DeliveryClient(vertx.eventBus());
    TransferStatusStore status = new TransferStatusStore(vertx, deliveryConfig);
    UploadHandler uploads =
        new UploadHandler(
            vertx,
            spool,
            delivery,
            status,
            config.maxUploadBytes(),
            deliveryConfig,
            Duration.ofSeconds(config.idleTimeoutSeconds()),
            live.events().progressInterval(),
            !relaysItself);
    TransferRoutes transfers = new TransferRoutes(status, delivery);
    FailureResponder failures = new FailureResponder(spool.config().retryAfterSeconds());

    WebSessions sessions = new WebSessions(WebSessions.DEFAULT_IDLE);
    AuthRoutes login = new AuthRoutes(auth, sessions);
    TusRoutes tus =
        new TusRoutes(
            vertx,
            tusStore,
            delivery,
            status,
            config.maxUploadBytes(),
            deliveryConfig.syncTimeout(),
            AuthRoutes::caller);

    FilesClient files =
        new FilesClient(vertx.eventBus(), FILES_TIMEOUT, ClusterView.of(vertx).nodeId());
    FileTree tree = new FileTree(vertx, files, FILES_TIMEOUT);
    LiveRoutes events = new LiveRoutes(vertx, live, auth);
    Router router =
        GatewayRouter.create(
            vertx,
            this::pauseAndCheckRawPath,
            ops,
            auth.config().protectOps(),
            login,
            transfers,
            failures,
            open -> {
              new WebPageRoutes(auth, sessions, config.tls() != null).mount(open);
              tus.mountBeforeLogin(open);
            },
            own -> {
              own.put("/files/*")
                  .handler(tree::checkUploadLock)
                  .handler(login::claimUploadSlot)
                  .handler(events::preUpload)
                  .handler(uploads::put);
              tree.mount(own);
              own.post("/upload")
                  .handler(login::claimUploadSlot)
                  .handler(events::preUpload)
                  .handler(uploads::postMultipart);
              tus.mount(own, login::claimUploadSlot);
              events.mount(own, status);
              own.delete("/transfers/:id").handler(transfers::cancel);
            });

    // 100-continue is answered by the upload handlers, after the checks that can refuse a body
    // unread.
    // No h2c upgrade: clients such as Java's HttpClient would send the whole first body over
    // HTTP/1.1 and then
    // switch protocols, and an early error answer (closing the connection) breaks the switch.
    HttpServerOptions options =
        ListenerOptions.of(config)
            .setHandle100ContinueAutomatically(false)
            .setHttp2ClearTextEnabled(false)
            .setCompressionSupported(false)
            // body chunks of up to 64 KiB instead of Netty's 8 KiB: each chunk is one spool write
            // handed to a file
            // thread, so 8x fewer writes and thread hand-offs per byte (about a third of the
            // receive CPU for 1 GiB)
            .setMaxChunkSize(BODY_CHUNK_BYTES);
    return events
        .start()
        .compose(
            v ->
                vertx
                    .createHttpServer(options)
                    .connectionHandler(BodyTap::install)
                    .requestHandler(router)
                    .invalidRequestHandler(InvalidRequests::answer)
                    .listen(config.port(), config.host())
                    .recover(
                        e -> Future.failedFuture(ListenerOptions.explainBindFailure(e, config)))
                    .onSuccess(
                        s -> {
                          server = s;
                          tus.start();
                          warnIfLoginsTravelInClear();
                          log.info(
                              "HTTP uploads on {}://{}:{} (auth {}, max {} per upload, spool {})",
                              config.scheme(),
                              config.host(),
                              s.actualPort(),
                              auth.config().mode().apiName(),
                              ftpgw.ops.ByteCount.readable(config.maxUploadBytes()),
                              spool.config().dir().toAbsolutePath()
                                  + ", quota "
                                  + ftpgw.ops.ByteCount.readable(spool.config().maxBytes()));
                        }));
  }

  /**
   * Closes the listener first, so that shutdown (which stops HTTP before the delivery) takes no new
   * uploads.
   */
  @Override
  public Future<?> stop() {
    return server == null
        ? Future.succeededFuture()
        : server
            .close()
            .onComplete(
                v ->
                    log.info(
                        "HTTP on {}:{} closed: no new uploads",
                        config.host(),
                        server.actualPort()));
  }

  private void warnIfLoginsTravelInClear() {
    if (config.tls() == null
        && auth.config().mode() != AuthMode.NONE
        && !GatewayConfig.isLoopback(config.host())) {
      log.warn(
          "auth.mode {} over plain HTTP on {}: passwords and tokens cross the network in clear; set http.tls",
          auth.config().mode().apiName(),
          config.host());
    }
  }

  /** The port actually bound (useful with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  /**
   * First, before any route matches on the (decoded, normalised) path: a hostile raw path is
   * refused as such.
   */
  private void pauseAndCheckRawPath(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    if (FileTree.carriesXmlBody(method)) {
      ctx.request()
          .pause(); // WebDAV handlers read their (small) XML bodies once the caller is known
    } else if (HttpMethod.PUT.equals(method)
        || HttpMethod.POST.equals(method)
        || HttpMethod.PATCH.equals(method)) {
      ctx.request().pause(); // uploads resume it once their spool file is open
      AccessLog.track(ctx); // before anything can refuse it
      // a paused request reports a lost connection once and at once: kept for the upload, which may
      // start later
      ctx.request().exceptionHandler(e -> ctx.put(AuthRoutes.BROKEN_OFF, e));
    }
    String raw = ctx.request().path();
    if (method != HttpMethod.PUT && method != HttpMethod.POST && FileRoutes.isTree(raw)) {
      FileRoutes.putPath(ctx, raw); // reads and WebDAV also name folders, with a trailing '/'
    } else if (raw.startsWith(FILES_PREFIX)) {
      RemotePath path = RawPaths.after(FILES_PREFIX, raw);
      ctx.put(UploadHandler.REMOTE_PATH, path);
    }
    ctx.next();
  }
}
