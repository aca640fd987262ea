package ftpgw.http;

import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.RawHttp;
import ftpgw.testing.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

import static ftpgw.http.BadUploadsTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A large synchronous upload is relayed while its body still arrives, and the FTP side never shows a body the
 * client was refused.
 */
@ExtendWith(VertxExtension.class)
class CutThroughTest {
  private static final HttpClient http = HttpClient.newHttpClient();
  private static final int SIZE = 8 << 20;
  private static final int FIRST_PART = 6 << 20;

  @TempDir
  Path dir;
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
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (!gateway.strayFiles().isEmpty() && Instant.now().isBefore(deadline)) {
      Thread.sleep(20);
    }
    assertThat(gateway.strayFiles()).isEmpty();
  }

  @Test
  void aLargeUploadReachesTheFtpServerWhileItsBodyStillArrives() throws Exception {
    try (RawHttp raw = new RawHttp(gateway.httpPort())) {
      raw.send(head("/files/big/live.bin", "")).send(slice(0, FIRST_PART));

      Path part = awaitLivePart(1 << 20);
      assertThat(Files.size(part)).as("bytes on the FTP server before the body ended").isGreaterThan(1 << 20);

      RawHttp.Response response = raw.send(slice(FIRST_PART, SIZE)).read();
      assertThat(response.status()).as(response.body()).isEqualTo(201);
      JsonObject created = new JsonObject(response.body());
      assertThat(created.getString("sha256")).isEqualTo(sha256(body));
      assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("big/live.bin"))).isEqualTo(sha256(body));

      JsonObject status = getJson("/transfers/" + created.getString("id"));
      assertThat(status.getString("state")).isEqualTo("delivered");
      assertThat(status.getInteger("attempts")).isEqualTo(1);
    }
  }

  @Test
  void aLiveUploadThatBreaksOffLeavesNothingOnTheFtpServer() throws Exception {
    try (RawHttp raw = new RawHttp(gateway.httpPort())) {
      raw.send(head("/files/cut/live.bin", "")).send(slice(0, FIRST_PART));
      awaitLivePart(1 << 20);
    }
    awaitGone();
    assertThat(TestFiles.filesUnder(gateway.ftpRoot())).isEmpty();
  }

  @Test
  void aLiveUploadWithAWrongDigestIsRefusedAndNeverPublished() throws Exception {
    String wrong = TestFiles.reprDigest(sha256("something else".getBytes()));
    try (RawHttp raw = new RawHttp(gateway.httpPort())) {
      raw.send(head("/files/wrong/live.bin", "Repr-Digest: " + wrong + "\r\n")).send(slice(0, FIRST_PART));
      awaitLivePart(1 << 20);

      RawHttp.Response response = raw.send(slice(FIRST_PART, SIZE)).read();

      assertError(response.status(), response.body(), 400, "DIGEST_MISMATCH");
    }
    assertThat(TestFiles.filesUnder(gateway.ftpRoot())).isEmpty();
  }

  private static String head(String path, String extraHeaders) {
    return "PUT " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + SIZE + "\r\n" + extraHeaders + "\r\n";
  }

  private byte[] slice(int from, int to) {
    byte[] part = new byte[to - from];
    System.arraycopy(body, from, part, 0, part.length);
    return part;
  }

  /** The relay's temporary file of a live attempt, once it holds more than {@code bytes}. */
  private Path awaitLivePart(long bytes) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (Instant.now().isBefore(deadline)) {
      Optional<Path> part = livePart().filter(p -> sizeOf(p) > bytes);
      if (part.isPresent()) {
        return part.get();
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no live temporary file on the FTP server: " + TestFiles.filesUnder(gateway.ftpRoot()));
  }

  private void awaitGone() throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (livePart().isPresent() && Instant.now().isBefore(deadline)) {
      Thread.sleep(20);
    }
  }

  private Optional<Path> livePart() {
    try (Stream<Path> files = Files.walk(gateway.ftpRoot())) {
      return files.filter(p -> p.getFileName().toString().matches("\\.ftpgw-.*\\.part")).findFirst();
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
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(gateway.url(path))).build(),
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
