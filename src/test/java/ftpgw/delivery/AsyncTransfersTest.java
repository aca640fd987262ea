package ftpgw.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.ftpserver.FtpServerVerticle;
import ftpgw.testing.FreePorts;
import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Http;
import ftpgw.testing.RawHttp;
import ftpgw.testing.TestFiles;
import ftpgw.testing.UploaderTarget;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Accepted uploads reach the FTP server through outages, and clients can follow and cancel them.
 */
@ExtendWith(VertxExtension.class)
class AsyncTransfersTest {
  private static final String[] ASYNC = {"Prefer", "respond-async"};

  @TempDir Path dir;

  @Test
  void respondAsyncAnswers202WithALocationThatEndsDelivered(Vertx vertx) throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    Http http = new Http(gateway.httpPort());
    Path file = TestFiles.random(dir, "a.bin", 3_000_000);

    HttpResponse<String> response = http.put("/files/async/a.bin", file, ASYNC);

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.headers().firstValue("Preference-Applied")).hasValue("respond-async");
    String location = response.headers().firstValue("Location").orElseThrow();
    JsonObject accepted = new JsonObject(response.body());
    assertThat(location).isEqualTo("/transfers/" + accepted.getString("id"));
    assertThat(accepted.getString("sha256")).isEqualTo(TestFiles.sha256(file));
    assertThat(accepted.getString("state")).isIn("queued", "relaying", "delivered");

    JsonObject delivered =
        http.awaitJson(
            location, t -> t.getString("state").equals("delivered"), Duration.ofSeconds(30));
    assertThat(delivered.getInteger("attempts")).isEqualTo(1);
    assertThat(delivered.getString("path")).isEqualTo("async/a.bin");
    assertThat(delivered.fieldNames())
        .contains(
            "id",
            "path",
            "state",
            "bytes",
            "sha256",
            "attempts",
            "lastError",
            "createdAt",
            "updatedAt")
        .doesNotContain("spoolFile");
    assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("async/a.bin")))
        .isEqualTo(TestFiles.sha256(file));
    awaitEmpty(gateway);
  }

  @Test
  void uploadsQueuedWhileTheFtpServerIsDownAreDeliveredWhenItComesBack(Vertx vertx)
      throws Exception {
    int port = FreePorts.one();
    String passive = FreePorts.range(20);
    FtpServerVerticle ftp = startFtpServer(vertx, port, passive);
    GatewayUnderTest gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            relayTo(port)
                .put(
                    "delivery",
                    new JsonObject()
                        .put("initialBackoffMs", 200)
                        .put("maxBackoffMs", 1000)
                        .put("maxAttempts", 100)));
    Http http = new Http(gateway.httpPort());
    vertx.undeploy(ftp.deploymentID()).await();

    List<String> locations = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Path file = TestFiles.random(dir, "q" + i + ".bin", 100_000 + i);
      files.add(file);
      HttpResponse<String> response = http.put("/files/outage/q" + i + ".bin", file, ASYNC);
      assertThat(response.statusCode()).isEqualTo(202);
      locations.add(response.headers().firstValue("Location").orElseThrow());
    }
    JsonObject waiting =
        http.awaitJson(
            locations.get(0), t -> t.getInteger("attempts") >= 2, Duration.ofSeconds(10));
    assertThat(waiting.getString("state")).isEqualTo("queued");
    assertThat(waiting.getString("lastError")).contains("127.0.0.1:" + port);

    Thread.sleep(10_000); // the outage the issue asks us to survive
    startFtpServer(vertx, port, passive);

    for (int i = 0; i < 10; i++) {
      JsonObject done =
          http.awaitJson(
              locations.get(i),
              t -> t.getString("state").equals("delivered"),
              Duration.ofSeconds(20));
      assertThat(done.getInteger("attempts")).isGreaterThan(1);
      assertThat(done.getString("lastError")).as("a delivered transfer has no error").isNull();
      assertThat(done.getJsonObject("earlierAttempts").getInteger("failed"))
          .isEqualTo(done.getInteger("attempts") - 1);
      assertThat(done.getJsonObject("earlierAttempts").getString("lastError"))
          .contains("127.0.0.1:" + port);
      assertThat(TestFiles.sha256(dir.resolve("target-root/outage/q" + i + ".bin")))
          .isEqualTo(TestFiles.sha256(files.get(i)));
    }
    awaitEmpty(gateway);
  }

  @Test
  void aWrongFtpPasswordFailsAtOnceWithThe530Reply(Vertx vertx) throws Exception {
    int port = FreePorts.one();
    startFtpServer(vertx, port, FreePorts.range(10));
    JsonObject config = relayTo(port);
    config.getJsonObject("relay").getJsonObject("target").put("password", "not-the-password");
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"), config);
    Http http = new Http(gateway.httpPort());

    HttpResponse<String> response = http.put("/files/x.bin", "payload", ASYNC);

    JsonObject failed =
        http.awaitJson(
            response.headers().firstValue("Location").orElseThrow(),
            t -> t.getString("state").equals("failed"),
            Duration.ofSeconds(10));
    assertThat(failed.getInteger("attempts")).isEqualTo(1);
    assertThat(failed.getString("lastError")).contains("530");
    assertThat(failed.encode()).doesNotContain("not-the-password");
    awaitEmpty(gateway);
  }

  @Test
  void aQueuedTransferCanBeCancelledAndItsSpoolFileIsRemoved(Vertx vertx) throws Exception {
    GatewayUnderTest gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            relayTo(FreePorts.one())
                .put(
                    "delivery",
                    new JsonObject().put("initialBackoffMs", 60_000).put("maxBackoffMs", 60_000)));
    Http http = new Http(gateway.httpPort());
    String location =
        http.put("/files/c.bin", "cancel me", ASYNC).headers().firstValue("Location").orElseThrow();
    http.awaitJson(location, t -> t.getInteger("attempts") == 1, Duration.ofSeconds(10));
    assertThat(TestFiles.filesUnder(gateway.spoolDir())).isNotEmpty();

    HttpResponse<String> cancelled = http.delete(location);

    assertThat(cancelled.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(cancelled.body()).getString("state")).isEqualTo("cancelled");
    awaitEmpty(gateway);
    assertThat(new JsonObject(http.get(location).body()).getString("state")).isEqualTo("cancelled");
    assertError(http.delete(location), 409, "CONFLICT");
  }

  @Test
  void aSyncUploadThatWaitsLongerThanTheClientWantsBecomesA202(Vertx vertx) throws Exception {
    GatewayUnderTest gateway =
        GatewayUnderTest.start(vertx, dir.resolve("gw"), relayTo(FreePorts.one()));
    Http http = new Http(gateway.httpPort());

    HttpResponse<String> response = http.put("/files/slow.bin", "slow", "Prefer", "wait=1");

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.headers().firstValue("Preference-Applied")).isEmpty();
    String id = new JsonObject(response.body()).getString("id");
    assertThat(response.headers().firstValue("Location")).hasValue("/transfers/" + id);
    assertThat(gateway.spoolDir().resolve(id + ".json")).exists(); // journalled before the 202
  }

  @Test
  void anUploadStillArrivingIsListedAsReceivingAndOneThatBrokeOffAsFailed(Vertx vertx)
      throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    Http http = new Http(gateway.httpPort());
    try (RawHttp raw = new RawHttp(gateway.httpPort())) {
      raw.send("PUT /files/incoming.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
          .send(new byte[10]);

      JsonObject page =
          http.awaitJson(
              "/transfers?state=receiving",
              p -> p.getInteger("total") == 1,
              Duration.ofSeconds(10));
      assertThat(page.getJsonArray("items").getJsonObject(0).getString("path"))
          .isEqualTo("incoming.bin");
    }
    JsonObject failed =
        http.awaitJson(
            "/transfers?state=failed", p -> p.getInteger("total") == 1, Duration.ofSeconds(10));
    assertThat(failed.getJsonArray("items").getJsonObject(0).getString("lastError"))
        .contains("broke off");
    awaitEmpty(gateway);
  }

  @Test
  void aFullRelayQueueRefusesTheNextUploadWith503BeforeItsBodyIsRead(Vertx vertx) throws Exception {
    JsonObject config = relayTo(FreePorts.one()).put("spool", new JsonObject().put("maxFiles", 2));
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"), config);
    Http http = new Http(gateway.httpPort());
    assertThat(http.put("/files/1.bin", "one", ASYNC).statusCode()).isEqualTo(202);
    assertThat(http.put("/files/2.bin", "two", ASYNC).statusCode()).isEqualTo(202);

    try (RawHttp raw = new RawHttp(gateway.httpPort())) {
      RawHttp.Response refused =
          raw.send(
                  "PUT /files/3.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                      + "Expect: 100-continue\r\n\r\n")
              .read();

      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.head()).containsIgnoringCase("Retry-After: 5");
      assertThat(new JsonObject(refused.body()).getString("error")).isEqualTo("SPOOL_FULL");
    }
  }

  @Test
  void transfersCanBeListedByState(Vertx vertx) throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    Http http = new Http(gateway.httpPort());
    for (int i = 0; i < 3; i++) {
      assertThat(http.put("/files/l" + i + ".txt", "x" + i).statusCode()).isEqualTo(201);
    }

    JsonObject page = new JsonObject(http.get("/transfers?state=delivered&limit=2").body());

    assertThat(page.getInteger("total")).isEqualTo(3);
    assertThat(page.getJsonArray("items")).hasSize(2);
    assertThat(page.getJsonArray("items").getJsonObject(0).getString("state"))
        .isEqualTo("delivered");
    assertThat(new JsonObject(http.get("/transfers?state=failed").body()).getInteger("total"))
        .isZero();
  }

  @Test
  void unknownTransfersAndBadQueriesAreAnsweredPrecisely(Vertx vertx) throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    Http http = new Http(gateway.httpPort());

    assertError(http.get("/transfers/nosuchtransfer"), 404, "NOT_FOUND");
    assertError(http.delete("/transfers/nosuchtransfer"), 404, "NOT_FOUND");
    assertError(http.get("/transfers?state=lost"), 400, "BAD_REQUEST");
    assertError(http.get("/transfers?limit=0"), 400, "BAD_REQUEST");
    assertError(http.get("/transfers?limit=100000"), 400, "BAD_REQUEST");
    assertError(http.get("/transfers?offset=-1"), 400, "BAD_REQUEST");
    assertError(http.get("/transfers?limit=ten"), 400, "BAD_REQUEST");
  }

  private FtpServerVerticle startFtpServer(Vertx vertx, int port, String passivePorts) {
    return UploaderTarget.start(vertx, port, dir.resolve("target-root"), passivePorts);
  }

  private static JsonObject relayTo(int port) {
    return UploaderTarget.relayTo(port);
  }

  private static void awaitEmpty(GatewayUnderTest gateway) throws InterruptedException {
    assertThat(gateway.strayFilesAfterAMoment()).isEmpty();
  }

  private static void assertError(HttpResponse<String> response, int status, String error) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(new JsonObject(response.body()).getString("error")).isEqualTo(error);
  }
}
