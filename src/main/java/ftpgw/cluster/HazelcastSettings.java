package ftpgw.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import ftpgw.config.ClusterConfig;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;

/**
 * The Hazelcast configuration a node joins with: the XML named by {@code -Dvertx.hazelcast.config},
 * else the {@code cluster.xml} shipped in the jar (TCP-IP join on loopback, multicast off), with
 * the node's {@code cluster.*} keys applied over it so that most deployments need no XML of their
 * own.
 */
public final class HazelcastSettings {
  private HazelcastSettings() {}

  public static Config load(ClusterConfig cluster) {
    Config config = ConfigUtil.loadConfig();
    if (cluster.name() != null) {
      config.setClusterName(cluster.name());
    }
    NetworkConfig network = config.getNetworkConfig();
    if (cluster.port() != 0) {
      network.setPort(cluster.port()).setPortAutoIncrement(true).setPortCount(10);
    }
    if (cluster.host() != null) {
      // bind only there: a node that bridges networks must not offer the cluster on its
      // client-facing side
      network.getInterfaces().setEnabled(true).clear().addInterface(cluster.host());
      config.setProperty("hazelcast.socket.bind.any", "false");
    }
    if (!cluster.members().isEmpty()) {
      JoinConfig join = network.getJoin();
      join.getMulticastConfig().setEnabled(false);
      join.getAutoDetectionConfig().setEnabled(false);
      join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    }
    return config;
  }
}
