package ftpgw.http;

import static ftpgw.http.BadUploadsTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Poll;
import ftpgw.testing.RawHttp;
import ftpgw.testing.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large synchronous upload is relayed while its body still arrives, and the FTP side never shows
 * a body the client was refused.
 */
@ExtendWith(VertxExtension.class)
class CutThroughTest {
  private static final HttpClient http = HttpClient.newHttpClient();
  private static final int SIZE = 8 << 20;
  private static final int FIRST_PART = 6 << 20;

  @TempDir Path dir;
  private GatewayUnderTest gateway;
  private byte[] body;

  @BeforeEach
  void startGateway(Vertx vertx) {
    gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    body = new byte[SIZE];
    new Random(42).nextBytes(body);
  }

  @AfterEach
  void nothingStrayRemains() throws InterruptedException {
    assertThat(Poll.settle(Duration.ofSeconds(10), gateway::strayFiles, List::isEmpty)).isEmpty();
  }

  @Test
  void aLargeUploadReachesTheFtpServerWhileItsBodyStillArrives() throws Exception {
    try (RawHttp raw = new RawHttp(gateway.httpPort())) {
      raw.send(head("/files/big/live.bin", "")).send(slice(0, FIRST_PART));

      Path part = awaitLivePart(1 << 20);
      assertThat(Files.size(part))
          .as("bytes on the FTP server before the body ended")
          .isGreaterThan(1 << 20);

      RawHttp.Response response = raw.send(slice(FIRST_PART, SIZE)).read();
      assertThat(response.status()).as(response.body()).isEqualTo(201);
      JsonObject created = new JsonObject(response.body());
      assertThat(created.getString("sha256")).isEqualTo(sha256(body));
      assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("big/live.bin")))
          .isEqualTo(sha256(body));

      JsonObject status = getJson("/transfers/" + created.getString("id"));
      assertThat(status.getString("state")).isEqualTo("delivered");
      assertThat(status.getInteger("attempts")).isEqualTo(1);
    }
  }

  @Test
  void aLiveUploadThatBreaksOffLeavesNothingOnTheFtpServer() throws Exception {
    try (ftpgw.testing.LogCapture logs = ftpgw.testing.LogCapture.start()) {
      try (RawHttp raw = new RawHttp(gateway.httpPort())) {
        raw.send(head("/files/cut/live.bin", "")).send(slice(0, FIRST_PART));
        awaitLivePart(1 << 20);
      }
      awaitGone();
      assertThat(TestFiles.filesUnder(gateway.ftpRoot())).isEmpty();
      // the client broke off: not the FTP server's fault, and logged as what it was
      Poll.settle(
          Duration.ofSeconds(10),
          logs::lines,
          lines ->
              lines.stream()
                  .anyMatch(
                      line -> line.contains("FtpRelayVerticle") && line.contains(" failed (")));
      assertThat(logs.lines()).noneMatch(line -> line.contains("FTP_UNREACHABLE"));
      assertThat(logs.lines()).anyMatch(line -> line.contains("failed (CLIENT_ABORTED)"));
      assertThat(logs.lines())
          .anyMatch(
              line ->
                  line.contains("ftpgw.access")
                      && line.contains("path=\"cut/live.bin\"")
                      && line.contains("outcome=CLIENT_"));
    }
  }

  @Test
  void aLiveUploadWithAWrongDigestIsRefusedAndNeverPublished() throws Exception {
    String wrong = TestFiles.reprDigest(sha256("something else".getBytes()));
    try (RawHttp raw = new RawHttp(gateway.httpPort())) {
      raw.send(head("/files/wrong/live.bin", "Repr-Digest: " + wrong + "\r\n"))
          .send(slice(0, FIRST_PART));
      awaitLivePart(1 << 20);

      RawHttp.Response response = raw.send(slice(FIRST_PART, SIZE)).read();

      assertError(response.status(), response.body(), 400, "DIGEST_MISMATCH");
    }
    assertThat(TestFiles.filesUnder(gateway.ftpRoot())).isEmpty();
  }

  private static String head(String path, String extraHeaders) {
    return "PUT "
        + path
        + " HTTP/1.1\r\nHost: x\r\nContent-Length: "
        + SIZE
        + "\r\n"
        + extraHeaders
        + "\r\n";
  }

  private byte[] slice(int from, int to) {
    byte[] part = new byte[to - from];
    System.arraycopy(body, from, part, 0, part.length);
    return part;
  }

  /** The relay's temporary file of a live attempt, once it holds more than {@code bytes}. */
  private Path awaitLivePart(long bytes) throws InterruptedException {
    return Poll.until(
            "a live temporary file of more than " + bytes + " bytes on the FTP server",
            Duration.ofSeconds(20),
            () -> livePart().filter(p -> sizeOf(p) > bytes),
            Optional::isPresent)
        .get();
  }

  private void awaitGone() throws InterruptedException {
    Poll.settle(Duration.ofSeconds(20), this::livePart, Optional::isEmpty);
  }

  private Optional<Path> livePart() {
    try (Stream<Path> files = Files.walk(gateway.ftpRoot())) {
      return files
          .filter(p -> p.getFileName().toString().matches("\\.ftpgw-.*\\.part"))
          .findFirst();
    } catch (IOException e) {
      return Optional.empty(); // a folder vanished while walking: look again
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  private JsonObject getJson(String path) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(gateway.url(path))).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
