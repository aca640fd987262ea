package ftpgw.http;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Http;
import ftpgw.testing.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A form whose body ends before its closing boundary is answered 400 at once and holds no spool
 * file or slot.
 */
@ExtendWith(VertxExtension.class)
class TruncatedMultipartTest {
  @TempDir Path dir;

  @Test
  void fiveTruncatedFormsAreRefusedAtOnceAndLeaveRoomForTheNextUpload(Vertx vertx)
      throws Exception {
    GatewayUnderTest gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject().put("spool", new JsonObject().put("maxFiles", 5)));
    String truncated =
        "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"t.bin\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\n"
            + "x".repeat(20); // no "\r\n--XyZ--"

    for (int i = 0; i < 5; i++) {
      long started = System.nanoTime();
      RawHttp.Response response;
      try (RawHttp raw = new RawHttp(gateway.httpPort())) {
        response =
            raw.send(
                    "POST /upload?path=t"
                        + i
                        + " HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Type: multipart/form-data; boundary=XyZ\r\nAccept: application/json\r\nContent-Length: "
                        + truncated.length()
                        + "\r\n\r\n"
                        + truncated)
                .read();
      }
      BadUploadsTest.assertError(response.status(), response.body(), 400, "BAD_REQUEST");
      assertThat(new JsonObject(response.body()).getString("message")).contains("closing boundary");
      // before the fix: no answer until the idle timeout (60 s), and the spool slot held for 120 s
      assertThat((System.nanoTime() - started) / 1_000_000).as("ms to answer").isLessThan(10_000);
    }
    assertThat(gateway.strayFilesAfterAMoment()).isEmpty();

    String form =
        "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ok.bin\"\r\n\r\nhello\r\n--XyZ--\r\n";
    HttpResponse<String> ok =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(gateway.url("/upload")))
                    .header("Content-Type", "multipart/form-data; boundary=XyZ")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(form))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
    assertThat(Files.readString(gateway.ftpRoot().resolve("ok.bin"))).isEqualTo("hello");
    assertThat(new Http(gateway.httpPort()).get("/transfers?state=receiving").body())
        .contains("\"total\":0");
    assertThat(TestFilesUnder.none(gateway)).isTrue();
  }

  /** Nothing partial on the FTP side either. */
  private static final class TestFilesUnder {
    static boolean none(GatewayUnderTest gateway) throws InterruptedException {
      return gateway.strayFilesAfterAMoment().isEmpty()
          && ftpgw.testing.TestFiles.filesUnder(gateway.ftpRoot()).stream()
              .noneMatch(f -> f.contains("t.bin"));
    }
  }
}
