package ftpgw.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.FreePorts;
import ftpgw.testing.GatewayProcess;
import ftpgw.testing.Http;
import ftpgw.testing.ObservedFtpServer;
import ftpgw.testing.Poll;
import ftpgw.testing.TestClusterXml;
import ftpgw.testing.TestFiles;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three gateway JVMs joined in a cluster of their own on loopback (unique cluster name, free ports,
 * a cluster.xml given with -Dvertx.hazelcast.config): an edge that has no FTP settings at all, and
 * two nodes with the http and relay roles, all publishing to one FTP server in this JVM that allows
 * only as many logins as the cluster's FTP budget. The last test kills a relay node, so the order
 * is fixed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterTest {
  private static final int FTP_BUDGET = 2;

  /** Per FTP session: slow enough that a relay can be killed in the middle of a STOR. */
  private static final long FTP_BYTES_PER_SECOND = 8_000_000;

  private static final Pattern NODE_LINE = Pattern.compile("Node (\\S+) with roles");

  private Path dir;
  private Path hazelcastXml;
  private ObservedFtpServer ftp;
  private final Map<String, GatewayProcess> nodes = new LinkedHashMap<>();
  private final Map<String, JsonObject> configs = new LinkedHashMap<>();
  private final Map<String, String> nodeIds = new LinkedHashMap<>();

  @BeforeAll
  void startTheCluster(@TempDir Path dir) throws Exception {
    this.dir = dir;
    ftp = ObservedFtpServer.start(dir, FTP_BUDGET, FTP_BYTES_PER_SECOND);
    Path hazelcast = TestClusterXml.write(dir, 3);
    hazelcastXml = hazelcast;
    configs.put("relay-a", relayNode("relay-a"));
    configs.put("relay-b", relayNode("relay-b"));
    configs.put("edge", edgeNode());
    start("relay-a", hazelcast);
    // the first member is up: the others join it, in parallel
    ExecutorService starters = Executors.newFixedThreadPool(2);
    try {
      Future<?> b = starters.submit(() -> start("relay-b", hazelcast));
      Future<?> edge = starters.submit(() -> start("edge", hazelcast));
      b.get(90, TimeUnit.SECONDS);
      edge.get(90, TimeUnit.SECONDS);
    } finally {
      starters.shutdownNow();
    }
    for (String name : nodes.keySet()) {
      new Http(port(name))
          .awaitJson(
              "/ready",
              ready ->
                  "UP".equals(ready.getString("status"))
                      && ready.getJsonArray("checks").stream()
                          .map(JsonObject.class::cast)
                          .anyMatch(
                              c ->
                                  "cluster".equals(c.getString("id"))
                                      && c.getJsonObject("data").getInteger("members") == 3),
              Duration.ofSeconds(60));
    }
  }

  @AfterAll
  void stopTheCluster() throws Exception {
    for (Map.Entry<String, GatewayProcess> node : nodes.entrySet()) {
      node.getValue().close();
      Files.write(
          Path.of("target", "cluster-test-" + node.getKey() + ".log"), node.getValue().output());
    }
    if (ftp != null) {
      ftp.close();
    }
  }

  @Test
  @Order(1)
  void anUploadToTheEdgeArrivesThroughARelayNodeWithTheSameDigest() throws Exception {
    assertThat(configs.get("edge").fieldNames()).doesNotContain("relay", "ftpServer");
    Path file = TestFiles.random(dir, "first.bin", 5 * TestFiles.MiB);

    HttpResponse<String> response = edge().put("/files/cluster/first.bin", file);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    assertThat(new JsonObject(response.body()).getString("sha256"))
        .isEqualTo(TestFiles.sha256(file));
    assertThat(TestFiles.sha256(ftp.root().resolve("cluster/first.bin")))
        .isEqualTo(TestFiles.sha256(file));
    assertThat(ftp.renamesTo("cluster/first.bin")).isEqualTo(1);
    assertThat(nodes.get("edge").output())
        .anyMatch(line -> line.contains("is pulled by relay node"));
    assertNothingStray();
  }

  @Test
  @Order(2)
  void everyNodeAnswersTheSameStatusForATransfer() throws Exception {
    Path file = TestFiles.random(dir, "status.bin", 1 * TestFiles.MiB);
    HttpResponse<String> accepted =
        edge().put("/files/cluster/status.bin", file, "Prefer", "respond-async");
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    String id = new JsonObject(accepted.body()).getString("id");

    JsonObject onEdge =
        edge()
            .awaitJson(
                "/transfers/" + id,
                t -> "delivered".equals(t.getString("state")),
                Duration.ofSeconds(30));

    for (String name : nodes.keySet()) {
      HttpResponse<String> status = new Http(port(name)).get("/transfers/" + id);
      assertThat(status.statusCode()).as(name + ": " + status.body()).isEqualTo(200);
      assertThat(new JsonObject(status.body())).as(name).isEqualTo(onEdge);
    }
    assertThat(onEdge.getString("sha256")).isEqualTo(TestFiles.sha256(file));
    assertThat(new Http(port("relay-a")).get("/transfers/nosuchtransfer00000").statusCode())
        .isEqualTo(404);
  }

  @Test
  @Order(3)
  void theClusterWideFtpBudgetHoldsUnderConcurrentUploadsToTwoNodes() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> uploads = new ArrayList<>();
    ExecutorService clients = Executors.newFixedThreadPool(16);
    try {
      for (int i = 0; i < 16; i++) {
        String node = i % 2 == 0 ? "relay-a" : "relay-b";
        Path file = TestFiles.random(dir, "budget-" + i + ".bin", TestFiles.MiB + i);
        String path = "/files/budget/" + i + ".bin";
        uploads.add(CompletableFuture.supplyAsync(() -> put(node, path, file), clients));
      }
      CompletableFuture.allOf(uploads.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
    } finally {
      clients.shutdownNow();
    }

    for (CompletableFuture<HttpResponse<String>> upload : uploads) {
      HttpResponse<String> response = upload.get();
      assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
      String id = new JsonObject(response.body()).getString("id");
      JsonObject status = new JsonObject(edge().get("/transfers/" + id).body());
      assertThat(status.getInteger("attempts"))
          .as("no attempt may hit the FTP login limit: " + status + "\n" + ftp.events())
          .isEqualTo(1);
    }
    // Apache FtpServer counts a session a moment longer than its socket lives; a login in that
    // moment gets 421 and
    // is tried again (FtpConnectionFactory) without failing the transfer. More than one such moment
    // means the budget
    // let too many sessions through.
    assertThat(ftp.refusedLogins()).as(ftp.events()).isLessThanOrEqualTo(1);
    assertThat(ftp.maxSessions()).isBetween(1, FTP_BUDGET);
    assertNothingStray();
  }

  @Test
  @Order(4)
  void aRelayNodeKilledMidTransferIsReplacedByAnotherAndTheFileIsPublishedOnce() throws Exception {
    Path file = TestFiles.random(dir, "killed.bin", 24 * TestFiles.MiB);
    CompletableFuture<String> storStarted = new CompletableFuture<>();
    ftp.onUploadStart(storStarted::complete);

    HttpResponse<String> accepted =
        edge().put("/files/cluster/killed.bin", file, "Prefer", "respond-async");
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    String id = new JsonObject(accepted.body()).getString("id");
    assertThat(storStarted.get(30, TimeUnit.SECONDS)).contains(".ftpgw-" + id);
    String victim = relayPulling(id);
    nodes.get(victim).kill();

    JsonObject delivered =
        edge()
            .awaitJson(
                "/transfers/" + id,
                t -> t.getString("state").matches("delivered|failed"),
                Duration.ofSeconds(60));
    assertThat(delivered.getString("state")).as(delivered.encode()).isEqualTo("delivered");
    assertThat(delivered.getInteger("attempts")).isGreaterThanOrEqualTo(2);
    assertThat(TestFiles.sha256(ftp.root().resolve("cluster/killed.bin")))
        .isEqualTo(TestFiles.sha256(file));
    assertThat(ftp.renamesTo("cluster/killed.bin")).isEqualTo(1);
    String survivor = victim.equals("relay-a") ? "relay-b" : "relay-a";
    assertThat(
            new JsonObject(new Http(port(survivor)).get("/transfers/" + id).body())
                .getString("state"))
        .isEqualTo("delivered");
    nodes.remove(victim).close();
    // every attempt has a temporary file of its own: the killed node's is removed by its janitor
    // when it restarts
    start(victim, writeHazelcastXmlPath());
    for (int i = 0;
        i < 600 && TestFiles.filesUnder(ftp.root()).stream().anyMatch(f -> f.contains(".ftpgw-"));
        i++) {
      Thread.sleep(50);
    }
    assertNothingStray();
  }

  private Path writeHazelcastXmlPath() {
    return hazelcastXml;
  }

  private void start(String name, Path hazelcast) {
    try {
      GatewayProcess process =
          GatewayProcess.startClustered(configs.get(name), dir.resolve(name + ".json"), hazelcast);
      synchronized (nodes) {
        nodes.put(name, process);
        nodeIds.put(
            name,
            process.output().stream()
                .map(NODE_LINE::matcher)
                .filter(Matcher::find)
                .map(m -> m.group(1))
                .findFirst()
                .orElseThrow());
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot start " + name, e);
    }
  }

  /**
   * The node the edge says is pulling {@code id} (it logs that as the first chunk is asked for).
   */
  private String relayPulling(String id) throws InterruptedException {
    // the relay may open its STOR before the edge's log line reaches us: wait for it
    String line =
        Poll.until(
                "the edge saying which relay pulls " + id,
                Duration.ofSeconds(20),
                () ->
                    nodes.get("edge").output().stream()
                        .filter(
                            l ->
                                l.contains("Transfer " + id)
                                    && l.contains("is pulled by relay node"))
                        .findFirst(),
                Optional::isPresent)
            .get();
    return nodeIds.entrySet().stream()
        .filter(e -> line.endsWith(e.getValue()))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElseThrow();
  }

  /** No spool body left on any node, no relay inbound file, no temporary file on the FTP server. */
  private void assertNothingStray() {
    for (String name : nodes.keySet()) {
      assertThat(TestFiles.filesUnder(dir.resolve(name).resolve("spool")))
          .as(name + " spool")
          .isEmpty();
    }
    assertThat(TestFiles.filesUnder(ftp.root()))
        .noneMatch(f -> Path.of(f).getFileName().toString().startsWith(".ftpgw-"));
  }

  private HttpResponse<String> put(String node, String path, Path file) {
    try {
      return new Http(port(node)).put(path, file);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Http edge() {
    return new Http(port("edge"));
  }

  private int port(String node) {
    return configs.get(node).getJsonObject("http").getInteger("port");
  }

  private JsonObject relayNode(String name) {
    return node(name, new JsonArray().add("http").add("relay"))
        .put(
            "relay",
            new JsonObject()
                .put(
                    "target",
                    new JsonObject()
                        .put("host", "127.0.0.1")
                        .put("port", ftp.port())
                        .put("user", ObservedFtpServer.USER)
                        .put("password", ObservedFtpServer.PASSWORD))
                .put("connections", 4)
                .put("idleTimeoutMs", 5000));
  }

  /** An edge: it takes uploads and knows nothing of FTP. */
  private JsonObject edgeNode() {
    return node("edge", new JsonArray().add("http"));
  }

  private JsonObject node(String name, JsonArray roles) {
    return new JsonObject()
        .put("roles", roles)
        .put("http", new JsonObject().put("port", FreePorts.one()))
        .put("spool", new JsonObject().put("dir", dir.resolve(name).resolve("spool").toString()))
        .put("delivery", new JsonObject().put("initialBackoffMs", 200).put("maxBackoffMs", 1000))
        .put(
            "cluster",
            new JsonObject().put("ftpConnections", FTP_BUDGET).put("relayStartTimeoutMs", 5000));
  }
}
