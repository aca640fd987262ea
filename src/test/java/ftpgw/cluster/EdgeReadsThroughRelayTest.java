package ftpgw.cluster;

import static ftpgw.testing.TestFiles.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.NetworkConfig;
import ftpgw.testing.FreePorts;
import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Http;
import ftpgw.testing.Poll;
import ftpgw.testing.TestFiles;
import ftpgw.transfer.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two clustered nodes in this JVM: a relay node running the FTP server, and an edge with the http
 * role only (no FTP settings at all). The edge serves downloads, listings and changes by asking the
 * relay node over the event bus, and a WebDAV lock taken through one node holds on the other.
 */
class EdgeReadsThroughRelayTest {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @TempDir Path dir;
  private final List<Vertx> nodes = new ArrayList<>();
  private GatewayUnderTest relay;
  private GatewayUnderTest edge;

  @BeforeEach
  void startTwoNodes() throws Exception {
    int first = Integer.parseInt(FreePorts.range(2).split("-")[0]);
    String cluster = "ftpgw-read-test-" + UUID.randomUUID();
    for (int i = 0; i < 2; i++) {
      nodes.add(
          Vertx.builder()
              .withClusterManager(new HazelcastClusterManager(hazelcast(cluster, first)))
              .buildClustered()
              .toCompletionStage()
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS));
    }
    relay =
        GatewayUnderTest.start(
            nodes.get(0),
            dir.resolve("relay"),
            new JsonObject().put("roles", new JsonArray().add("http").add("relay").add("ftp")));
    edge =
        GatewayUnderTest.start(
            nodes.get(1),
            dir.resolve("edge"),
            new JsonObject()
                .put("roles", new JsonArray().add("http"))
                .put("ftpServer", new JsonObject().put("enabled", false)));
  }

  @AfterEach
  void stopNodes() throws Exception {
    for (Vertx node : nodes) {
      node.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void anEdgeWithoutFtpServesReadsThroughARelayNode() throws Exception {
    Path file = TestFiles.random(dir, "big.bin", 20 * MiB + 5);
    Files.createDirectories(relay.ftpRoot().resolve("data"));
    Files.copy(file, relay.ftpRoot().resolve("data/big.bin"));
    Http http = new Http(edge.httpPort());

    Path got = dir.resolve("got.bin");
    HttpResponse<Path> whole =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(edge.url("/files/data/big.bin"))).build(),
            HttpResponse.BodyHandlers.ofFile(got));
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(TestFiles.sha256(got)).isEqualTo(TestFiles.sha256(file));

    HttpResponse<String> range = http.get("/files/data/big.bin", "Range", "bytes=10-19");
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.headers().firstValue("Content-Length")).hasValue("10");

    JsonArray entries = new JsonObject(http.get("/files/data/").body()).getJsonArray("entries");
    assertThat(entries.getJsonObject(0).getLong("size")).isEqualTo(20 * MiB + 5);

    HttpResponse<String> missing = http.get("/files/data/none.bin");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(missing.body()).getString("error")).isEqualTo("NOT_FOUND");
  }

  @Test
  void aClusteredRelayNodeServesItsOwnClientsThroughTheDataConnectionItHandsOver()
      throws Exception {
    // the same node: the relay's reply carries the data connection, which must never be encoded for
    // the clustered bus
    Path file = TestFiles.random(dir, "own.bin", 6 * MiB + 3);
    Files.createDirectories(relay.ftpRoot().resolve("own"));
    Files.copy(file, relay.ftpRoot().resolve("own/own.bin"));
    // a clustered bus shows its interceptors no decoded bodies: count what goes to the session
    List<String> pulls = new CopyOnWriteArrayList<>();
    String session = Addresses.fileChunks(ClusterView.of(nodes.get(0)).nodeId());
    nodes
        .get(0)
        .eventBus()
        .addOutboundInterceptor(
            delivery -> {
              if (delivery.message().address().equals(session)) {
                pulls.add(delivery.message().address());
              }
              delivery.next();
            });

    Path got = dir.resolve("own-got.bin");
    HttpResponse<Path> whole =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(relay.url("/files/own/own.bin"))).build(),
            HttpResponse.BodyHandlers.ofFile(got));

    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(TestFiles.sha256(got)).isEqualTo(TestFiles.sha256(file));
    Poll.until("the RETR confirmed", Duration.ofSeconds(10), () -> pulls, p -> !p.isEmpty());
    Thread.sleep(500); // a chunk pulled late would show by now
    assertThat(pulls)
        .as(
            "one message to the session (its FINISH), no chunk pulled: the connection was handed over")
        .hasSize(1);
  }

  @Test
  void aLockTakenThroughOneNodeHoldsOnTheOther() throws Exception {
    Files.createDirectories(relay.ftpRoot().resolve("locked"));
    Files.writeString(relay.ftpRoot().resolve("locked/doc.txt"), "v1");
    HttpResponse<String> lock =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(relay.url("/files/locked/doc.txt")))
                .method(
                    "LOCK",
                    HttpRequest.BodyPublishers.ofString(
                        "<?xml version=\"1.0\"?><D:lockinfo xmlns:D=\"DAV:\">"
                            + "<D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>"))
                .header("Timeout", "Second-60")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(lock.statusCode()).isEqualTo(200);
    String token = lock.headers().firstValue("Lock-Token").orElseThrow();

    Http http = new Http(edge.httpPort());
    HttpResponse<String> refused = http.put("/files/locked/doc.txt", "v2");
    assertThat(refused.statusCode()).isEqualTo(423);
    assertThat(new JsonObject(refused.body()).getString("error")).isEqualTo("LOCKED");
    HttpResponse<String> delete = http.delete("/files/locked/doc.txt");
    assertThat(delete.statusCode()).isEqualTo(423);
    assertThat(Files.readString(relay.ftpRoot().resolve("locked/doc.txt"))).isEqualTo("v1");

    assertThat(http.put("/files/locked/doc.txt", "v2", "If", "(" + token + ")").statusCode())
        .isEqualTo(201);
    assertThat(Files.readString(relay.ftpRoot().resolve("locked/doc.txt"))).isEqualTo("v2");
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
