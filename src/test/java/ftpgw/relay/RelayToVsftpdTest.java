package ftpgw.relay;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.GatewayVerticle;
import ftpgw.testing.TestFiles;
import ftpgw.testing.VsftpdServer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.multipart.MultipartForm;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay publishes to a real third-party server: vsftpd 3 from Debian, started on a loopback
 * port.
 */
@ExtendWith(VertxExtension.class)
class RelayToVsftpdTest {
  private static final int MiB = 1 << 20;
  private static final long TIMEOUT_SECONDS = 60;

  private static VsftpdServer vsftpd;

  @TempDir Path spool;
  private WebClient client;
  private GatewayVerticle gateway;

  @BeforeAll
  static void startVsftpd() throws Exception {
    vsftpd = VsftpdServer.start();
  }

  @AfterAll
  static void stopVsftpd() {
    if (vsftpd != null) {
      vsftpd.close();
    }
  }

  @BeforeEach
  void createClient(Vertx vertx) {
    client = WebClient.create(vertx);
  }

  @AfterEach
  void nothingStrayRemains() throws IOException {
    assertThat(vsftpd.temporaryFiles()).as("temporary .ftpgw-*.part files on vsftpd").isEmpty();
    assertThat(spoolFiles()).as("spool files").isEmpty();
  }

  @Test
  void putOfEmptyOneByteAndMultiMebibyteBodiesLandsWithTheSameSha256(Vertx vertx) throws Exception {
    deploy(vertx, vsftpd.password());

    for (int size : new int[] {0, 1, 3 * MiB + 17}) {
      Buffer body = randomBody(size);
      String path = "sizes/" + size + ".bin";

      HttpResponse<Buffer> response = put(path, body);

      assertCreated(response, path, body);
    }
  }

  @Test
  void putCreatesEveryMissingFolderLevel(Vertx vertx) throws Exception {
    deploy(vertx, vsftpd.password());
    Buffer body = randomBody(64 * 1024);

    HttpResponse<Buffer> response = put("a/b/c/d/x.bin", body);

    assertCreated(response, "a/b/c/d/x.bin", body);
    assertThat(Files.isDirectory(vsftpd.root().resolve("a/b/c/d"))).isTrue();
  }

  @Test
  void putKeepsAUnicodeFileNameAndFolder(Vertx vertx) throws Exception {
    deploy(vertx, vsftpd.password());
    Buffer body = randomBody(4096);
    String path = "données/Grüße 日本語 ✓.bin";

    HttpResponse<Buffer> response = put(path, body);

    assertCreated(response, path, body);
  }

  @Test
  void aFolderRemovedBetweenUploadsIsCreatedAgain(Vertx vertx) throws Exception {
    deploy(vertx, vsftpd.password());
    Buffer first = randomBody(1000);
    Buffer second = randomBody(2000);
    assertCreated(put("gone/soon/first.bin", first), "gone/soon/first.bin", first);

    deleteRecursively(vsftpd.root().resolve("gone"));
    HttpResponse<Buffer> response = put("gone/soon/second.bin", second);

    assertCreated(response, "gone/soon/second.bin", second);
  }

  @Test
  void multipartPostLandsInTheFolderNamedByThePathField(Vertx vertx) throws Exception {
    deploy(vertx, vsftpd.password());
    Buffer body = randomBody(MiB + 5);
    MultipartForm form =
        MultipartForm.create()
            .attribute("path", "forms/in")
            .binaryFileUpload("file", "report.bin", body, "application/octet-stream");

    HttpResponse<Buffer> response =
        await(
            client
                .post(gateway.httpPort(), "127.0.0.1", "/upload")
                .putHeader("Accept", "application/json")
                .sendMultipartForm(form));

    assertCreated(response, "forms/in/report.bin", body);
  }

  @Test
  void concurrentPutsOverASmallPoolAllLand(Vertx vertx) throws Exception {
    deploy(vertx, vsftpd.password(), 2);
    List<Buffer> bodies =
        IntStream.range(0, 24).mapToObj(i -> randomBody(1000 + i * 4099)).toList();

    List<Future<HttpResponse<Buffer>>> uploads = new ArrayList<>();
    for (int i = 0; i < bodies.size(); i++) {
      uploads.add(
          client
              .put(gateway.httpPort(), "127.0.0.1", "/files/many/" + i + ".bin")
              .putHeader("Accept", "application/json")
              .sendBuffer(bodies.get(i)));
    }
    await(Future.all(uploads));

    for (int i = 0; i < bodies.size(); i++) {
      assertCreated(uploads.get(i).result(), "many/" + i + ".bin", bodies.get(i));
    }
  }

  @Test
  void wrongPasswordAnswers502WithVsftpdsRefusalAndPublishesNothing(Vertx vertx) throws Exception {
    deploy(vertx, "not-" + vsftpd.password());

    HttpResponse<Buffer> response = put("refused/x.bin", randomBody(1000));

    assertThat(response.statusCode()).isEqualTo(502);
    JsonObject error = response.bodyAsJsonObject();
    assertThat(error.getString("error")).isEqualTo("FTP_REFUSED");
    assertThat(error.getString("message"))
        .contains("530")
        .contains(vsftpd.user())
        .doesNotContain(vsftpd.password());
    assertThat(vsftpd.exists("refused/x.bin")).isFalse();
  }

  private void deploy(Vertx vertx, String password) {
    deploy(vertx, password, 4);
  }

  private void deploy(Vertx vertx, String password, int connections) {
    JsonObject target =
        new JsonObject()
            .put("host", vsftpd.host())
            .put("port", vsftpd.port())
            .put("user", vsftpd.user())
            .put("password", password);
    JsonObject config =
        new JsonObject()
            .put("http", new JsonObject().put("port", 0))
            .put("spool", new JsonObject().put("dir", spool.toString()))
            .put("ftpServer", new JsonObject().put("enabled", false))
            .put("relay", new JsonObject().put("target", target).put("connections", connections));
    gateway = new GatewayVerticle();
    await(vertx.deployVerticle(gateway, new DeploymentOptions().setConfig(config)));
  }

  private HttpResponse<Buffer> put(String path, Buffer body) {
    return await(
        client
            .put(gateway.httpPort(), "127.0.0.1", "/files/" + percentEncode(path))
            .putHeader("Accept", "application/json")
            .sendBuffer(body));
  }

  private static void assertCreated(HttpResponse<Buffer> response, String path, Buffer body)
      throws IOException {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
    JsonObject reply = response.bodyAsJsonObject();
    String sha256 = sha256(body);
    assertThat(reply.getString("path")).isEqualTo(path);
    assertThat(reply.getLong("bytes")).isEqualTo(body.length());
    assertThat(reply.getString("sha256")).isEqualTo(sha256);
    assertThat(vsftpd.sha256(path)).as("SHA-256 of %s as vsftpd serves it", path).isEqualTo(sha256);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  /** Files left in the spool (its empty folders, such as tus/, are no leftover). */
  private List<String> spoolFiles() {
    return TestFiles.filesUnder(spool);
  }

  /** Test threads may wait; event loops may not (the gateway runs on those). */
  private static <T> T await(Future<T> future) {
    try {
      return future.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer within " + TIMEOUT_SECONDS + " s", e);
    }
  }

  private static Buffer randomBody(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return Buffer.buffer(bytes);
  }

  /** RFC 3986 path encoding: every byte outside the unreserved set and '/' becomes %XX. */
  private static String percentEncode(String path) {
    StringBuilder out = new StringBuilder();
    for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c == '/'
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~'
          || (c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')) {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }

  private static String sha256(Buffer body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
