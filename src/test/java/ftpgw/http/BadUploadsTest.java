package ftpgw.http;

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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad input gets a precise 4xx with a JSON body naming the problem, and leaves nothing behind. */
@ExtendWith(VertxExtension.class)
class BadUploadsTest {
  private static final HttpClient http = HttpClient.newHttpClient();
  private static final long MAX_UPLOAD = 1024 * 1024;

  @TempDir Path dir;
  private GatewayUnderTest gateway;

  @BeforeEach
  void startGateway(Vertx vertx) {
    gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject()
                .put(
                    "http",
                    new JsonObject()
                        .put("maxUploadBytes", MAX_UPLOAD)
                        .put("idleTimeoutSeconds", 1)));
  }

  @AfterEach
  void nothingStrayRemainsAndTheGatewayStaysHealthy() throws Exception {
    // a body may outlive its answer by a moment (the delivery drops a delivered one right after
    // answering 201)
    assertThat(gateway.strayFilesAfterAMoment()).isEmpty();
    assertThat(gateway.lentChunksAfterAMoment())
        .as("chunks of tapped bodies not given back to Netty")
        .isZero();
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(URI.create(gateway.url("/health"))).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "dot-dot segment          | /files/a/../../etc/x",
        "encoded dot-dot          | /files/a/%2e%2e/x",
        "lone dot-dot             | /files/..",
        "dot segment              | /files/a/./x",
        "absolute path            | /files//etc/passwd",
        "empty segment            | /files/a//b",
        "trailing slash           | /files/a/b/",
        "backslash                | /files/a%5C..%5Cx",
        "NUL byte                 | /files/a%00b",
        "CR LF injection          | /files/a%0d%0aDELE%20x",
        "DEL character            | /files/a%7fb",
        "C1 control character     | /files/a%c2%85b",
        "malformed percent escape | /files/a%zzb",
        "truncated percent escape | /files/a%4",
        "invalid UTF-8            | /files/a%ff%fe",
        "lone surrogate (CESU)    | /files/a%ed%a0%80",
      })
  void aPathThatCouldEscapeOrBreakFtpIsRefused(String kind, String path) throws IOException {
    RawHttp.Response response = rawPut(path, "data");

    assertError(response.status(), response.body(), 400, "BAD_PATH");
    assertThat(TestFiles.filesUnder(gateway.ftpRoot())).isEmpty();
  }

  @Test
  void anOverlongSegmentIsRefused() throws IOException {
    RawHttp.Response response = rawPut("/files/" + "x".repeat(256), "data");

    assertError(response.status(), response.body(), 400, "BAD_PATH");
  }

  @Test
  void anOverlongPathIsRefused() throws IOException {
    RawHttp.Response response = rawPut("/files/" + "abcdefghi/".repeat(103) + "x", "data");

    assertError(response.status(), response.body(), 400, "BAD_PATH");
  }

  @Test
  void aBodyLargerThanTheLimitIsRefusedFromItsContentLengthBeforeItIsSent() throws IOException {
    try (RawHttp raw = new RawHttp(gateway.httpPort())) {
      RawHttp.Response response =
          raw.send(
                  "PUT /files/big.bin HTTP/1.1\r\nHost: x\r\nContent-Length: "
                      + (MAX_UPLOAD + 1)
                      + "\r\nExpect: 100-continue\r\n\r\n")
              .read();

      assertError(response.status(), response.body(), 413, "TOO_LARGE");
    }
  }

  @Test
  void aChunkedBodyIsCutOffWhenItCrossesTheLimit() throws IOException {
    try (RawHttp raw = new RawHttp(gateway.httpPort())) {
      raw.send("PUT /files/big.bin HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
      byte[] chunk = new byte[64 * 1024];
      String head = "%x\r\n".formatted(chunk.length);
      for (int i = 0; i < MAX_UPLOAD / chunk.length + 1; i++) {
        raw.send(head).send(chunk).send("\r\n");
      }
      RawHttp.Response response = raw.read();

      assertError(response.status(), response.body(), 413, "TOO_LARGE");
      assertThat(response.head()).containsIgnoringCase("connection: close");
    }
    assertThat(TestFiles.filesUnder(gateway.ftpRoot())).isEmpty();
  }

  @Test
  void aPutWithNeitherLengthNorChunkingIsRefused() throws IOException {
    try (RawHttp raw = new RawHttp(gateway.httpPort())) {
      RawHttp.Response response = raw.send("PUT /files/x.bin HTTP/1.1\r\nHost: x\r\n\r\n").read();

      assertError(response.status(), response.body(), 411, "LENGTH_REQUIRED");
    }
  }

  @Test
  void aNonNumericContentLengthIsRefused() throws IOException {
    RawHttp.Response response;
    try (RawHttp raw = new RawHttp(gateway.httpPort())) {
      response =
          raw.send("PUT /files/x.bin HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n").read();
    }
    assertThat(response.status()).isEqualTo(400);
  }

  @Test
  void aDigestThatDoesNotMatchPublishesNothing() throws Exception {
    Path file = TestFiles.random(dir, "d.bin", 50_000);
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(gateway.url("/files/d.bin")))
                .header("Content-Digest", TestFiles.reprDigest("00".repeat(32)))
                .PUT(HttpRequest.BodyPublishers.ofFile(file))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertError(response.statusCode(), response.body(), 400, "DIGEST_MISMATCH");
    assertThat(TestFiles.filesUnder(gateway.ftpRoot())).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "not a dictionary  | sha-256",
        "not a byte string | sha-256=abc",
        "not base64        | sha-256=:@@@@:",
        "wrong length      | sha-256=:AAAA:",
      })
  void aMalformedDigestHeaderIsRefused(String kind, String value) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(gateway.url("/files/d.bin")))
                .header("Repr-Digest", value)
                .PUT(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertError(response.statusCode(), response.body(), 400, "BAD_DIGEST");
  }

  @Test
  void aMultipartFormWithoutAFileFieldIsRefused() throws IOException {
    String body =
        "--XyZ\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nvalue\r\n--XyZ--\r\n";
    RawHttp.Response response = rawPost("multipart/form-data; boundary=XyZ", body);

    assertError(response.status(), response.body(), 400, "MISSING_FILE_FIELD");
  }

  @Test
  void aMultipartFileNameThatClimbsOutIsRefused() throws IOException {
    String body =
        "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../evil.sh\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\nrm -rf /\r\n--XyZ--\r\n";
    RawHttp.Response response = rawPost("multipart/form-data; boundary=XyZ", body);

    assertError(response.status(), response.body(), 400, "BAD_PATH");
    assertThat(TestFiles.filesUnder(gateway.ftpRoot())).isEmpty();
  }

  @Test
  void aMultipartFolderThatClimbsOutIsRefused() throws IOException {
    String body =
        "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ok.txt\"\r\n\r\nhello\r\n"
            + "--XyZ\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\n../outside\r\n--XyZ--\r\n";
    RawHttp.Response response = rawPost("multipart/form-data; boundary=XyZ", body);

    assertError(response.status(), response.body(), 400, "BAD_PATH");
    assertThat(TestFiles.filesUnder(gateway.ftpRoot())).isEmpty();
  }

  @Test
  void aPostThatIsNotMultipartIsRefused() throws IOException {
    RawHttp.Response response = rawPost("application/octet-stream", "raw bytes");

    assertError(response.status(), response.body(), 415, "UNSUPPORTED_MEDIA_TYPE");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "GET    | /transfers/no-such-transfer        | 404 | NOT_FOUND",
        "DELETE | /transfers/no-such-transfer        | 404 | NOT_FOUND",
        "GET    | /transfers?state=lost              | 400 | BAD_REQUEST",
        "GET    | /transfers?limit=0                 | 400 | BAD_REQUEST",
        "GET    | /transfers?limit=many              | 400 | BAD_REQUEST",
        "GET    | /transfers?offset=-1               | 400 | BAD_REQUEST",
      })
  void aBadTransferRequestIsAnsweredPrecisely(String method, String path, int status, String error)
      throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(gateway.url(path)))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertError(response.statusCode(), response.body(), status, error);
  }

  @Test
  void anUnknownRouteIsA404WithJson() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(gateway.url("/nowhere"))).build(),
            HttpResponse.BodyHandlers.ofString());

    assertError(response.statusCode(), response.body(), 404, "NOT_FOUND");
  }

  @Test
  void aClientThatAbortsMidBodyLeavesNothingBehind(Vertx vertx) throws Exception {
    // some break off before the gateway has even opened their spool file, some after part of the
    // body
    for (int i = 0; i < 20; i++) {
      try (RawHttp raw = new RawHttp(gateway.httpPort())) {
        raw.send(
            "PUT /files/aborted-"
                + i
                + ".bin HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n");
        raw.send(new byte[i % 2 == 0 ? 0 : 300_000]);
      }
    }
    // the gateway still serves; by the time it answered, it had taken up every aborted upload (one
    // event loop)
    HttpResponse<String> after =
        http.send(
            HttpRequest.newBuilder(URI.create(gateway.url("/files/after.bin")))
                .PUT(HttpRequest.BodyPublishers.ofString("fine"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(after.statusCode()).isEqualTo(201);

    awaitNoStrayFiles();
    assertThat(TestFiles.filesUnder(gateway.ftpRoot())).containsExactly("after.bin");
    assertThat(spooledBytesAfterAMoment())
        .as("spool room reserved by the aborted uploads is given back")
        .isZero();
  }

  @Test
  void aClientThatStallsMidBodyIsDroppedAfterTheIdleTimeout() throws Exception {
    try (RawHttp raw = new RawHttp(gateway.httpPort())) {
      raw.send("PUT /files/stalled.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
          .send(new byte[10]);
      assertThat(raw.readHead()).as("the gateway closes the stalled connection").isEmpty();
    }
    awaitNoStrayFiles();
    assertThat(TestFiles.filesUnder(gateway.ftpRoot())).isEmpty();
  }

  @Test
  void aMultipartUploadThatBreaksOffLeavesNothingBehind() throws Exception {
    try (RawHttp raw = new RawHttp(gateway.httpPort())) {
      raw.send(
              "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=XyZ\r\n"
                  + "Content-Length: 500000\r\n\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; "
                  + "filename=\"cut.bin\"\r\n\r\n")
          .send(new byte[200_000]);
    }
    awaitNoStrayFiles();
    assertThat(TestFiles.filesUnder(gateway.ftpRoot())).isEmpty();
  }

  @Test
  void aMultipartFileOverTheLimitIsCutOff() throws Exception {
    try (RawHttp raw = new RawHttp(gateway.httpPort())) {
      raw.send(
          "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=XyZ\r\n"
              + "Transfer-Encoding: chunked\r\n\r\n");
      String part =
          "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n\r\n";
      raw.send("%x\r\n%s\r\n".formatted(part.length(), part));
      byte[] chunk = new byte[64 * 1024];
      for (int i = 0; i < MAX_UPLOAD / chunk.length + 2; i++) {
        raw.send("%x\r\n".formatted(chunk.length)).send(chunk).send("\r\n");
      }
      RawHttp.Response response = raw.read();

      assertError(response.status(), response.body(), 413, "TOO_LARGE");
    }
    awaitNoStrayFiles();
  }

  @Test
  void twoFileFieldsInOneFormAreRefused() throws IOException {
    String part =
        "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n\r\n%s\r\n";
    String body = part.formatted("one.txt", "1") + part.formatted("two.txt", "2") + "--XyZ--\r\n";
    RawHttp.Response response = rawPost("multipart/form-data; boundary=XyZ", body);

    assertError(response.status(), response.body(), 400, "BAD_REQUEST");
    assertThat(TestFiles.filesUnder(gateway.ftpRoot())).isEmpty();
  }

  @Test
  void aMultipartFileWithoutANameIsRefused() throws IOException {
    String body =
        "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\r\n\r\ndata\r\n--XyZ--\r\n";
    RawHttp.Response response = rawPost("multipart/form-data; boundary=XyZ", body);

    assertError(response.status(), response.body(), 400, "BAD_PATH");
  }

  private void awaitNoStrayFiles() throws InterruptedException {
    Poll.settle(Duration.ofSeconds(10), gateway::strayFiles, List::isEmpty);
  }

  /**
   * The spool room still reserved (metric {@code ftpgw_spool_bytes}) once it is 0, or after 10 s.
   */
  private double spooledBytesAfterAMoment() throws Exception {
    return Poll.settle(Duration.ofSeconds(10), this::spooledBytes, bytes -> bytes == 0);
  }

  private double spooledBytes() throws Exception {
    return gateway.meter("ftpgw_spool_bytes");
  }

  private RawHttp.Response rawPut(String path, String body) throws IOException {
    try (RawHttp raw = new RawHttp(gateway.httpPort())) {
      return raw.send(
              "PUT "
                  + path
                  + " HTTP/1.1\r\nHost: x\r\nContent-Length: "
                  + body.length()
                  + "\r\n\r\n"
                  + body)
          .read();
    }
  }

  private RawHttp.Response rawPost(String contentType, String body) throws IOException {
    try (RawHttp raw = new RawHttp(gateway.httpPort())) {
      return raw.send(
              "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: "
                  + contentType
                  + "\r\nContent-Length: "
                  + body.length()
                  + "\r\n\r\n"
                  + body)
          .read();
    }
  }

  static void assertError(int status, String body, int expectedStatus, String expectedError) {
    assertThat(status).as(body).isEqualTo(expectedStatus);
    JsonObject json = new JsonObject(body);
    assertThat(json.getString("error")).isEqualTo(expectedError);
    assertThat(json.getString("message")).isNotBlank();
  }
}
