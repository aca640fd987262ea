package ftpgw.ops;

import ftpgw.auth.Authenticator;
import ftpgw.config.AuthMode;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * {@code GET /health} (liveness), {@code GET /ready} (readiness, 503 with detail when not ready),
 * {@code GET /metrics}.
 */
public final class OpsRoutes {
  private final Readiness readiness;
  private final PrometheusMeterRegistry registry;
  private final Authenticator auth;

  /**
   * @param auth decides who sees the detail of {@code /ready} (see {@link #ready})
   */
  public OpsRoutes(Readiness readiness, PrometheusMeterRegistry registry, Authenticator auth) {
    this.readiness = readiness;
    this.registry = registry;
    this.auth = auth;
  }

  /** The node's meters, for verticles that add their own. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public void mount(Router router) {
    router
        .get("/health")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("status", "UP").encode() + "\n"));
    router
        .get("/ready")
        .handler(ready(HealthCheckHandler.createWithHealthChecks(readiness.checks())));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
  }

  /**
   * The checks' detail names the FTP target's host and port and its error text: with logins on and
   * {@code auth.protectOps} off, a caller without credentials gets the status only (200/503 {@code
   * {"status":"UP"|"DOWN"}}), one with valid credentials the detail, one with wrong credentials
   * 401.
   */
  private Handler<RoutingContext> ready(Handler<RoutingContext> detailed) {
    if (auth == null || auth.config().mode() == AuthMode.NONE || auth.config().protectOps()) {
      return detailed; // with protectOps the login route ran before this one
    }
    return ctx -> {
      String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
      if (authorization == null) {
        statusOnly(ctx);
        return;
      }
      String address =
          ctx.request().remoteAddress() == null
              ? "unknown"
              : ctx.request().remoteAddress().hostAddress();
      auth.authenticate(address, authorization)
          .onSuccess(caller -> detailed.handle(ctx))
          .onFailure(ctx::fail);
    };
  }

  private void statusOnly(RoutingContext ctx) {
    readiness
        .checks()
        .checkStatus()
        .onComplete(
            done -> {
              boolean up = done.succeeded() && CheckResult.isUp(done.result());
              ctx.response()
                  .setStatusCode(up ? 200 : 503)
                  .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                  .end(new JsonObject().put("status", up ? "UP" : "DOWN").encode());
            });
  }
}
