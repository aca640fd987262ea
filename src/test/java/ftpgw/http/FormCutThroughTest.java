package ftpgw.http;

import static ftpgw.http.BadUploadsTest.assertError;
import static ftpgw.testing.TestFiles.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.Curl;
import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Poll;
import ftpgw.testing.RawHttp;
import ftpgw.testing.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's form is relayed to the FTP server while it arrives, as a {@code PUT} is, although its
 * file's path and length are known only once the form was read whole: whatever follows the file
 * (its folder field, other fields, an epilogue), what lands is the file byte for byte at the path
 * the form named, and a form refused after its file reached the FTP server leaves nothing there.
 */
@ExtendWith(VertxExtension.class)
class FormCutThroughTest {
  private static final HttpClient http = HttpClient.newHttpClient();
  private static final String BOUNDARY = "----formcut7MA4YWxkTrZu0gW";
  private static final int SIZE = 8 << 20;
  private static final int FIRST_PART = 6 << 20;

  @TempDir Path dir;
  private GatewayUnderTest gateway;
  private byte[] file;

  @BeforeEach
  void startGateway(Vertx vertx) {
    gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    file = new byte[SIZE];
    new Random(7).nextBytes(file);
  }

  @AfterEach
  void nothingStrayRemains() throws Exception {
    assertThat(Poll.settle(Duration.ofSeconds(10), gateway::strayFiles, List::isEmpty)).isEmpty();
    assertThat(gateway.lentChunksAfterAMoment()).isZero();
  }

  @Test
  void aCurlFormReachesTheFtpServerWhileCurlStillSendsIt() throws Exception {
    Path upload = TestFiles.random(dir, "slow.bin", 24 * MiB + 5);
    Process curl = Curl.postFormSlowly(gateway.url("/upload"), upload, "forms/live", "4M");
    try {
      Path part = awaitLivePart(2 << 20);
      assertThat(curl.isAlive()).as("curl still sends the form").isTrue();
      assertThat(part.getParent()).as("the folder field is not read yet").isEqualTo(ftpRoot());
      String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(curl.waitFor(120, TimeUnit.SECONDS)).isTrue();
      JsonObject created = new JsonObject(output);
      assertThat(created.getString("path")).isEqualTo("forms/live/slow.bin");
      assertThat(created.getString("sha256")).isEqualTo(TestFiles.sha256(upload));
      assertThat(TestFiles.sha256(ftpRoot().resolve("forms/live/slow.bin")))
          .isEqualTo(TestFiles.sha256(upload));
      assertThat(TestFiles.filesUnder(ftpRoot())).containsExactly("forms/live/slow.bin");
      JsonObject status = getJson("/transfers/" + created.getString("id"));
      assertThat(status.getString("state")).isEqualTo("delivered");
      assertThat(status.getInteger("attempts")).as("published by the live attempt").isEqualTo(1);
    } finally {
      curl.destroy();
    }
  }

  @Test
  void aFormWithBytesBeforeAndAfterItsFileLandsByteExactWhereItsFieldSays() throws Exception {
    byte[] head =
        ascii(
            "a preamble, which is to be ignored\r\n--"
                + BOUNDARY
                + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"around.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n");
    byte[] tail =
        ascii(
            "\r\n--"
                + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\nafter/the/file"
                + "\r\n--"
                + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n"
                + "x".repeat(5000)
                + "\r\n--"
                + BOUNDARY
                + "--\r\nan epilogue, ignored too\r\n");
    RawHttp.Response response = sendLive(head, tail, "");

    assertThat(response.status()).as(response.body()).isEqualTo(201);
    assertThat(response.body()).isEqualTo(UploadHandler.SEED_SUCCESS_LINE + "\n");
    assertThat(TestFiles.filesUnder(ftpRoot())).containsExactly("after/the/file/around.bin");
    assertThat(TestFiles.sha256(ftpRoot().resolve("after/the/file/around.bin")))
        .isEqualTo(sha256(file));
  }

  @Test
  void aFormWhoseFolderFieldAfterTheFileClimbsOutIsRefusedAndNothingIsPublished() throws Exception {
    byte[] tail =
        ascii(
            "\r\n--"
                + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\n../outside"
                + "\r\n--"
                + BOUNDARY
                + "--\r\n");
    RawHttp.Response response = sendLive(fileHead("climb.bin"), tail, "");

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(new JsonObject(response.body()).getString("error")).isNotBlank();
    awaitGone();
    assertThat(TestFiles.filesUnder(ftpRoot())).isEmpty();
  }

  @Test
  void aFormWithASecondFileAfterTheFirstIsRefusedAndNothingIsPublished() throws Exception {
    byte[] tail =
        ascii(
            "\r\n--"
                + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.bin\"\r\n\r\n"
                + "second"
                + "\r\n--"
                + BOUNDARY
                + "--\r\n");
    RawHttp.Response response = sendLive(fileHead("a.bin"), tail, "");

    assertError(response.status(), response.body(), 400, "BAD_REQUEST");
    awaitGone();
    assertThat(TestFiles.filesUnder(ftpRoot())).isEmpty();
  }

  @Test
  void aFormWithAWrongDigestIsRefusedAndNeverPublished() throws Exception {
    String wrong = TestFiles.reprDigest(sha256("something else".getBytes(StandardCharsets.UTF_8)));
    RawHttp.Response response =
        sendLive(
            fileHead("digest.bin"),
            ascii("\r\n--" + BOUNDARY + "--\r\n"),
            "Repr-Digest: " + wrong + "\r\n");

    assertError(response.status(), response.body(), 400, "DIGEST_MISMATCH");
    awaitGone();
    assertThat(TestFiles.filesUnder(ftpRoot())).isEmpty();
  }

  @Test
  void aFormThatBreaksOffMidFileLeavesNothingAnywhere() throws Exception {
    byte[] head = fileHead("cut.bin");
    byte[] tail = ascii("\r\n--" + BOUNDARY + "--\r\n");
    try (RawHttp raw = new RawHttp(gateway.httpPort())) {
      raw.send(requestHead(head.length + SIZE + tail.length, ""))
          .send(head)
          .send(slice(0, FIRST_PART));
      awaitLivePart(1 << 20);
    }
    awaitGone();
    assertThat(TestFiles.filesUnder(ftpRoot())).isEmpty();
  }

  /**
   * Sends the form's head and the file's first bytes, waits until the FTP server holds some, then
   * sends the rest; returns the answer.
   */
  private RawHttp.Response sendLive(byte[] head, byte[] tail, String extraHeaders)
      throws Exception {
    try (RawHttp raw = new RawHttp(gateway.httpPort())) {
      raw.send(requestHead(head.length + SIZE + tail.length, extraHeaders))
          .send(head)
          .send(slice(0, FIRST_PART));
      awaitLivePart(1 << 20);
      return raw.send(slice(FIRST_PART, SIZE)).send(tail).read();
    }
  }

  private static String requestHead(long length, String extraHeaders) {
    return "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary="
        + BOUNDARY
        + "\r\nContent-Length: "
        + length
        + "\r\n"
        + extraHeaders
        + "\r\n";
  }

  private static byte[] fileHead(String name) {
    return ascii(
        "--"
            + BOUNDARY
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
            + name
            + "\"\r\n\r\n");
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  private byte[] slice(int from, int to) {
    ByteArrayOutputStream part = new ByteArrayOutputStream(to - from);
    part.write(file, from, to - from);
    return part.toByteArray();
  }

  private Path ftpRoot() {
    return gateway.ftpRoot();
  }

  /** The relay's temporary file of a live attempt, once it holds more than {@code bytes}. */
  private Path awaitLivePart(long bytes) throws InterruptedException {
    return Poll.until(
            "a live temporary file of more than " + bytes + " bytes on the FTP server",
            Duration.ofSeconds(30),
            () -> livePart().filter(p -> sizeOf(p) > bytes),
            Optional::isPresent)
        .get();
  }

  private void awaitGone() throws InterruptedException {
    Poll.settle(Duration.ofSeconds(20), this::livePart, Optional::isEmpty);
  }

  private Optional<Path> livePart() {
    try (Stream<Path> files = Files.walk(ftpRoot())) {
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
