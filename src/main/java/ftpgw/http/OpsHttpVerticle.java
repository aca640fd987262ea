package ftpgw.http;

import ftpgw.Stage;
import ftpgw.auth.Authenticator;
import ftpgw.config.HttpConfig;
import ftpgw.delivery.DeliveryClient;
import ftpgw.delivery.TransferStatusStore;
import ftpgw.ops.OpsRoutes;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * HTTP for a node that takes no uploads (a relay or FTP node): the ops endpoints, and transfer status read from the
 * cluster-wide store so that {@code GET /transfers/{id}} answers the same here as on the edge that took the upload.
 */
public final class OpsHttpVerticle extends VerticleBase implements Stage {
  private static final Logger log = LoggerFactory.getLogger(OpsHttpVerticle.class);

  private final HttpConfig config;
  private final OpsRoutes ops;
  private final Duration retention;
  private final int retryAfterSeconds;
  private final Authenticator auth;
  private HttpServer server;

  public OpsHttpVerticle(HttpConfig config, OpsRoutes ops, Duration retention, int retryAfterSeconds,
                         Authenticator auth) {
    this.config = config;
    this.ops = ops;
    this.retention = retention;
    this.retryAfterSeconds = retryAfterSeconds;
    this.auth = auth;
  }

  @Override
  public Context stageContext() {
    return context;
  }

  @Override
  public Future<?> start() {
    TransferRoutes transfers = new TransferRoutes(new TransferStatusStore(vertx, retention),
        new DeliveryClient(vertx.eventBus()));
    FailureResponder failures = new FailureResponder(retryAfterSeconds);
    Router router = Router.router(vertx);
    if (!auth.config().protectOps()) {
      ops.mount(router);
    }
    router.route().handler(new AuthRoutes(auth)::authenticate);
    if (auth.config().protectOps()) {
      ops.mount(router);
    }
    router.get("/transfers").handler(transfers::list);
    router.get("/transfers/:id").handler(transfers::get);
    router.route().last().handler(ctx -> ctx.fail(404));
    router.route().failureHandler(failures::handle);
    return vertx.createHttpServer(ListenerOptions.of(config))
        .requestHandler(router)
        .invalidRequestHandler(InvalidRequests::answer)
        .listen(config.port(), config.host())
        .recover(e -> Future.failedFuture(ListenerOptions.explainBindFailure(e, config)))
        .onSuccess(s -> {
          server = s;
          log.info("HTTP (ops and transfer status, no uploads) on {}://{}:{}", config.scheme(), config.host(),
              s.actualPort());
        });
  }

  /** The port actually bound (useful with port 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
