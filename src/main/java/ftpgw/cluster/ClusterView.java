package ftpgw.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.List;

/**
 * What this node sees of the cluster: its own id and the members alive now. A Vert.x started
 * without {@code -cluster} is a cluster of one named {@value #LOCAL_NODE}.
 */
public final class ClusterView {
  static final String LOCAL_NODE = "local";

  // The cluster manager is reachable only through Vert.x's internal interface; we read from it and
  // never register
  // listeners on it (it holds one node listener, the event bus's own).
  private final ClusterManager manager;

  private ClusterView(ClusterManager manager) {
    this.manager = manager;
  }

  public static ClusterView of(Vertx vertx) {
    return new ClusterView(
        vertx instanceof VertxInternal internal ? internal.clusterManager() : null);
  }

  public boolean clustered() {
    return manager != null;
  }

  /** Whether this node is a live member (always true when not clustered). */
  public boolean active() {
    return manager == null || manager.isActive();
  }

  public String nodeId() {
    return manager == null ? LOCAL_NODE : manager.getNodeId();
  }

  /**
   * The address the other members reach this node on (the event bus's); loopback when not
   * clustered.
   */
  public String host() {
    String host = manager == null ? null : manager.clusterHost();
    return host == null ? "127.0.0.1" : host;
  }

  /** Ids of the members alive now, this node included. */
  public List<String> members() {
    return manager == null ? List.of(LOCAL_NODE) : manager.getNodes();
  }
}
