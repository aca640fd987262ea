package ftpgw.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.FreePorts;
import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Http;
import ftpgw.testing.TestFiles;
import ftpgw.testing.UploaderTarget;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An accepted (202) upload outlives an FTP outage longer than {@code delivery.maxAttempts}
 * attempts: only its age, a cancel or a permanent refusal ends it. A synchronous upload never
 * accepted still gets its answer after them.
 */
@ExtendWith(VertxExtension.class)
class OutageOutlastsAttemptsTest {
  @TempDir Path dir;

  @Test
  void anAcceptedUploadIsDeliveredAfterMoreThanMaxAttemptsFailed(Vertx vertx) throws Exception {
    int port = FreePorts.one();
    String passive = FreePorts.range(10);
    GatewayUnderTest gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            UploaderTarget.relayTo(port)
                .put(
                    "delivery",
                    new JsonObject()
                        .put("maxAttempts", 3)
                        .put("initialBackoffMs", 50)
                        .put("maxBackoffMs", 150)));
    Http http = new Http(gateway.httpPort());
    Path file = TestFiles.random(dir, "a.bin", 100_003);

    HttpResponse<String> accepted =
        http.put("/files/outage/a.bin", file, "Prefer", "respond-async");
    assertThat(accepted.statusCode()).isEqualTo(202);
    String location = accepted.headers().firstValue("Location").orElseThrow();
    // before the fix: failed after the 3rd attempt
    JsonObject waiting =
        http.awaitJson(location, t -> t.getInteger("attempts") >= 8, Duration.ofSeconds(30));
    assertThat(waiting.getString("state")).isIn("queued", "relaying");
    // a synchronous upload never accepted is still answered after maxAttempts
    HttpResponse<String> sync = http.put("/files/outage/sync.bin", "sync");
    assertThat(sync.statusCode()).as(sync.body()).isEqualTo(502);
    assertThat(new JsonObject(sync.body()).getString("error")).isEqualTo("FTP_UNREACHABLE");

    UploaderTarget.start(vertx, port, dir.resolve("target-root"), passive);

    JsonObject done =
        http.awaitJson(
            location, t -> t.getString("state").equals("delivered"), Duration.ofSeconds(30));
    assertThat(done.getInteger("attempts")).isGreaterThan(8);
    assertThat(TestFiles.sha256(dir.resolve("target-root/outage/a.bin")))
        .isEqualTo(TestFiles.sha256(file));
    assertThat(TestFiles.filesUnder(dir.resolve("target-root"))).containsExactly("outage/a.bin");
    assertThat(gateway.strayFilesAfterAMoment()).isEmpty();
  }
}
