package ftpgw.http;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.RawHttp;
import ftpgw.testing.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user's first bad requests get: JSON answers, always ending with a newline, and names
 * kept as sent.
 */
@ExtendWith(VertxExtension.class)
class FirstTouchHttpTest {
  @TempDir Path dir;
  private GatewayUnderTest gateway;

  @BeforeEach
  void startGateway(Vertx vertx) {
    gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
  }

  @AfterEach
  void nothingStrayRemains() throws Exception {
    assertThat(gateway.strayFilesAfterAMoment()).isEmpty();
  }

  @Test
  void aHugeHeaderLineIs431WithJson() throws IOException {
    RawHttp.Response response =
        exchange(
            "PUT /files/a.txt HTTP/1.1\r\nHost: x\r\nX-Big: "
                + "a".repeat(64 * 1024)
                + "\r\nContent-Length: 1\r\n\r\nx");

    assertJsonError(response, 431, "HEADERS_TOO_LARGE");
  }

  @Test
  void twoThousandHeadersAre431WithJson() throws IOException {
    StringBuilder request = new StringBuilder("PUT /files/a.txt HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 2000; i++) {
      request.append("X-H").append(i).append(": v\r\n");
    }
    RawHttp.Response response = exchange(request.append("Content-Length: 1\r\n\r\nx").toString());

    assertJsonError(response, 431, "HEADERS_TOO_LARGE");
  }

  @Test
  void aNegativeContentLengthIs400WithJson() throws IOException {
    RawHttp.Response response =
        exchange("PUT /files/a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\nx");

    assertJsonError(response, 400, "BAD_REQUEST");
    assertThat(TestFiles.filesUnder(gateway.ftpRoot())).isEmpty();
  }

  @Test
  void invalidChunkedEncodingIs400WithJson() throws IOException {
    RawHttp.Response response =
        exchange(
            "PUT /files/a.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\nzz-not-hex\r\nworld\r\n0\r\n\r\n");

    assertJsonError(response, 400, "BAD_REQUEST");
    assertThat(TestFiles.filesUnder(gateway.ftpRoot())).isEmpty();
  }

  @Test
  void tenThousandFormFieldsAreAPrecise413() throws IOException {
    String boundary = "b0undary";
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      body.append("--")
          .append(boundary)
          .append("\r\nContent-Disposition: form-data; name=\"f")
          .append(i)
          .append("\"\r\n\r\nv\r\n");
    }
    body.append("--")
        .append(boundary)
        .append("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"")
        .append("\r\n\r\nhello\r\n--")
        .append(boundary)
        .append("--\r\n");
    RawHttp.Response response =
        exchange(
            "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; "
                + "boundary="
                + boundary
                + "\r\nContent-Length: "
                + body.length()
                + "\r\n\r\n"
                + body);

    assertJsonError(response, 413, "TOO_LARGE");
    assertThat(new JsonObject(response.body()).getString("message")).contains("too many fields");
    assertThat(TestFiles.filesUnder(gateway.ftpRoot())).isEmpty();
  }

  @Test
  void successAndErrorBodiesEndWithANewline() throws IOException {
    RawHttp.Response created =
        exchange("PUT /files/n.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi");
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.body()).endsWith("}\n");

    RawHttp.Response missing = exchange("GET /transfers/nope HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.body()).endsWith("}\n");

    assertThat(exchange("GET /transfers HTTP/1.1\r\nHost: x\r\n\r\n").body()).endsWith("\n");
    assertThat(exchange("GET /health HTTP/1.1\r\nHost: x\r\n\r\n").body()).endsWith("}\n");
  }

  @Test
  void rawUtf8InThePathIsReadAsUtf8() throws IOException {
    byte[] head =
        "PUT /files/caf\u00e9-\u65e5.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"
            .getBytes(StandardCharsets.UTF_8);
    RawHttp.Response response;
    try (RawHttp raw = new RawHttp(gateway.httpPort())) {
      response = raw.send(head).read();
    }

    assertThat(response.status()).as(response.body()).isEqualTo(201);
    assertThat(new JsonObject(response.body()).getString("path")).isEqualTo("caf\u00e9-\u65e5.txt");
    assertThat(Files.readString(gateway.ftpRoot().resolve("caf\u00e9-\u65e5.txt"))).isEqualTo("hi");
  }

  @Test
  void rawBytesThatAreNotUtf8AreABadPath() throws IOException {
    byte[] request =
        "PUT /files/a\u00ff.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"
            .getBytes(StandardCharsets.ISO_8859_1);
    RawHttp.Response response;
    try (RawHttp raw = new RawHttp(gateway.httpPort())) {
      response = raw.send(request).read();
    }

    assertJsonError(response, 400, "BAD_PATH");
  }

  /**
   * The quota (here 1 PiB) is not the disk: a body larger than the spool disk's free space is
   * refused unread.
   */
  @Test
  void expectContinueIsRefusedWhenTheSpoolDiskCannotHoldTheBody(Vertx vertx) throws Exception {
    long huge = 1L << 50;
    GatewayUnderTest roomy =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("roomy"),
            new JsonObject()
                .put("http", new JsonObject().put("maxUploadBytes", huge))
                .put("spool", new JsonObject().put("maxBytes", huge)));
    long free = Files.getFileStore(roomy.spoolDir()).getUsableSpace();
    RawHttp.Response response;
    try (RawHttp raw = new RawHttp(roomy.httpPort())) {
      response =
          raw.send(
                  "PUT /files/big.iso HTTP/1.1\r\nHost: x\r\nContent-Length: "
                      + (free + (1L << 30))
                      + "\r\nExpect: 100-continue\r\n\r\n")
              .read();
    }

    assertJsonError(response, 503, "SPOOL_FULL");
    assertThat(new JsonObject(response.body()).getString("message")).contains("the spool disk has");
    assertThat(response.head()).containsIgnoringCase("Retry-After");
    assertThat(roomy.strayFilesAfterAMoment()).isEmpty();
  }

  @Test
  void everyUploadGetsOneAccessLine() throws Exception {
    try (ftpgw.testing.LogCapture logs = ftpgw.testing.LogCapture.start()) {
      RawHttp.Response created =
          exchange("PUT /files/in%20it.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
      String id = new JsonObject(created.body()).getString("id");
      exchange("PUT /files/a/../b HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx");

      long deadline = System.nanoTime() + 5_000_000_000L;
      while (logs.lines().stream().filter(line -> line.contains("ftpgw.access")).count() < 2
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      java.util.List<String> access =
          logs.lines().stream().filter(line -> line.contains("ftpgw.access")).toList();
      assertThat(access).hasSize(2);
      assertThat(access.get(0))
          .contains(
              "transfer=" + id,
              "user=-",
              "method=PUT",
              "path=\"in it.txt\"",
              "bytes=5",
              "status=201",
              "outcome=delivered")
          .containsPattern("ms=\\d+");
      assertThat(access.get(1)).contains("method=PUT", "status=400", "outcome=BAD_PATH");
    }
  }

  private RawHttp.Response exchange(String request) throws IOException {
    try (RawHttp raw = new RawHttp(gateway.httpPort())) {
      return raw.send(request).read();
    }
  }

  private static void assertJsonError(RawHttp.Response response, int status, String error) {
    assertThat(response.status()).as(response.head() + response.body()).isEqualTo(status);
    assertThat(response.head().toLowerCase()).contains("content-type: application/json");
    assertThat(response.body()).endsWith("}\n");
    JsonObject json = new JsonObject(response.body());
    assertThat(json.getString("error")).isEqualTo(error);
    assertThat(json.getString("message")).isNotBlank();
  }
}
