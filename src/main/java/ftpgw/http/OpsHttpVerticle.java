package ftpgw.http;

import ftpgw.auth.Authenticator;
import ftpgw.config.DeliveryConfig;
import ftpgw.config.HttpConfig;
import ftpgw.config.LiveConfig;
import ftpgw.delivery.DeliveryClient;
import ftpgw.delivery.TransferStatusStore;
import ftpgw.lifecycle.Stage;
import ftpgw.ops.OpsRoutes;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP for a node that takes no uploads (a relay or FTP node): the ops endpoints, and transfer
 * status read from the cluster-wide store so that {@code GET /transfers/{id}} answers the same here
 * as on the edge that took the upload.
 */
public final class OpsHttpVerticle extends VerticleBase implements Stage {
  private static final Logger log = LoggerFactory.getLogger(OpsHttpVerticle.class);

  private final HttpConfig config;
  private final OpsRoutes ops;
  private final DeliveryConfig delivery;
  private final int retryAfterSeconds;
  private final Authenticator auth;
  private final LiveConfig live;
  private HttpServer server;

  public OpsHttpVerticle(
      HttpConfig config,
      OpsRoutes ops,
      DeliveryConfig delivery,
      int retryAfterSeconds,
      Authenticator auth) {
    this(config, ops, delivery, retryAfterSeconds, auth, LiveConfig.DEFAULTS);
  }

  public OpsHttpVerticle(
      HttpConfig config,
      OpsRoutes ops,
      DeliveryConfig delivery,
      int retryAfterSeconds,
      Authenticator auth,
      LiveConfig live) {
    this.live = live;
    this.config = config;
    this.ops = ops;
    this.delivery = delivery;
    this.retryAfterSeconds = retryAfterSeconds;
    this.auth = auth;
  }

  @Override
  public Context stageContext() {
    return context;
  }

  @Override
  public Future<?> start() {
    TransferStatusStore status = new TransferStatusStore(vertx, delivery);
    TransferRoutes transfers = new TransferRoutes(status, new DeliveryClient(vertx.eventBus()));
    LiveRoutes events = new LiveRoutes(vertx, live, auth);
    FailureResponder failures = new FailureResponder(retryAfterSeconds);
    Router router =
        GatewayRouter.create(
            vertx,
            null,
            ops,
            auth.config().protectOps(),
            new AuthRoutes(auth),
            transfers,
            failures,
            open -> {},
            own -> events.mount(own, status));
    return events
        .start()
        .compose(
            v ->
                vertx
                    .createHttpServer(ListenerOptions.of(config))
                    .requestHandler(router)
                    .invalidRequestHandler(InvalidRequests::answer)
                    .listen(config.port(), config.host())
                    .recover(
                        e -> Future.failedFuture(ListenerOptions.explainBindFailure(e, config)))
                    .onSuccess(
                        s -> {
                          server = s;
                          log.info(
                              "HTTP (ops and transfer status, no uploads) on {}://{}:{}",
                              config.scheme(),
                              config.host(),
                              s.actualPort());
                        }));
  }

  /** The port actually bound (useful with port 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
