package ftpgw.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.FreePorts;
import ftpgw.testing.GatewayProcess;
import ftpgw.testing.Http;
import ftpgw.testing.ObservedFtpServer;
import ftpgw.testing.TestClusterXml;
import ftpgw.testing.TestFiles;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * The fail-over races of issue 21 with real gateway JVMs (an edge and two relay nodes) and a
 * throttled FTP server: a relay node paused (SIGSTOP) mid-transfer and resumed after another took
 * over, and an edge killed (SIGKILL) and restarted while a relay pulls from it. Each must end with
 * exactly one published file with the right SHA-256, no temporary file, and (for the dead edge) a
 * relay that lets go within seconds, not after relay.dataTimeoutMs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 400, unit = TimeUnit.SECONDS)
class ClusterFailoverRaceTest {
  /** Per FTP session: a 6 MiB STOR takes about 1.5 s, long enough to interrupt it. */
  private static final long FTP_BYTES_PER_SECOND = 4_000_000;

  /** Long on purpose: the relay must notice a dead edge through the cluster, well before this. */
  private static final int DATA_TIMEOUT_MS = 60_000;

  private static final Pattern NODE_LINE = Pattern.compile("Node (\\S+) with roles");

  private Path dir;
  private Path hazelcast;
  private ObservedFtpServer ftp;
  private final Map<String, GatewayProcess> nodes = new LinkedHashMap<>();
  private final Map<String, JsonObject> configs = new LinkedHashMap<>();
  private final Map<String, String> nodeIds = new LinkedHashMap<>();

  @BeforeAll
  void startTheCluster(@TempDir Path dir) throws Exception {
    this.dir = dir;
    ftp = ObservedFtpServer.start(dir, 4, FTP_BYTES_PER_SECOND);
    hazelcast = TestClusterXml.write(dir, 3);
    configs.put("relay-a", relayNode("relay-a"));
    configs.put("relay-b", relayNode("relay-b"));
    configs.put("edge", node("edge", new JsonArray().add("http")));
    start("relay-a");
    ExecutorService starters = Executors.newFixedThreadPool(2);
    try {
      Future<?> b = starters.submit(() -> start("relay-b"));
      Future<?> edge = starters.submit(() -> start("edge"));
      b.get(240, TimeUnit.SECONDS);
      edge.get(240, TimeUnit.SECONDS);
    } finally {
      starters.shutdownNow();
    }
    awaitMembers(3);
  }

  @AfterAll
  void stopTheCluster() throws Exception {
    for (Map.Entry<String, GatewayProcess> node : nodes.entrySet()) {
      node.getValue().signal("CONT");
      node.getValue().close();
      Files.write(
          Path.of("target", "cluster-race-" + node.getKey() + ".log"), node.getValue().output());
    }
    if (ftp != null) {
      ftp.close();
    }
  }

  @Test
  @Order(1)
  void aPausedRelayResumedAfterAnotherTookOverNeitherDeletesNorPublishesOverIt() throws Exception {
    Path file = TestFiles.random(dir, "paused.bin", 6 * TestFiles.MiB);

    HttpResponse<String> accepted =
        edge().put("/files/race/paused.bin", file, "Prefer", "respond-async");
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    String id = new JsonObject(accepted.body()).getString("id");
    ftp.awaitTemporaryFileOf(id, Duration.ofSeconds(30));
    String paused = relayPulling(id, null);
    nodes.get(paused).signal("STOP");
    try {
      // the edge sees the paused node leave the cluster and offers the transfer again: the other
      // node takes it
      relayPulling(id, paused);
    } finally {
      nodes.get(paused).signal("CONT");
    }

    JsonObject done =
        edge()
            .awaitJson(
                "/transfers/" + id,
                t -> t.getString("state").matches("delivered|failed"),
                Duration.ofSeconds(60));
    assertThat(done.getString("state")).as(done.encode()).isEqualTo("delivered");
    assertThat(TestFiles.sha256(ftp.root().resolve("race/paused.bin")))
        .isEqualTo(TestFiles.sha256(file));
    ftp.awaitNoTemporaryFile(Duration.ofSeconds(20));
    assertThat(TestFiles.filesUnder(ftp.root())).containsExactly("race/paused.bin");
    assertThat(ftp.renamesTo("race/paused.bin"))
        .as("published once: the resumed attempt never renames")
        .isEqualTo(1);
    awaitMembers(3); // the resumed node is back for the next test
  }

  @Test
  @Order(2)
  void anEdgeKilledAndRestartedDeliversOnceAndItsRelayLetsGoWithinSeconds() throws Exception {
    Path file = TestFiles.random(dir, "edge.bin", 6 * TestFiles.MiB);

    HttpResponse<String> accepted =
        edge().put("/files/race/edge.bin", file, "Prefer", "respond-async");
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    String id = new JsonObject(accepted.body()).getString("id");
    ftp.awaitTemporaryFileOf(id, Duration.ofSeconds(30));
    String relay = relayPulling(id, null);
    LocalTime killed = LocalTime.now();
    nodes.remove("edge").kill();
    start("edge");

    // when the relay's log says it stopped pulling (the restart above may take longer on a loaded
    // machine)
    // the cluster says the edge left, or (body stream) its connection broke and could not be
    // resumed
    String stopped =
        awaitLine(
            relay, id, "left the cluster|the body stream of transfer", Duration.ofSeconds(60));
    Duration letGo = Duration.between(killed, LocalTime.parse(stopped.substring(0, 12)));
    assertThat(letGo)
        .as("the relay stops pulling from the dead edge: " + stopped)
        .isLessThan(Duration.ofMillis(DATA_TIMEOUT_MS / 2));
    JsonObject done =
        edge()
            .awaitJson(
                "/transfers/" + id,
                t -> t.getString("state").matches("delivered|failed"),
                Duration.ofSeconds(60));
    assertThat(done.getString("state")).as(done.encode()).isEqualTo("delivered");
    assertThat(TestFiles.sha256(ftp.root().resolve("race/edge.bin")))
        .isEqualTo(TestFiles.sha256(file));
    ftp.awaitNoTemporaryFile(Duration.ofSeconds(20));
    assertThat(ftp.renamesTo("race/edge.bin")).isEqualTo(1);
    assertThat(nodes.get(relay).output()).noneMatch(l -> l.contains("Promise already completed"));
    for (String name : nodes.keySet()) {
      assertThat(TestFiles.filesUnder(dir.resolve(name).resolve("spool")))
          .as(name + " spool")
          .isEmpty();
    }
  }

  private void start(String name) {
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

  private void awaitMembers(int members) throws Exception {
    for (String name : List.copyOf(nodes.keySet())) {
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
                                      && c.getJsonObject("data").getInteger("members") == members),
              Duration.ofSeconds(60));
    }
  }

  /**
   * The relay node the edge says pulls {@code id}, other than {@code not}: waits for the edge's log
   * line.
   */
  private String relayPulling(String id, String not) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    while (System.nanoTime() < deadline) {
      for (String line : nodes.get("edge").output()) {
        if (line.contains("Transfer " + id) && line.contains("is pulled by relay node")) {
          String node =
              nodeIds.entrySet().stream()
                  .filter(e -> line.endsWith(e.getValue()))
                  .map(Map.Entry::getKey)
                  .findFirst()
                  .orElseThrow();
          if (!node.equals(not)) {
            return node;
          }
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        "the edge never said which relay pulls " + id + " (other than " + not + ")");
  }

  /**
   * The first line {@code node} logged about {@code transferId} matching the regular expression
   * {@code text}, once it is there.
   */
  private String awaitLine(String node, String transferId, String text, Duration within)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<String> line =
          nodes.get(node).output().stream()
              .filter(l -> Pattern.compile(text).matcher(l).find() && l.contains(transferId))
              .findFirst();
      if (line.isPresent()) {
        return line.get();
      }
      Thread.sleep(20);
    }
    throw new AssertionError(node + " never logged \"" + text + "\"");
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
                .put("connections", 2)
                .put("dataTimeoutMs", DATA_TIMEOUT_MS)
                .put("idleTimeoutMs", 5000));
  }

  private JsonObject node(String name, JsonArray roles) {
    return new JsonObject()
        .put("roles", roles)
        .put("http", new JsonObject().put("port", FreePorts.one()))
        .put("spool", new JsonObject().put("dir", dir.resolve(name).resolve("spool").toString()))
        .put("delivery", new JsonObject().put("initialBackoffMs", 200).put("maxBackoffMs", 1000))
        .put(
            "cluster",
            new JsonObject().put("ftpConnections", 4).put("relayStartTimeoutMs", 10_000));
  }
}
