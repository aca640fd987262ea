package ftpgw.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.config.Secret;
import ftpgw.testing.FreePorts;
import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.HookReceiver;
import ftpgw.testing.Http;
import ftpgw.testing.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's webhooks, against a real HTTP receiver: pre-upload refusals, and post hooks
 * through an outage.
 */
@ExtendWith(VertxExtension.class)
class HooksTest {
  private static final String SECRET = "hook-secret-" + System.nanoTime();
  private static final HookSignature SIGNATURE = new HookSignature(Secret.of(SECRET));

  @TempDir Path dir;

  @Test
  void aPreUploadHookRefusesWithItsOwnStatusBeforeAnyByteIsSpooled(Vertx vertx) throws Exception {
    try (HookReceiver hook =
        HookReceiver.start(
            vertx,
            0,
            call ->
                call.body().getString("path").startsWith("no/")
                    ? new HookReceiver.Answer(
                        451, "{\"message\":\"uploads to no/ are closed today\"}")
                    : new HookReceiver.Answer(204, ""))) {
      GatewayUnderTest gateway =
          GatewayUnderTest.start(
              vertx,
              dir.resolve("gw"),
              hooks(new JsonObject().put("preUpload", "http://127.0.0.1:" + hook.port() + "/pre")));
      Http http = new Http(gateway.httpPort());
      Path file = TestFiles.random(dir, "big.bin", 20_000_000);

      HttpResponse<String> refused = http.put("/files/no/big.bin", file);

      assertThat(refused.statusCode()).isEqualTo(451);
      assertThat(new JsonObject(refused.body()))
          .isEqualTo(
              new JsonObject()
                  .put("error", "HOOK_REFUSED")
                  .put("message", "uploads to no/ are closed today"));
      assertThat(gateway.strayFiles()).isEmpty();
      assertThat(TestFiles.filesUnder(gateway.spoolDir())).isEmpty();
      assertThat(Files.exists(gateway.ftpRoot().resolve("no/big.bin"))).isFalse();
      HookReceiver.Call call = hook.calls().get(0);
      assertThat(call.body())
          .isEqualTo(
              new JsonObject()
                  .put("hook", "pre-upload")
                  .put("method", "PUT")
                  .put("path", "no/big.bin")
                  .putNull("user")
                  .put("declaredLength", 20_000_000L));
      assertThat(call.hook()).isEqualTo("pre-upload");
      assertThat(
              SIGNATURE.verifies(
                  Long.parseLong(call.timestamp()), call.rawBody(), call.signature()))
          .isTrue();

      HttpResponse<String> allowed = http.put("/files/yes/small.txt", "hello");
      assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(201);
      assertThat(Files.readString(gateway.ftpRoot().resolve("yes/small.txt"))).isEqualTo("hello");
      assertThat(gateway.strayFilesAfterAMoment()).isEmpty();
    }
  }

  @Test
  void aPreUploadHookThatDoesNotAnswerRefusesOrAllowsAsConfigured(Vertx vertx) throws Exception {
    try (HookReceiver silent = HookReceiver.start(vertx, 0, null)) {
      String url = "http://127.0.0.1:" + silent.port() + "/pre";
      GatewayUnderTest denying =
          GatewayUnderTest.start(
              vertx,
              dir.resolve("deny"),
              hooks(new JsonObject().put("preUpload", url).put("preUploadTimeoutMs", 300)));
      HttpResponse<String> refused = new Http(denying.httpPort()).put("/files/a.txt", "a");
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(new JsonObject(refused.body()).getString("error")).isEqualTo("HOOK_UNAVAILABLE");
      assertThat(denying.strayFiles()).isEmpty();
      assertThat(Files.exists(denying.ftpRoot().resolve("a.txt"))).isFalse();
      denying.stop(
          vertx); // one gateway per Vert.x at a time: they would share the local delivery addresses

      GatewayUnderTest allowing =
          GatewayUnderTest.start(
              vertx,
              dir.resolve("allow"),
              hooks(
                  new JsonObject()
                      .put("preUpload", url)
                      .put("preUploadTimeoutMs", 300)
                      .put("preUploadOnTimeout", "allow")));
      HttpResponse<String> allowed = new Http(allowing.httpPort()).put("/files/b.txt", "b");
      assertThat(allowed.statusCode()).isEqualTo(201);
      assertThat(Files.readString(allowing.ftpRoot().resolve("b.txt"))).isEqualTo("b");
    }
  }

  /**
   * The receiver is down for 10 s, and the gateway restarts meanwhile: every delivered transfer
   * still reaches it at least once, signed, with its event id.
   */
  @Test
  void postHooksReachAReceiverThatWasDownForTenSecondsAcrossARestart(Vertx vertx) throws Exception {
    long started = System.nanoTime();
    int port = FreePorts.one();
    JsonObject config =
        hooks(
            new JsonObject()
                .put("postDelivered", "http://127.0.0.1:" + port + "/delivered")
                .put("initialBackoffMs", 200)
                .put("maxBackoffMs", 1000)
                .put("queueDir", dir.resolve("hooks").toString()));
    GatewayUnderTest first = GatewayUnderTest.start(vertx, dir.resolve("gw"), config);
    Http http = new Http(first.httpPort());
    assertThat(http.put("/files/p/1.txt", "one").statusCode()).isEqualTo(201);
    assertThat(http.put("/files/p/2.txt", "two").statusCode()).isEqualTo(201);
    awaitJournalled(2);
    first.stop(vertx);

    GatewayUnderTest second = GatewayUnderTest.start(vertx, dir.resolve("gw"), config);
    assertThat(new Http(second.httpPort()).put("/files/p/3.txt", "three").statusCode())
        .isEqualTo(201);
    awaitJournalled(3);
    long downFor = Duration.ofSeconds(10).toNanos() - (System.nanoTime() - started);
    if (downFor > 0) {
      Thread.sleep(downFor / 1_000_000);
    }

    try (HookReceiver receiver =
        HookReceiver.start(vertx, port, call -> new HookReceiver.Answer(200, "ok"))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (paths(receiver.calls()).size() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(paths(receiver.calls()))
          .containsExactlyInAnyOrder("p/1.txt", "p/2.txt", "p/3.txt");
      assertThat(receiver.calls())
          .allSatisfy(
              call -> {
                assertThat(call.hook()).isEqualTo("post-delivered");
                assertThat(call.eventId())
                    .isNotBlank()
                    .isEqualTo(call.body().getJsonObject("event").getString("eventId"));
                assertThat(call.body().getJsonObject("event").getString("state"))
                    .isEqualTo("delivered");
                assertThat(
                        SIGNATURE.verifies(
                            Long.parseLong(call.timestamp()), call.rawBody(), call.signature()))
                    .isTrue();
              });
      awaitJournalled(0);
    }
    assertThat(second.strayFilesAfterAMoment()).isEmpty();
  }

  @Test
  void aFailedTransferIsToldToThePostFailedHook(Vertx vertx) throws Exception {
    try (HookReceiver receiver =
        HookReceiver.start(vertx, 0, call -> new HookReceiver.Answer(204, ""))) {
      // nothing listens on the FTP target's port, and one attempt is all a transfer gets
      GatewayUnderTest gateway =
          GatewayUnderTest.start(
              vertx,
              dir.resolve("gw"),
              hooks(
                      new JsonObject()
                          .put("postFailed", "http://127.0.0.1:" + receiver.port() + "/failed")
                          .put(
                              "postDelivered",
                              "http://127.0.0.1:" + receiver.port() + "/delivered"))
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
                  .put("delivery", new JsonObject().put("maxAttempts", 1)));

      HttpResponse<String> failed = new Http(gateway.httpPort()).put("/files/f.txt", "f");

      assertThat(failed.statusCode()).isEqualTo(502);
      assertThat(new JsonObject(failed.body()).getString("error")).isEqualTo("FTP_UNREACHABLE");
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (receiver.calls().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(receiver.calls())
          .singleElement()
          .satisfies(
              call -> {
                assertThat(call.hook()).isEqualTo("post-failed");
                JsonObject event = call.body().getJsonObject("event");
                assertThat(event.getString("state")).isEqualTo("failed");
                assertThat(event.getString("path")).isEqualTo("f.txt");
                assertThat(event.getString("error")).isNotBlank();
                assertThat(
                        SIGNATURE.verifies(
                            Long.parseLong(call.timestamp()), call.rawBody(), call.signature()))
                    .isTrue();
              });
      assertThat(gateway.strayFilesAfterAMoment()).isEmpty();
    }
  }

  private void awaitJournalled(int count) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (journalled() != count && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(journalled()).isEqualTo(count);
  }

  private long journalled() throws Exception {
    Path queue = dir.resolve("hooks");
    if (!Files.isDirectory(queue)) {
      return 0;
    }
    try (var files = Files.list(queue)) {
      return files.filter(f -> f.toString().endsWith(".hook.json")).count();
    }
  }

  private static Set<String> paths(List<HookReceiver.Call> calls) {
    return calls.stream()
        .map(c -> c.body().getJsonObject("event").getString("path"))
        .collect(Collectors.toSet());
  }

  private static JsonObject hooks(JsonObject hooks) {
    return new JsonObject().put("hooks", hooks.put("secret", SECRET));
  }
}
