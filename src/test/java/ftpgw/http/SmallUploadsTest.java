package ftpgw.http;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.Curl;
import ftpgw.testing.FreePorts;
import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Http;
import ftpgw.testing.TestFiles;
import ftpgw.testing.UploaderTarget;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A synchronous PUT of at most {@code delivery.smallBodyBytes} is published straight from memory:
 * no spool file unless that first attempt fails, when it takes the spool and the delivery's retries
 * like any other upload.
 */
@ExtendWith(VertxExtension.class)
class SmallUploadsTest {
  private static final String UNSPOOLED = "ftpgw_uploads_unspooled_total";

  @TempDir Path dir;

  @Test
  void aSmallPutIsPublishedFromMemoryAndALargerOneFromTheSpool(Vertx vertx) throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    Http http = new Http(gateway.httpPort());
    Path small = TestFiles.random(dir, "small.bin", 64 * 1024);
    Path larger = TestFiles.random(dir, "larger.bin", 64 * 1024 + 1);
    Path empty = TestFiles.random(dir, "empty.bin", 0);

    HttpResponse<String> smallPut = http.put("/files/s/small.bin", small);
    HttpResponse<String> emptyPut = http.put("/files/s/empty.bin", empty);
    HttpResponse<String> largerPut = http.put("/files/s/larger.bin", larger);

    assertThat(smallPut.statusCode()).as(smallPut.body()).isEqualTo(201);
    assertThat(new JsonObject(smallPut.body()).getString("sha256"))
        .isEqualTo(TestFiles.sha256(small));
    assertThat(emptyPut.statusCode()).as(emptyPut.body()).isEqualTo(201);
    assertThat(largerPut.statusCode()).as(largerPut.body()).isEqualTo(201);
    assertThat(gateway.meter(UNSPOOLED)).isEqualTo(2.0);
    for (String name : new String[] {"small.bin", "empty.bin", "larger.bin"}) {
      assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("s/" + name)))
          .isEqualTo(TestFiles.sha256(dir.resolve(name)));
    }
    assertThat(gateway.strayFilesAfterAMoment()).isEmpty();
    assertThat(gateway.lentChunksAfterAMoment()).isZero();
  }

  @Test
  void aSmallFormIsPublishedFromMemoryAtThePathNamedAfterItsFile(Vertx vertx) throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    Path file = TestFiles.random(dir, "form.bin", 4096);

    // curl sends the path field after the file, as the seed's clients do
    String reply = curlForm(gateway, file, "small/forms");

    assertThat(reply).isEqualTo(UploadHandler.SEED_SUCCESS_LINE);
    assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("small/forms/form.bin")))
        .isEqualTo(TestFiles.sha256(file));
    assertThat(gateway.meter(UNSPOOLED)).isEqualTo(1.0);
    assertThat(gateway.strayFilesAfterAMoment()).isEmpty();
    assertThat(gateway.lentChunksAfterAMoment()).isZero();
  }

  @Test
  void aSmallFormOverTheCallersUploadLimitIsRefused(Vertx vertx) throws Exception {
    GatewayUnderTest gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject().put("http", new JsonObject().put("maxUploadBytes", 1000)));
    Path file = TestFiles.random(dir, "over.bin", 5000);

    JsonObject refused =
        new JsonObject(curlForm(gateway, file, "small/over", "Accept: application/json"));

    assertThat(refused.getString("error")).isEqualTo("TOO_LARGE");
    assertThat(gateway.ftpRoot().resolve("small/over/over.bin")).doesNotExist();
    assertThat(gateway.strayFilesAfterAMoment()).isEmpty();
  }

  @Test
  void aSmallBodyWithTheWrongDigestIsRefusedAndNothingIsLeft(Vertx vertx) throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    Http http = new Http(gateway.httpPort());
    String wrong = "sha-256=:" + "A".repeat(43) + "=:";

    HttpResponse<String> refused =
        http.put("/files/s/bad.bin", "not what was hashed", "Content-Digest", wrong);

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    assertThat(new JsonObject(refused.body()).getString("error")).isEqualTo("DIGEST_MISMATCH");
    assertThat(gateway.ftpRoot().resolve("s/bad.bin")).doesNotExist();
    assertThat(gateway.meter(UNSPOOLED)).isZero();
    assertThat(gateway.strayFilesAfterAMoment()).isEmpty();
  }

  /** The seed's way: curl sends the path field after the file. */
  private static String curlForm(
      GatewayUnderTest gateway, Path file, String folder, String... headers) throws Exception {
    List<String> args = new ArrayList<>();
    for (String header : headers) {
      args.addAll(List.of("-H", header));
    }
    args.addAll(List.of("-F", "file=@" + file, "-F", "path=" + folder, gateway.url("/upload")));
    Curl curl = Curl.run(args.toArray(String[]::new));
    assertThat(curl.exitCode()).as(curl.output()).isZero();
    return curl.output().trim();
  }

  @Test
  void aSmallBodyWhoseFirstAttemptFailsIsSpooledAndDeliveredOnceTheServerIsBack(Vertx vertx)
      throws Exception {
    int port = FreePorts.one();
    GatewayUnderTest gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            UploaderTarget.relayTo(port)
                .put(
                    "delivery",
                    new JsonObject()
                        .put("maxAttempts", 100)
                        .put("initialBackoffMs", 100)
                        .put("maxBackoffMs", 200)));
    Http http = new Http(gateway.httpPort());
    Path file = TestFiles.random(dir, "late.bin", 4096);

    CompletableFuture<HttpResponse<String>> put =
        HttpClient.newHttpClient()
            .sendAsync(
                HttpRequest.newBuilder(URI.create(gateway.url("/files/late/late.bin")))
                    .PUT(HttpRequest.BodyPublishers.ofFile(file))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    // the memory attempt failed: the delivery holds the spooled body and retries it
    JsonObject retried =
        http.awaitJson(
            "/transfers?state=queued",
            page -> page.getInteger("total") == 1,
            Duration.ofSeconds(20));
    String id = retried.getJsonArray("items").getJsonObject(0).getString("id");
    assertThat(TestFiles.filesUnder(gateway.spoolDir())).contains(id + ".body");
    UploaderTarget.start(vertx, port, dir.resolve("target-root"), FreePorts.range(10));

    HttpResponse<String> answer = put.get(30, TimeUnit.SECONDS);

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
    assertThat(TestFiles.sha256(dir.resolve("target-root/late/late.bin")))
        .isEqualTo(TestFiles.sha256(file));
    assertThat(gateway.meter(UNSPOOLED)).isZero();
    assertThat(TestFiles.filesUnder(gateway.spoolDir())).doesNotContain(id + ".body");
  }
}
