package ftpgw.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.NetworkConfig;
import ftpgw.relay.ConnectionBudget.Permit;
import ftpgw.testing.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cluster-wide FTP budget under churn: two Hazelcast members in this JVM, each with FTP threads
 * that take a permit, hold it for a moment and give it back as fast as they can. Sessions open at
 * once, counted across both nodes, may never exceed the budget, whichever thread or node asks next.
 */
class ClusterFtpBudgetTest {
  private static final int BUDGET = 2;
  private static final int THREADS_PER_NODE = 3;
  private static final Duration CHURN = Duration.ofSeconds(6);

  private final List<Vertx> nodes = new ArrayList<>();

  @BeforeEach
  void startTwoNodes() throws Exception {
    int first = Integer.parseInt(FreePorts.range(2).split("-")[0]);
    String cluster = "ftpgw-budget-test-" + UUID.randomUUID();
    for (int i = 0; i < 2; i++) {
      nodes.add(
          Vertx.builder()
              .withClusterManager(new HazelcastClusterManager(hazelcast(cluster, first)))
              .buildClustered()
              .toCompletionStage()
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS));
    }
  }

  @AfterEach
  void stopNodes() throws Exception {
    for (Vertx node : nodes) {
      node.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void sessionsOpenAtOnceNeverExceedTheBudgetWhilePermitsChurnOnTwoNodes() throws Exception {
    AtomicInteger open = new AtomicInteger();
    AtomicInteger mostOpen = new AtomicInteger();
    List<AtomicInteger> grantedPerNode = List.of(new AtomicInteger(), new AtomicInteger());
    ExecutorService ftpThreads = Executors.newFixedThreadPool(2 * THREADS_PER_NODE);
    List<Future<?>> workers = new ArrayList<>();
    long end = System.nanoTime() + CHURN.toNanos();
    for (int n = 0; n < nodes.size(); n++) {
      Vertx node = nodes.get(n);
      ClusterFtpBudget budget = new ClusterFtpBudget(node, node.getOrCreateContext(), BUDGET);
      AtomicInteger granted = grantedPerNode.get(n);
      for (int t = 0; t < THREADS_PER_NODE; t++) {
        workers.add(
            ftpThreads.submit(
                () -> {
                  while (System.nanoTime() < end) {
                    Permit permit = budget.acquire(Duration.ofSeconds(20), () -> false);
                    mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                    granted.incrementAndGet();
                    Thread.sleep(2); // a short FTP session
                    open.decrementAndGet();
                    permit.release();
                  }
                  return null;
                }));
      }
    }
    try {
      for (Future<?> worker : workers) {
        worker.get(60, TimeUnit.SECONDS);
      }
    } finally {
      ftpThreads.shutdownNow();
    }

    assertThat(mostOpen.get())
        .as("sessions open at once across both nodes")
        .isLessThanOrEqualTo(BUDGET);
    assertThat(grantedPerNode)
        .as("permits granted per node")
        .allSatisfy(granted -> assertThat(granted.get()).isGreaterThan(5));
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
