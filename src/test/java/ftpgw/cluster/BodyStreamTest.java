package ftpgw.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.Curl;
import ftpgw.testing.FreePorts;
import ftpgw.testing.GatewayProcess;
import ftpgw.testing.Http;
import ftpgw.testing.ObservedFtpServer;
import ftpgw.testing.Poll;
import ftpgw.testing.RawHttp;
import ftpgw.testing.TestClusterXml;
import ftpgw.testing.TestFiles;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * The edge's direct body stream with real gateway JVMs (an edge and two relay nodes, each relay
 * with a 64 MiB heap) and a throttled FTP server: a reader without the proof of a relay node
 * holding the attempt gets 401/403 and no byte of the body; a relay node killed (SIGKILL)
 * mid-stream is replaced by the other and the file arrives intact, once; a 200 MiB body crosses a
 * 64 MiB heap (no whole-file buffering). A large synchronous upload crosses while its body still
 * arrives (the relay node's STOR runs before the client sent it all) and is published once, whole;
 * one that breaks off, or whose digest is wrong, leaves nothing on the FTP server or in the spool;
 * a form whose folder field follows its file crosses while it arrives too and lands where it says.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 400, unit = TimeUnit.SECONDS)
class BodyStreamTest {
  /** Per FTP session: a 48 MiB STOR takes about 2 s, long enough to act while it runs. */
  private static final long FTP_BYTES_PER_SECOND = 24_000_000;

  private static final List<String> SMALL_HEAP = List.of("-Xmx64m");

  /** A body relayed while it arrives (at least delivery.cutThroughBytes), sent in two parts. */
  private static final int LIVE_BYTES = (int) (16 * TestFiles.MiB);

  private static final int LIVE_FIRST_PART = (int) (12 * TestFiles.MiB);
  private static final Pattern NODE_LINE = Pattern.compile("Node (\\S+) with roles");

  private Path dir;
  private Path hazelcast;
  private ObservedFtpServer ftp;
  private int streamPort;
  private final HttpClient reader = HttpClient.newHttpClient();
  private final Map<String, GatewayProcess> nodes = new LinkedHashMap<>();
  private final Map<String, JsonObject> configs = new LinkedHashMap<>();
  private final Map<String, String> nodeIds = new LinkedHashMap<>();

  @BeforeAll
  void startTheCluster(@TempDir Path dir) throws Exception {
    this.dir = dir;
    ftp = ObservedFtpServer.start(dir, 4, FTP_BYTES_PER_SECOND);
    hazelcast = TestClusterXml.write(dir, 3);
    streamPort = FreePorts.one();
    configs.put("relay-a", relayNode("relay-a"));
    configs.put("relay-b", relayNode("relay-b"));
    JsonObject edge = node("edge", new JsonArray().add("http"));
    edge.getJsonObject("cluster").put("streamPort", streamPort);
    configs.put("edge", edge);
    start("relay-a");
    start("relay-b");
    start("edge");
  }

  @AfterAll
  void stopTheCluster() throws Exception {
    for (Map.Entry<String, GatewayProcess> node : nodes.entrySet()) {
      node.getValue().close();
      Files.write(
          Path.of("target", "body-stream-" + node.getKey() + ".log"), node.getValue().output());
    }
    if (ftp != null) {
      ftp.close();
    }
  }

  @Test
  @Order(1)
  void aReaderWithoutTheProofOfTheAttemptGetsNoByte() throws Exception {
    Path file = TestFiles.random(dir, "guarded.bin", 48 * TestFiles.MiB);
    HttpResponse<String> accepted =
        edge().put("/files/stream/guarded.bin", file, "Prefer", "respond-async");
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    String id = new JsonObject(accepted.body()).getString("id");
    ftp.awaitTemporaryFileOf(
        id, Duration.ofSeconds(30)); // the attempt is in progress: its stream is open to its relay

    HttpResponse<byte[]> anonymous = read(id);
    assertRefused(anonymous, 401, "UNAUTHORIZED");
    HttpResponse<byte[]> forged =
        read(
            id,
            "Authorization",
            "Ftpgw-Lease " + "0".repeat(64),
            BodyStreams.RELAY_HEADER,
            nodeIds.get("relay-a"));
    assertRefused(forged, 403, "FORBIDDEN");
    HttpResponse<byte[]> forgedRange =
        read(
            id,
            "Authorization",
            "Ftpgw-Lease " + "f".repeat(64),
            BodyStreams.RELAY_HEADER,
            nodeIds.get("relay-b"),
            "Range",
            "bytes=1048576-");
    assertRefused(forgedRange, 403, "FORBIDDEN");

    assertDeliveredOnce(id, file, "stream/guarded.bin");
    // the attempt is over: the same refusals, and still no byte
    assertRefused(read(id), 401, "UNAUTHORIZED");
  }

  @Test
  @Order(2)
  void aRelayKilledMidStreamIsReplacedAndTheFileArrivesIntactOnce() throws Exception {
    Path file = TestFiles.random(dir, "killed.bin", 48 * TestFiles.MiB);
    HttpResponse<String> accepted =
        edge().put("/files/stream/killed.bin", file, "Prefer", "respond-async");
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    String id = new JsonObject(accepted.body()).getString("id");
    ftp.awaitTemporaryFileOf(id, Duration.ofSeconds(30));
    String victim = relayPulling(id, null);
    nodes.remove(victim).kill();

    String other = relayPulling(id, victim);
    assertThat(other).isNotEqualTo(victim);
    assertDelivered(id, file, "stream/killed.bin");
    // the killed node's temporary file is removed by its janitor when it restarts
    start(victim);
    assertNothingStray();
  }

  @Test
  @Order(3)
  void twoHundredMibCrossARelayWithA64MibHeap() throws Exception {
    Path file = TestFiles.random(dir, "big.bin", 200 * TestFiles.MiB);
    HttpResponse<String> accepted =
        edge().put("/files/stream/big.bin", file, "Prefer", "respond-async");
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    String id = new JsonObject(accepted.body()).getString("id");
    String relay = relayPulling(id, null);

    assertDeliveredOnce(id, file, "stream/big.bin");
    assertThat(nodes.get(relay).output())
        .as("the relay read the body from the edge's stream")
        .anySatisfy(l -> assertThat(l).contains("Transfer " + id).contains("over the stream"));
    for (GatewayProcess node : nodes.values()) {
      assertThat(node.output()).noneMatch(l -> l.contains("OutOfMemoryError"));
    }
  }

  @Test
  @Order(4)
  void aLargeSynchronousUploadCrossesToTheRelayNodeWhileItsBodyStillArrives() throws Exception {
    Path file = TestFiles.random(dir, "live.bin", LIVE_BYTES);
    byte[] body = Files.readAllBytes(file);
    try (RawHttp raw = new RawHttp(edgePort())) {
      sendFirstPartUntilTheRelayNodeStores(raw, "/files/stream/live.bin", "", body);

      RawHttp.Response response = raw.send(slice(body, LIVE_FIRST_PART, LIVE_BYTES)).read();
      assertThat(response.status()).as(response.body()).isEqualTo(201);
      assertPublishedOnceByTheAttemptThatCrossedLive(
          new JsonObject(response.body()), file, "stream/live.bin");
    }
    assertNothingStray();
  }

  @Test
  @Order(5)
  void anUploadThatBreaksOffWhileItCrossesLeavesNothingAnywhere() throws Exception {
    Path file = TestFiles.random(dir, "broken.bin", LIVE_BYTES);
    byte[] body = Files.readAllBytes(file);
    try (RawHttp raw = new RawHttp(edgePort())) {
      sendFirstPartUntilTheRelayNodeStores(raw, "/files/stream/broken.bin", "", body);
    } // the client goes away with a quarter of its body unsent

    assertNothingStray();
    assertThat(ftp.root().resolve("stream/broken.bin")).doesNotExist();
  }

  @Test
  @Order(6)
  void anUploadWithAWrongDigestIsRefusedAndNeverPublishedByTheRelayNode() throws Exception {
    Path file = TestFiles.random(dir, "wrong.bin", LIVE_BYTES);
    byte[] body = Files.readAllBytes(file);
    String wrong = TestFiles.reprDigest("ab".repeat(32));
    try (RawHttp raw = new RawHttp(edgePort())) {
      sendFirstPartUntilTheRelayNodeStores(
          raw, "/files/stream/wrong.bin", "Repr-Digest: " + wrong + "\r\n", body);

      RawHttp.Response response = raw.send(slice(body, LIVE_FIRST_PART, LIVE_BYTES)).read();
      assertThat(response.status()).as(response.body()).isEqualTo(400);
      assertThat(new JsonObject(response.body()).getString("error")).isEqualTo("DIGEST_MISMATCH");
    }
    assertNothingStray();
    assertThat(ftp.root().resolve("stream/wrong.bin")).doesNotExist();
  }

  @Test
  @Order(7)
  void aCurlFormWhoseFolderFollowsItsFileCrossesWhileItArrivesAndLandsWhereItSays()
      throws Exception {
    Path upload = TestFiles.random(dir, "form.bin", 24 * TestFiles.MiB + 5);
    Process curl =
        Curl.postFormSlowly(
            "http://127.0.0.1:" + edgePort() + "/upload", upload, "forms/live", "8M");
    try {
      Poll.until(
          "the relay node's STOR, while curl still sends the form",
          Duration.ofSeconds(30),
          this::temporaryBytes,
          bytes -> bytes > 2 * TestFiles.MiB);
      assertThat(curl.isAlive()).as("curl still sends the form").isTrue();
      String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(curl.waitFor(120, TimeUnit.SECONDS)).isTrue();

      JsonObject created = new JsonObject(output);
      assertThat(created.getString("path")).isEqualTo("forms/live/form.bin");
      assertPublishedOnceByTheAttemptThatCrossedLive(created, upload, "forms/live/form.bin");
      assertThat(nodes.get("edge").output())
          .as("the edge tells the file's length, not the form's")
          .anySatisfy(
              line ->
                  assertThat(line)
                      .contains("published as forms/live/form.bin by relay node")
                      .contains("(" + Files.size(upload) + " bytes,"));
    } finally {
      curl.destroy();
    }
    assertNothingStray();
  }

  /**
   * The upload answered {@code created} is {@code file} byte for byte at {@code remote}, published
   * once, by its first attempt: the one that crossed while the body arrived, not a later one from
   * the spool.
   */
  private void assertPublishedOnceByTheAttemptThatCrossedLive(
      JsonObject created, Path file, String remote) throws Exception {
    assertThat(created.getString("sha256")).isEqualTo(TestFiles.sha256(file));
    assertThat(TestFiles.sha256(ftp.root().resolve(remote))).isEqualTo(TestFiles.sha256(file));
    assertThat(ftp.renamesTo(remote)).as("published once").isEqualTo(1);
    JsonObject status =
        edge()
            .awaitJson(
                "/transfers/" + created.getString("id"),
                t -> t.getString("state").equals("delivered"),
                Duration.ofSeconds(10));
    assertThat(status.getInteger("attempts")).as("the first attempt published it").isEqualTo(1);
  }

  /**
   * Sends the head of a {@code PUT} and the first part of its body, then waits until the relay node
   * writes more than 1 MiB of it to the FTP server: while the rest is still to come.
   */
  private void sendFirstPartUntilTheRelayNodeStores(
      RawHttp raw, String path, String extraHeaders, byte[] body) throws Exception {
    raw.send(livePut(path, extraHeaders)).send(slice(body, 0, LIVE_FIRST_PART));
    Poll.until(
        "the relay node's STOR, while the body still arrives at the edge",
        Duration.ofSeconds(30),
        this::temporaryBytes,
        bytes -> bytes > TestFiles.MiB);
  }

  /** Bytes in the FTP server's temporary files now. */
  private long temporaryBytes() {
    return ftp.temporaryFiles().stream()
        .mapToLong(
            f -> {
              try {
                return Files.size(ftp.root().resolve(f));
              } catch (java.io.IOException gone) {
                return 0;
              }
            })
        .sum();
  }

  private static String livePut(String path, String extraHeaders) {
    return "PUT "
        + path
        + " HTTP/1.1\r\nHost: x\r\nContent-Length: "
        + LIVE_BYTES
        + "\r\n"
        + extraHeaders
        + "\r\n";
  }

  private static byte[] slice(byte[] body, int from, int to) {
    return java.util.Arrays.copyOfRange(body, from, to);
  }

  private int edgePort() {
    return configs.get("edge").getJsonObject("http").getInteger("port");
  }

  private void assertDelivered(String id, Path file, String remote) throws Exception {
    JsonObject done =
        edge()
            .awaitJson(
                "/transfers/" + id,
                t -> t.getString("state").matches("delivered|failed"),
                Duration.ofSeconds(120));
    assertThat(done.getString("state")).as(done.encode()).isEqualTo("delivered");
    assertThat(TestFiles.sha256(ftp.root().resolve(remote))).isEqualTo(TestFiles.sha256(file));
    assertThat(ftp.renamesTo(remote)).as("published once").isEqualTo(1);
  }

  private void assertDeliveredOnce(String id, Path file, String remote) throws Exception {
    assertDelivered(id, file, remote);
    assertNothingStray();
  }

  /** No temporary file on the FTP server, no body left in the edge's spool. */
  private void assertNothingStray() throws Exception {
    ftp.awaitNoTemporaryFile(Duration.ofSeconds(30));
    Path spool = dir.resolve("edge").resolve("spool");
    for (int i = 0; i < 100 && !TestFiles.filesUnder(spool).isEmpty(); i++) {
      Thread.sleep(50);
    }
    assertThat(TestFiles.filesUnder(spool)).as("edge spool").isEmpty();
  }

  private static void assertRefused(HttpResponse<byte[]> response, int status, String error) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonObject body =
        new JsonObject(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
    assertThat(body.getString("error")).isEqualTo(error);
    assertThat(body.getString("message")).isNotBlank();
    assertThat(response.body().length).as("no byte of the body").isLessThan(1024);
  }

  private HttpResponse<byte[]> read(String id, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + streamPort + BodyStreams.path(id)))
            .timeout(Duration.ofSeconds(30));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return reader.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private void start(String name) {
    try {
      GatewayProcess process =
          GatewayProcess.startClustered(
              configs.get(name),
              dir.resolve(name + ".json"),
              hazelcast,
              name.startsWith("relay") ? SMALL_HEAP : List.of());
      nodes.put(name, process);
      nodeIds.put(
          name,
          process.output().stream()
              .map(NODE_LINE::matcher)
              .filter(Matcher::find)
              .map(m -> m.group(1))
              .findFirst()
              .orElseThrow());
    } catch (Exception e) {
      throw new IllegalStateException("cannot start " + name, e);
    }
  }

  /** The relay node the edge says reads {@code id}, other than {@code not}. */
  private String relayPulling(String id, String not) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      for (String line : nodes.get("edge").output()) {
        if (line.contains("Transfer " + id) && line.contains("is pulled by relay node")) {
          for (Map.Entry<String, String> node : nodeIds.entrySet()) {
            if (line.endsWith(node.getValue()) && !node.getKey().equals(not)) {
              return node.getKey();
            }
          }
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the edge never said which relay reads " + id + " (not " + not + ")");
  }

  private Http edge() {
    return new Http(configs.get("edge").getJsonObject("http").getInteger("port"));
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
