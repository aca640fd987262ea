package ftpgw.client;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.FreePorts;
import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Http;
import ftpgw.testing.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The MPJ client follows a 202 on the gateway's event stream instead of polling its status. */
@ExtendWith(VertxExtension.class)
class DeliveryWatchTest {
  @TempDir Path dir;

  @Test
  void aFinalEventEndsTheWaitAsSoonAsItIsPublished(Vertx vertx) throws Exception {
    // the FTP target is down and the next attempt a minute away: only the cancel below can end the
    // transfer
    GatewayUnderTest gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject()
                .put(
                    "relay",
                    new JsonObject()
                        .put(
                            "target",
                            new JsonObject()
                                .put("host", "127.0.0.1")
                                .put("port", FreePorts.one())
                                .put("user", "u")
                                .put("password", "p")))
                .put(
                    "delivery",
                    new JsonObject().put("initialBackoffMs", 60_000).put("maxBackoffMs", 60_000)));
    Http http = new Http(gateway.httpPort());
    HttpResponse<String> accepted = http.put("/files/w/a.txt", "a", "Prefer", "respond-async");
    assertThat(accepted.statusCode()).isEqualTo(202);
    String location = accepted.headers().firstValue("Location").orElseThrow();
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    DeliveryWatch watch =
        new DeliveryWatch(client, path -> HttpRequest.newBuilder(URI.create(gateway.url(path))));

    CompletableFuture<Optional<String>> waited =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return watch.awaitFinal(location);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(500);
    assertThat(waited).isNotDone();
    assertThat(http.delete(location).statusCode()).isEqualTo(200);

    String outcome = waited.get(10, TimeUnit.SECONDS).orElseThrow();
    JsonObject event = new JsonObject(outcome);
    assertThat(event.getString("state")).isEqualTo("cancelled");
    assertThat(event.getString("eventId")).as("it came from the event stream").isNotBlank();
    assertThat(gateway.strayFilesAfterAMoment()).isEmpty();
  }

  @Test
  void theUploaderFollowsA202ToDelivered(Vertx vertx) throws Exception {
    GatewayUnderTest gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject().put("delivery", new JsonObject().put("syncTimeoutMs", 1)));
    Path file = TestFiles.random(dir, "b.bin", 500_000);
    FileUploader uploader =
        new FileUploader(
            URI.create(gateway.url("/")),
            GatewayLogin.resolve(null, null, null),
            new RetryBackoff(1, Duration.ofMillis(100), Duration.ofMillis(100)));

    UploadResult result = uploader.upload(new PlannedFile(file.toString(), "w/b.bin", 500_000, 0));

    assertThat(result.ok()).as(result.message()).isTrue();
    assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("w/b.bin")))
        .isEqualTo(TestFiles.sha256(file));
    assertThat(gateway.strayFilesAfterAMoment()).isEmpty();
  }
}
