package ftpgw.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;

/** Where the node's meters live and {@code /metrics} reads from. */
public final class NodeMetrics {
  private NodeMetrics() {}

  /**
   * Vert.x's own Prometheus registry when Vert.x metrics are on (the launcher turns them on, adding
   * its HTTP, event-bus and JVM meters), else a registry of our own (a gateway deployed by hand, as
   * in tests).
   */
  public static PrometheusMeterRegistry registry() {
    MeterRegistry vertx = BackendRegistries.getDefaultNow();
    return vertx instanceof PrometheusMeterRegistry prometheus
        ? prometheus
        : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }
}
