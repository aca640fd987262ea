package ftpgw.delivery;

import static ftpgw.testing.TestFiles.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.GatewayVerticle;
import ftpgw.testing.Http;
import ftpgw.testing.TestFiles;
import ftpgw.testing.VsftpdServer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A synchronous upload waiting for its delivery is not idle: with the FTP server down and a 5 s
 * HTTP idle timeout (delivery.syncTimeoutMs far longer), the client still gets 202 + Location, with
 * the body journalled, before the idle timeout could close its connection; the upload is delivered
 * once the server is back.
 */
@ExtendWith(VertxExtension.class)
class SyncWaitBeforeIdleTimeoutTest {
  private static final int IDLE_SECONDS = 5;

  @TempDir Path dir;
  private VsftpdServer vsftpd;
  private Path spool;

  @BeforeEach
  void startVsftpd() throws Exception {
    vsftpd = VsftpdServer.start();
    spool = dir.resolve("spool");
  }

  @AfterEach
  void stopVsftpd() {
    vsftpd.close();
  }

  @Test
  void aSyncUploadIsAnswered202BeforeTheIdleTimeoutAndDeliveredOnceTheServerIsBack(Vertx vertx)
      throws Exception {
    Http http = new Http(deploy(vertx, 0));
    vsftpd.stop();
    Path file = TestFiles.random(dir, "wait.bin", 2 * MiB + 3);

    // an idle timeout closing the connection first would throw here ("connection closed", no
    // answer)
    HttpResponse<String> response = http.put("/files/sync/wait.bin", file);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    JsonObject accepted = new JsonObject(response.body());
    String id = accepted.getString("id");
    assertThat(response.headers().firstValue("Location")).hasValue("/transfers/" + id);
    assertThat(response.headers().firstValue("Preference-Applied")).isEmpty();
    // journalled: a restart now would deliver it
    assertThat(spool.resolve(id + ".json")).exists();
    assertThat(Files.readString(spool.resolve(id + ".json"), StandardCharsets.UTF_8))
        .contains("sync/wait.bin");

    vsftpd.restart();
    JsonObject delivered =
        http.awaitJson(
            "/transfers/" + id,
            t -> t.getString("state").equals("delivered"),
            Duration.ofSeconds(60));
    assertThat(delivered.getInteger("attempts")).isGreaterThan(1);
    assertThat(vsftpd.sha256("sync/wait.bin")).isEqualTo(TestFiles.sha256(file));
    assertThat(vsftpd.temporaryFiles()).isEmpty();
    assertThat(strayAfterAMoment()).isEmpty();
  }

  @Test
  void aCutThroughUploadIsAnsweredInTimeToo(Vertx vertx) throws Exception {
    // every upload of 1 byte or more is relayed while it arrives: that first attempt fails, then
    // the delivery waits
    Http http = new Http(deploy(vertx, 1));
    vsftpd.stop();

    HttpResponse<String> response = http.put("/files/sync/live.bin", "relayed while it arrives");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    String id = new JsonObject(response.body()).getString("id");
    vsftpd.restart();
    http.awaitJson(
        "/transfers/" + id, t -> t.getString("state").equals("delivered"), Duration.ofSeconds(60));
    assertThat(Files.readString(vsftpd.root().resolve("sync/live.bin")))
        .isEqualTo("relayed while it arrives");
    assertThat(strayAfterAMoment()).isEmpty();
  }

  private int deploy(Vertx vertx, long cutThroughBytes) {
    JsonObject config =
        new JsonObject()
            .put("http", new JsonObject().put("port", 0).put("idleTimeoutSeconds", IDLE_SECONDS))
            .put("spool", new JsonObject().put("dir", spool.toString()))
            .put("ftpServer", new JsonObject().put("enabled", false))
            .put(
                "delivery",
                new JsonObject()
                    .put("syncTimeoutMs", 300_000)
                    .put("initialBackoffMs", 300)
                    .put("maxBackoffMs", 1000)
                    .put("maxAttempts", 1000)
                    .put("cutThroughBytes", cutThroughBytes))
            .put(
                "relay",
                new JsonObject()
                    .put("connectTimeoutMs", 2000)
                    .put(
                        "target",
                        new JsonObject()
                            .put("host", vsftpd.host())
                            .put("port", vsftpd.port())
                            .put("user", vsftpd.user())
                            .put("password", vsftpd.password())));
    GatewayVerticle gateway = new GatewayVerticle();
    vertx.deployVerticle(gateway, new DeploymentOptions().setConfig(config)).await();
    return gateway.httpPort();
  }

  /** The delivered body and its journal entry are removed right after the delivery is recorded. */
  private java.util.List<String> strayAfterAMoment() throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    java.util.List<String> stray = TestFiles.filesUnder(spool);
    while (!stray.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
      stray = TestFiles.filesUnder(spool);
    }
    return stray;
  }
}
