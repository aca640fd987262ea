package ftpgw.testing;

import ftpgw.GatewayVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real gateway deployed in this JVM: HTTP on a free loopback port, spool and embedded FTP root in
 * a test folder. Config overrides are merged deeply over those defaults.
 */
public final class GatewayUnderTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private final GatewayVerticle verticle;
  private final Path spoolDir;
  private final Path ftpRoot;

  private GatewayUnderTest(GatewayVerticle verticle, Path spoolDir, Path ftpRoot) {
    this.verticle = verticle;
    this.spoolDir = spoolDir;
    this.ftpRoot = ftpRoot;
  }

  public static GatewayUnderTest start(Vertx vertx, Path dir) {
    return start(vertx, dir, new JsonObject());
  }

  public static GatewayUnderTest start(Vertx vertx, Path dir, JsonObject overrides) {
    Path spool = dir.resolve("spool");
    Path root = dir.resolve("ftp");
    JsonObject config =
        new JsonObject()
            .put("http", new JsonObject().put("port", 0))
            .put("spool", new JsonObject().put("dir", spool.toString()))
            .put(
                "ftpServer",
                new JsonObject()
                    .put("enabled", true)
                    .put("port", 0)
                    .put("root", root.toString())
                    .put("passivePorts", FreePorts.range(40)))
            .mergeIn(overrides, true);
    GatewayVerticle verticle = new GatewayVerticle();
    vertx.deployVerticle(verticle, new io.vertx.core.DeploymentOptions().setConfig(config)).await();
    return new GatewayUnderTest(verticle, spool, root);
  }

  /** Undeploys it (as a shutdown does): HTTP first, the FTP server last. */
  public void stop(Vertx vertx) {
    vertx.undeploy(verticle.deploymentID()).await();
  }

  public int httpPort() {
    return verticle.httpPort();
  }

  public int ftpPort() {
    return verticle.ftpPort();
  }

  public String url(String pathAndQuery) {
    return "http://127.0.0.1:" + httpPort() + pathAndQuery;
  }

  /**
   * One of the gateway's meters as {@code GET /metrics} shows it: its Prometheus name, without
   * labels.
   */
  public double meter(String name) throws IOException, InterruptedException {
    String metrics =
        HTTP.send(
                HttpRequest.newBuilder(URI.create(url("/metrics"))).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return metrics
        .lines()
        .filter(line -> line.startsWith(name + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.indexOf(' ') + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no meter " + name + " in /metrics"));
  }

  /**
   * Chunks of Netty's memory lent to uploads and not given back ({@code ftpgw_http_chunks_lent}),
   * once that is 0 or after 10 s: every upload, refused or not, must give all back.
   */
  public double lentChunksAfterAMoment() throws Exception {
    return Poll.settle(
        Duration.ofSeconds(10), () -> meter("ftpgw_http_chunks_lent"), lent -> lent == 0);
  }

  public Path ftpRoot() {
    return ftpRoot;
  }

  public Path spoolDir() {
    return spoolDir;
  }

  /**
   * {@link #strayFiles()} once it is empty, or what is still there after 5 s: the delivery drops a
   * delivered body right after it answers, so a body may outlive its 201 by a moment.
   */
  public List<String> strayFilesAfterAMoment() throws InterruptedException {
    return Poll.settle(Duration.ofSeconds(5), this::strayFiles, List::isEmpty);
  }

  /**
   * What must never remain after an upload ends: spool bodies, and temporary files on the FTP side.
   */
  public List<String> strayFiles() {
    List<String> spool = TestFiles.filesUnder(spoolDir).stream().map(f -> "spool/" + f).toList();
    List<String> partial =
        TestFiles.filesUnder(ftpRoot).stream()
            .filter(f -> Path.of(f).getFileName().toString().startsWith(".ftpgw-"))
            .map(f -> "ftp/" + f)
            .toList();
    return java.util.stream.Stream.concat(spool.stream(), partial.stream()).toList();
  }
}
