package ftpgw.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.config.FtpServerConfig;
import ftpgw.ftpserver.FtpServerVerticle;
import ftpgw.testing.FreePorts;
import ftpgw.testing.GatewayProcess;
import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Http;
import ftpgw.testing.Poll;
import ftpgw.testing.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.ftpserver.usermanager.SaltedPasswordEncryptor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the gateway accepted survives its crash: a new gateway on the same spool delivers it, once.
 */
@ExtendWith(VertxExtension.class)
class CrashRecoveryTest {
  /** The target FTP account uploads at most this fast, so that a crash lands mid-delivery. */
  private static final long UPLOAD_BYTES_PER_SECOND = 8_000_000;

  @TempDir Path dir;
  private Path ftpRoot;
  private int ftpPort;

  @BeforeEach
  void startThrottledFtpServer(Vertx vertx) throws Exception {
    ftpRoot = dir.resolve("ftp-root");
    Path users = dir.resolve("users.properties");
    Files.writeString(
        users,
        String.join(
            "\n",
            "ftpserver.user.uploader.userpassword="
                + new SaltedPasswordEncryptor().encrypt("secret"),
            "ftpserver.user.uploader.homedirectory=.",
            "ftpserver.user.uploader.enableflag=true",
            "ftpserver.user.uploader.writepermission=true",
            "ftpserver.user.uploader.uploadrate=" + UPLOAD_BYTES_PER_SECOND,
            ""));
    FtpServerConfig config =
        new FtpServerConfig(
            true, "127.0.0.1", 0, ftpRoot, users, FreePorts.range(20), null, 50, 50, 60, null);
    FtpServerVerticle ftp = new FtpServerVerticle(config, null);
    vertx.deployVerticle(ftp).await();
    ftpPort = ftp.actualPort();
  }

  @Test
  void fiftyAsyncUploadsSurviveASigkillWhileRelaying() throws Exception {
    JsonObject config = gatewayConfig();
    List<Path> files = new ArrayList<>();
    int deliveredBeforeCrash;
    try (GatewayProcess gateway = GatewayProcess.start(config, dir.resolve("gw.json"))) {
      Http http = new Http(config.getJsonObject("http").getInteger("port"));
      for (int i = 0; i < 50; i++) {
        Path file = TestFiles.random(dir, "f" + i + ".bin", 1_000_000 + i);
        files.add(file);
        assertThat(
                http.put("/files/crash/f" + i + ".bin", file, "Prefer", "respond-async")
                    .statusCode())
            .isEqualTo(202);
      }
      awaitDelivered(2);
      gateway.kill();
      deliveredBeforeCrash = delivered().size();
    }
    assertThat(deliveredBeforeCrash).as("the crash must land mid-delivery").isLessThan(50);

    try (GatewayProcess restarted = GatewayProcess.start(config, dir.resolve("gw.json"))) {
      awaitDelivered(50);
      for (int i = 0; i < 50; i++) {
        assertThat(TestFiles.sha256(ftpRoot.resolve("crash/f" + i + ".bin")))
            .isEqualTo(TestFiles.sha256(files.get(i)));
      }
      assertThat(restarted.output()).anyMatch(line -> line.contains("Re-queued"));
    }
    assertThat(TestFiles.filesUnder(ftpRoot)).hasSize(50).noneMatch(f -> f.contains(".ftpgw-"));
    assertThat(TestFiles.filesUnder(dir.resolve("spool"))).isEmpty();
  }

  @Test
  void sigtermLetsTheRelayInProgressFinishAndKeepsTheRestForTheNextStart() throws Exception {
    JsonObject config = gatewayConfig();
    config.getJsonObject("relay").put("connections", 1);
    List<Path> files = new ArrayList<>();
    try (GatewayProcess gateway = GatewayProcess.start(config, dir.resolve("gw.json"))) {
      Http http = new Http(config.getJsonObject("http").getInteger("port"));
      for (int i = 0; i < 4; i++) {
        Path file = TestFiles.random(dir, "t" + i + ".bin", 6_000_000 + i);
        files.add(file);
        HttpResponse<String> response =
            http.put("/files/term/t" + i + ".bin", file, "Prefer", "respond-async");
        assertThat(response.statusCode()).isEqualTo(202);
      }

      assertThat(gateway.terminate())
          .as("exit status after SIGTERM (143 = 128 + SIGTERM)")
          .isIn(0, 143);
    }
    List<String> afterStop = delivered();
    assertThat(afterStop).as("the relay in progress finished").isNotEmpty().hasSizeLessThan(4);
    for (String landed : afterStop) {
      int i = Integer.parseInt(landed.replaceAll("\\D", ""));
      assertThat(TestFiles.sha256(ftpRoot.resolve(landed)))
          .isEqualTo(TestFiles.sha256(files.get(i)));
    }
    assertThat(TestFiles.filesUnder(dir.resolve("spool"))).anyMatch(f -> f.endsWith(".json"));

    try (GatewayProcess restarted = GatewayProcess.start(config, dir.resolve("gw.json"))) {
      awaitDelivered(4);
    }
    assertThat(TestFiles.filesUnder(ftpRoot)).hasSize(4).noneMatch(f -> f.contains(".ftpgw-"));
  }

  @Test
  void aCorruptJournalEntryIsQuarantinedAndAnUnacceptedBodyRemoved(Vertx vertx) throws Exception {
    Path spool = Files.createDirectories(dir.resolve("gw/spool"));
    Files.writeString(spool.resolve("aaaaaaaaaaaaaaaaaaaa.json"), "{ not json");
    Files.writeString(spool.resolve("bbbbbbbbbbbbbbbbbbbb.body"), "half received");

    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));

    assertThat(spool.resolve("quarantine/aaaaaaaaaaaaaaaaaaaa.json")).exists();
    assertThat(spool.resolve("bbbbbbbbbbbbbbbbbbbb.body")).doesNotExist();
    assertThat(new Http(gateway.httpPort()).put("/files/ok.txt", "still works").statusCode())
        .isEqualTo(201);
  }

  private JsonObject gatewayConfig() {
    return new JsonObject()
        .put("http", new JsonObject().put("port", FreePorts.one()))
        .put("spool", new JsonObject().put("dir", dir.resolve("spool").toString()))
        .put("ftpServer", new JsonObject().put("enabled", false))
        .put(
            "delivery",
            new JsonObject()
                .put("initialBackoffMs", 200)
                .put("maxBackoffMs", 1000)
                .put("shutdownGraceMs", 30_000))
        .put(
            "relay",
            new JsonObject()
                .put("connections", 2)
                .put(
                    "target",
                    new JsonObject()
                        .put("host", "127.0.0.1")
                        .put("port", ftpPort)
                        .put("user", "uploader")
                        .put("password", "secret")));
  }

  private List<String> delivered() {
    return TestFiles.filesUnder(ftpRoot).stream().filter(f -> !f.contains(".ftpgw-")).toList();
  }

  private void awaitDelivered(int count) throws InterruptedException {
    assertThat(Poll.settle(Duration.ofSeconds(60), this::delivered, d -> d.size() >= count))
        .hasSizeGreaterThanOrEqualTo(count);
  }
}
