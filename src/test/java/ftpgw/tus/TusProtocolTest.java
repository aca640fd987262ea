package ftpgw.tus;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Http;
import ftpgw.testing.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tus 1.0.0 rules at /tus/, request by request, against the real gateway and its embedded FTP
 * server.
 */
@ExtendWith(VertxExtension.class)
class TusProtocolTest {
  private static final int MiB = 1 << 20;

  @TempDir Path dir;
  private GatewayUnderTest gateway;
  private TusRequests tus;

  @BeforeEach
  void start(Vertx vertx) {
    gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject()
                .put("http", new JsonObject().put("maxUploadBytes", 16 * MiB))
                .put("spool", new JsonObject().put("maxBytes", 20 * MiB))
                .put(
                    "tus",
                    new JsonObject()
                        .put(
                            "allowedOrigins",
                            new io.vertx.core.json.JsonArray().add("http://page.test"))));
    tus = new TusRequests(gateway.httpPort());
  }

  @Test
  void optionsTellsTheVersionExtensionsLimitAndChecksums() throws Exception {
    HttpResponse<String> options = tus.options();
    assertThat(options.statusCode()).isEqualTo(204);
    assertThat(options.headers().firstValue("Tus-Version")).hasValue("1.0.0");
    assertThat(options.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");
    assertThat(options.headers().firstValue("Tus-Max-Size")).hasValue(String.valueOf(16 * MiB));
    assertThat(options.headers().firstValue("Tus-Extension").orElseThrow().split(","))
        .containsExactlyInAnyOrder(
            "creation",
            "creation-with-upload",
            "creation-defer-length",
            "termination",
            "checksum",
            "expiration",
            "concatenation");
    assertThat(options.headers().firstValue("Tus-Checksum-Algorithm")).hasValue("sha256,sha1,md5");
  }

  @Test
  void anUploadInTwoPatchesIsDeliveredWithItsSha256() throws Exception {
    byte[] file = bytes(3 * MiB + 17);
    HttpResponse<String> created =
        tus.create(file.length, TusRequests.metadata("filename", "big.bin", "folder", "in/here"));
    assertThat(created.statusCode()).isEqualTo(201);
    String location = created.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith("http://127.0.0.1:" + gateway.httpPort() + "/tus/");
    assertThat(created.headers().firstValue("Upload-Expires")).isPresent();
    assertThat(tus.head(location).headers().firstValue("Upload-Offset")).hasValue("0");

    HttpResponse<String> first = tus.patch(location, 0, Arrays.copyOf(file, MiB));
    assertThat(first.statusCode()).isEqualTo(204);
    assertThat(first.headers().firstValue("Upload-Offset")).hasValue(String.valueOf(MiB));
    HttpResponse<String> head = tus.head(location);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Upload-Offset")).hasValue(String.valueOf(MiB));
    assertThat(head.headers().firstValue("Upload-Length")).hasValue(String.valueOf(file.length));
    assertThat(head.headers().firstValue("Cache-Control")).hasValue("no-store");

    HttpResponse<String> last =
        tus.patch(location, MiB, Arrays.copyOfRange(file, MiB, file.length));
    assertThat(last.statusCode()).isEqualTo(204);
    assertThat(last.headers().firstValue("Upload-Offset")).hasValue(String.valueOf(file.length));
    assertThat(last.headers().firstValue("Ftpgw-Transfer-State")).hasValue("delivered");
    String sha256 = sha256(file);
    assertThat(last.headers().firstValue("Repr-Digest")).hasValue(TestFiles.reprDigest(sha256));
    assertThat(Files.readAllBytes(gateway.ftpRoot().resolve("in/here/big.bin"))).isEqualTo(file);

    String id = location.substring(location.lastIndexOf('/') + 1);
    JsonObject transfer =
        new JsonObject(new Http(gateway.httpPort()).get("/transfers/" + id).body());
    assertThat(transfer.getString("state")).isEqualTo("delivered");
    assertThat(transfer.getString("sha256")).isEqualTo(sha256);
    assertThat(transfer.getString("path")).isEqualTo("in/here/big.bin");
    // a completed upload still answers HEAD (a client that lost the last answer learns it is done)
    assertThat(tus.head(location).headers().firstValue("Upload-Offset"))
        .hasValue(String.valueOf(file.length));
    assertThat(tus.patch(location, file.length, new byte[0]).statusCode()).isEqualTo(204);
    assertNothingStray();
  }

  @Test
  void refusalsNameTheRuleAndChangeNothing() throws Exception {
    HttpResponse<String> noVersion =
        tus.send(
            "POST",
            "/tus/",
            null,
            false,
            "Upload-Length",
            "5",
            "Upload-Metadata",
            TusRequests.metadata("filename", "a.bin"));
    assertError(noVersion, 412, "UNSUPPORTED_VERSION");
    assertThat(noVersion.headers().firstValue("Tus-Version")).hasValue("1.0.0");
    assertError(tus.create(5, TusRequests.metadata("filename", "../a.bin")), 400, "BAD_PATH");
    assertError(
        tus.create(5, TusRequests.metadata("name", "a.bin", "folder", "/etc")), 400, "BAD_PATH");
    assertError(tus.create(5, TusRequests.metadata("folder", "x")), 400, "BAD_PATH");
    assertError(tus.create(5, "filename !!notbase64"), 400, "BAD_REQUEST");
    assertError(tus.create(17 * MiB, TusRequests.metadata("filename", "a.bin")), 413, "TOO_LARGE");
    assertError(
        tus.send(
            "POST", "/tus/", null, true, "Upload-Metadata", TusRequests.metadata("filename", "a")),
        400,
        "BAD_REQUEST");
    assertThat(TestFiles.filesUnder(gateway.spoolDir())).isEmpty();

    String location = created(10, "name", "a.bin");
    assertError(tus.patch(location, 3, new byte[2]), 409, "CONFLICT");
    assertError(
        tus.send(
            "PATCH",
            pathOf(location),
            new byte[2],
            true,
            "Upload-Offset",
            "0",
            "Content-Type",
            "application/octet-stream"),
        415,
        "UNSUPPORTED_MEDIA_TYPE");
    assertError(tus.patch(location, 0, new byte[11]), 413, "TOO_LARGE");
    assertError(tus.head(pathOf(location) + "x"), 404, null);
    assertThat(tus.head(location).headers().firstValue("Upload-Offset")).hasValue("0");
    assertThat(tus.delete(location).statusCode()).isEqualTo(204);
    assertNothingStray();
  }

  @Test
  void aChunkWhoseChecksumDiffersIsDroppedWith460() throws Exception {
    byte[] file = bytes(300_000);
    String location = created(file.length, "filename", "sum.bin");
    byte[] one = Arrays.copyOf(file, 100_000);
    byte[] two = Arrays.copyOfRange(file, 100_000, 200_000);
    byte[] three = Arrays.copyOfRange(file, 200_000, file.length);
    assertThat(
            tus.patch(
                    location, 0, one, "Upload-Checksum", TusRequests.checksum("sha1", "SHA-1", one))
                .statusCode())
        .isEqualTo(204);
    HttpResponse<String> wrong =
        tus.patch(
            location, 100_000, two, "Upload-Checksum", TusRequests.checksum("md5", "MD5", one));
    assertError(wrong, 460, "CHECKSUM_MISMATCH");
    assertThat(tus.head(location).headers().firstValue("Upload-Offset")).hasValue("100000");
    assertError(
        tus.patch(location, 100_000, two, "Upload-Checksum", "crc32 AAAA"), 400, "BAD_DIGEST");
    assertThat(
            tus.patch(
                    location,
                    100_000,
                    two,
                    "Upload-Checksum",
                    TusRequests.checksum("md5", "MD5", two))
                .statusCode())
        .isEqualTo(204);
    HttpResponse<String> last =
        tus.patch(
            location,
            200_000,
            three,
            "Upload-Checksum",
            TusRequests.checksum("sha256", "SHA-256", three));
    assertThat(last.statusCode()).isEqualTo(204);
    assertThat(Files.readAllBytes(gateway.ftpRoot().resolve("sum.bin"))).isEqualTo(file);
    assertNothingStray();
  }

  @Test
  void deferredLengthAndCreationWithUpload() throws Exception {
    byte[] file = bytes(200_000);
    HttpResponse<String> deferred =
        tus.send(
            "POST",
            "/tus/",
            null,
            true,
            "Upload-Defer-Length",
            "1",
            "Upload-Metadata",
            TusRequests.metadata("filename", "later.bin"));
    assertThat(deferred.statusCode()).isEqualTo(201);
    String location = deferred.headers().firstValue("Location").orElseThrow();
    assertThat(tus.head(location).headers().firstValue("Upload-Defer-Length")).hasValue("1");
    assertThat(tus.patch(location, 0, Arrays.copyOf(file, 50_000)).statusCode()).isEqualTo(204);
    HttpResponse<String> last =
        tus.patch(
            location,
            50_000,
            Arrays.copyOfRange(file, 50_000, file.length),
            "Upload-Length",
            String.valueOf(file.length));
    assertThat(last.statusCode()).isEqualTo(204);
    assertThat(Files.readAllBytes(gateway.ftpRoot().resolve("later.bin"))).isEqualTo(file);

    HttpResponse<String> withBody =
        tus.send(
            "POST",
            "/tus/",
            file,
            true,
            "Upload-Length",
            String.valueOf(file.length),
            "Upload-Metadata",
            TusRequests.metadata("filename", "at-once.bin"),
            "Content-Type",
            "application/offset+octet-stream");
    assertThat(withBody.statusCode()).isEqualTo(201);
    assertThat(withBody.headers().firstValue("Upload-Offset"))
        .hasValue(String.valueOf(file.length));
    assertThat(Files.readAllBytes(gateway.ftpRoot().resolve("at-once.bin"))).isEqualTo(file);
    assertNothingStray();
  }

  @Test
  void anEmptyFileIsDeliveredWhenItIsCreated() throws Exception {
    HttpResponse<String> created = tus.create(0, TusRequests.metadata("filename", "empty.txt"));
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().firstValue("Upload-Offset")).hasValue("0");
    assertThat(created.headers().firstValue("Ftpgw-Transfer")).isPresent();
    assertThat(gateway.ftpRoot().resolve("empty.txt")).exists().isEmptyFile();
    assertNothingStray();
  }

  @Test
  void theDeclaredLengthIsReservedAndTerminationGivesItBack() throws Exception {
    String first = created(12 * MiB, "filename", "a.bin");
    assertThat(tus.patch(first, 0, bytes(MiB)).statusCode()).isEqualTo(204);
    // 12 MiB of the 20 MiB spool are promised to the first upload, though only 1 MiB has arrived
    assertError(tus.create(12 * MiB, TusRequests.metadata("filename", "b.bin")), 503, "SPOOL_FULL");
    assertThat(tus.delete(first).statusCode()).isEqualTo(204);
    assertError(tus.head(first), 404, null);
    JsonObject cancelled =
        new JsonObject(new Http(gateway.httpPort()).get("/transfers/" + idOf(first)).body());
    assertThat(cancelled.getString("state")).isEqualTo("cancelled");
    String second = created(12 * MiB, "filename", "b.bin");
    assertThat(tus.delete(second).statusCode()).isEqualTo(204);
    assertNothingStray();
  }

  @Test
  void partialUploadsConcatenateIntoOneFile() throws Exception {
    byte[] a = bytes(150_000);
    byte[] b = bytes(70_001);
    String partA =
        tus.create(a.length, null, "Upload-Concat", "partial")
            .headers()
            .firstValue("Location")
            .orElseThrow();
    String partB =
        tus.create(b.length, null, "Upload-Concat", "partial")
            .headers()
            .firstValue("Location")
            .orElseThrow();
    assertThat(tus.patch(partB, 0, b).statusCode()).isEqualTo(204);
    assertError(
        tus.send(
            "POST",
            "/tus/",
            null,
            true,
            "Upload-Concat",
            "final;" + pathOf(partA) + " " + pathOf(partB),
            "Upload-Metadata",
            TusRequests.metadata("filename", "joined.bin")),
        400,
        "BAD_REQUEST");
    assertThat(tus.patch(partA, 0, a).statusCode()).isEqualTo(204);
    assertThat(gateway.ftpRoot().resolve("joined.bin")).doesNotExist();

    HttpResponse<String> joined =
        tus.send(
            "POST",
            "/tus/",
            null,
            true,
            "Upload-Concat",
            "final;" + partA + " " + pathOf(partB),
            "Upload-Metadata",
            TusRequests.metadata("filename", "joined.bin"));
    assertThat(joined.statusCode()).isEqualTo(201);
    byte[] whole = new byte[a.length + b.length];
    System.arraycopy(a, 0, whole, 0, a.length);
    System.arraycopy(b, 0, whole, a.length, b.length);
    assertThat(joined.headers().firstValue("Repr-Digest"))
        .hasValue(TestFiles.reprDigest(sha256(whole)));
    assertThat(Files.readAllBytes(gateway.ftpRoot().resolve("joined.bin"))).isEqualTo(whole);
    String finalUpload = joined.headers().firstValue("Location").orElseThrow();
    assertThat(tus.head(finalUpload).headers().firstValue("Upload-Concat").orElseThrow())
        .startsWith("final;/tus/");
    assertError(tus.patch(finalUpload, whole.length, new byte[1]), 403, "FORBIDDEN");
    assertError(tus.head(partA), 404, null);
    assertNothingStray();
  }

  @Test
  void browsersGetTheCorsHeadersTheyNeed() throws Exception {
    HttpResponse<String> preflight =
        tus.send(
            "OPTIONS",
            "/tus/",
            null,
            false,
            "Origin",
            "http://page.test",
            "Access-Control-Request-Method",
            "POST");
    assertThat(preflight.statusCode()).isEqualTo(204);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
        .hasValue("http://page.test");
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods").orElseThrow())
        .contains("PATCH");
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow())
        .contains("Upload-Offset", "Tus-Resumable", "Upload-Metadata");
    HttpResponse<String> created =
        tus.create(1, TusRequests.metadata("filename", "c.bin"), "Origin", "http://page.test");
    assertThat(created.headers().firstValue("Access-Control-Expose-Headers").orElseThrow())
        .contains("Location", "Upload-Offset", "Tus-Resumable");
    HttpResponse<String> stranger =
        tus.send(
            "OPTIONS",
            "/tus/",
            null,
            false,
            "Origin",
            "http://evil.test",
            "Access-Control-Request-Method",
            "POST");
    assertThat(stranger.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    assertThat(tus.delete(created.headers().firstValue("Location").orElseThrow()).statusCode())
        .isEqualTo(204);
  }

  private String created(long length, String... metadata) throws Exception {
    HttpResponse<String> created = tus.create(length, TusRequests.metadata(metadata));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return created.headers().firstValue("Location").orElseThrow();
  }

  /**
   * Status, JSON {error, message} (HEAD answers carry no body) and the Tus-Resumable every answer
   * has.
   */
  static void assertError(HttpResponse<String> response, int status, String error) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");
    if (error != null) {
      JsonObject body = new JsonObject(response.body());
      assertThat(body.getString("error")).isEqualTo(error);
      assertThat(body.getString("message")).isNotBlank();
    }
  }

  /**
   * Nothing but the small state of handed-over uploads (kept until they expire, for HEAD) may
   * remain.
   */
  private void assertNothingStray() throws InterruptedException {
    assertThat(strayFiles(gateway)).isEmpty();
    assertThat(TestFiles.filesUnder(gateway.spoolDir()).stream().filter(f -> f.endsWith(".info")))
        .allSatisfy(
            info ->
                assertThat(Files.readString(gateway.spoolDir().resolve(info)))
                    .contains("\"handedOver\":true"));
  }

  /**
   * What must not remain once uploads ended, polled for up to 5 s (the delivery drops a delivered
   * body right after it answers): the state of a handed-over upload stays, until it expires, for
   * HEAD.
   */
  static java.util.List<String> strayFiles(GatewayUnderTest gateway) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (true) {
      java.util.List<String> stray =
          gateway.strayFiles().stream().filter(f -> !f.matches("spool/tus/\\w+\\.info")).toList();
      if (stray.isEmpty() || System.nanoTime() > deadline) {
        return stray;
      }
      Thread.sleep(20);
    }
  }

  static String idOf(String location) {
    return location.substring(location.lastIndexOf('/') + 1);
  }

  private static String pathOf(String location) {
    return java.net.URI.create(location).getPath();
  }

  static byte[] bytes(int n) {
    byte[] bytes = new byte[n];
    new SplittableRandom(n).nextBytes(bytes);
    return bytes;
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of()
        .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
