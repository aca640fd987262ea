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

  /** The node's meters, for verticles that add their own. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public void mount(Router router) {
    router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/ready").handler(HealthCheckHandler.createWithHealthChecks(readiness.checks()));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
  }
}
