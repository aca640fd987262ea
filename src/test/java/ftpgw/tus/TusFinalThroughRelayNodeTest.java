package ftpgw.tus;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.NetworkConfig;
import ftpgw.testing.FreePorts;
import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An edge without FTP access (http role only) hands a tus final concatenation to a relay node: the
 * relay node pulls the whole body in chunks, which the edge reads across its parts' spool files,
 * and publishes it in one STOR.
 */
class TusFinalThroughRelayNodeTest {
  @TempDir Path dir;
  private final List<Vertx> nodes = new ArrayList<>();

  @AfterEach
  void stopNodes() throws Exception {
    for (Vertx node : nodes) {
      node.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aFinalSpooledOnAnEdgeIsPublishedByTheRelayNode() throws Exception {
    int first = Integer.parseInt(FreePorts.range(2).split("-")[0]);
    String cluster = "ftpgw-tus-final-" + UUID.randomUUID();
    for (int i = 0; i < 2; i++) {
      nodes.add(
          Vertx.builder()
              .withClusterManager(new HazelcastClusterManager(hazelcast(cluster, first)))
              .buildClustered()
              .toCompletionStage()
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS));
    }
    GatewayUnderTest relay =
        GatewayUnderTest.start(
            nodes.get(0),
            dir.resolve("relay"),
            new JsonObject().put("roles", new JsonArray().add("http").add("relay").add("ftp")));
    GatewayUnderTest edge =
        GatewayUnderTest.start(
            nodes.get(1),
            dir.resolve("edge"),
            new JsonObject()
                .put("roles", new JsonArray().add("http"))
                .put("ftpServer", new JsonObject().put("enabled", false)));

    // parts of 3 MiB + a little: the relay's chunks straddle the parts' boundaries
    Path file = TestFiles.random(dir, "whole.bin", 4L * 3 * (1 << 20) + 13);
    TusParallelPublishTest.publishInFourParts(edge, file, "edge/joined.bin");

    assertThat(TestFiles.sha256(relay.ftpRoot().resolve("edge/joined.bin")))
        .isEqualTo(TestFiles.sha256(file));
    assertThat(TestFiles.filesUnder(relay.ftpRoot())).containsExactly("edge/joined.bin");
    assertThat(TusProtocolTest.strayFiles(edge)).isEmpty();
    assertThat(TusProtocolTest.strayFiles(relay)).isEmpty();
  }

  private static Config hazelcast(String cluster, int firstPort) {
    Config config = new Config().setClusterName(cluster);
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    NetworkConfig network =
        config.getNetworkConfig().setPort(firstPort).setPortAutoIncrement(true).setPortCount(2);
    network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    network.getJoin().getMulticastConfig().setEnabled(false);
    network.getJoin().getAutoDetectionConfig().setEnabled(false);
    network
        .getJoin()
        .getTcpIpConfig()
        .setEnabled(true)
        .setMembers(List.of("127.0.0.1:" + firstPort, "127.0.0.1:" + (firstPort + 1)));
    return config;
  }
}
