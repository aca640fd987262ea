package ftpgw.http;

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
  private HttpServer server;

  public HttpUploadVerticle(HttpConfig config, Spool spool, DeliveryConfig deliveryConfig, OpsRoutes ops) {
    this.config = config;
    this.spool = spool;
    this.deliveryConfig = deliveryConfig;
    this.ops = ops;
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

    Router router = Router.router(vertx);
    router.route().handler(this::pauseAndCheckRawPath);
    router.put("/files/*").handler(uploads::put);
    router.post("/upload").handler(uploads::postMultipart);
    router.get("/transfers").handler(transfers::list);
    router.get("/transfers/:id").handler(transfers::get);
    router.delete("/transfers/:id").handler(transfers::cancel);
    ops.mount(router);
    router.route().last().handler(ctx -> ctx.fail(404));
    router.route().failureHandler(failures::handle);

    // 100-continue is answered by the upload handlers, after the checks that can refuse a body unread.
    // No h2c upgrade: clients such as Java's HttpClient would send the whole first body over HTTP/1.1 and then
    // switch protocols, and an early error answer (closing the connection) breaks the switch.
    HttpServerOptions options = new HttpServerOptions().setHandle100ContinueAutomatically(false)
        .setHttp2ClearTextEnabled(false).setIdleTimeout(config.idleTimeoutSeconds()).setCompressionSupported(false)
        // body chunks of up to 64 KiB instead of Netty's 8 KiB: each chunk is one spool write handed to a file
        // thread, so 8x fewer writes and thread hand-offs per byte (about a third of the receive CPU for 1 GiB)
        .setMaxChunkSize(BODY_CHUNK_BYTES);
    return vertx.createHttpServer(options)
        .requestHandler(router)
        .listen(config.port(), config.host())
        .onSuccess(s -> {
          server = s;
          log.info("HTTP uploads on http://{}:{} (max {} bytes per upload, spool {})", config.host(), s.actualPort(),
              config.maxUploadBytes(), spool.config().dir().toAbsolutePath());
        });
  }

  /** The port actually bound (useful with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private void pauseAndCheckRawPath(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    if (method == HttpMethod.PUT || method == HttpMethod.POST) {
      ctx.request().pause(); // uploads resume it once their spool file is open
    }
    String raw = ctx.request().path();
    if (raw.startsWith(FILES_PREFIX)) {
      RemotePath path = RawPaths.after(FILES_PREFIX, raw);
      ctx.put(UploadHandler.REMOTE_PATH, path);
    }
    ctx.next();
  }
}
