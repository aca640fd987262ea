package ftpgw.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;

/** {@code GET /health} (liveness), {@code GET /ready} (readiness, 503 with detail when not ready), {@code GET /metrics}. */
public final class OpsRoutes {
  private final Readiness readiness;
  private final PrometheusMeterRegistry registry;

  public OpsRoutes(Readiness readiness, PrometheusMeterRegistry registry) {
    this.readiness = readiness;
    this.registry = registry;
  }

  public void mount(Router router) {
    router.get("/health").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("status", "UP").encode() + "\n"));
    router.get("/ready").handler(HealthCheckHandler.createWithHealthChecks(readiness.checks()));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
  }
}
