package ftpgw.relay;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.config.FtpServerConfig;
import ftpgw.ftpserver.FtpServerVerticle;
import ftpgw.testing.FreePorts;
import ftpgw.testing.GatewayProcess;
import ftpgw.testing.Poll;
import ftpgw.testing.RawHttp;
import ftpgw.testing.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.ftpserver.usermanager.SaltedPasswordEncryptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway killed (SIGKILL) during a synchronous cut-through PUT, which is never journalled,
 * leaves its temporary file on the FTP server; the next start removes it (the relay's records of
 * its temporary files).
 */
@ExtendWith(VertxExtension.class)
class OrphanJanitorTest {
  @TempDir Path dir;

  @Test
  void theTemporaryFileOfAKilledCutThroughPutIsRemovedOnTheNextStart(Vertx vertx) throws Exception {
    Path ftpRoot = dir.resolve("ftp-root");
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
            ""));
    FtpServerVerticle ftp =
        new FtpServerVerticle(
            new FtpServerConfig(
                true, "127.0.0.1", 0, ftpRoot, users, FreePorts.range(10), null, 20, 20, 60, null),
            null);
    vertx.deployVerticle(ftp).await();
    int httpPort = FreePorts.one();
    JsonObject config =
        new JsonObject()
            .put("http", new JsonObject().put("port", httpPort))
            .put("spool", new JsonObject().put("dir", dir.resolve("spool").toString()))
            .put("ftpServer", new JsonObject().put("enabled", false))
            .put(
                "relay",
                new JsonObject()
                    .put(
                        "target",
                        new JsonObject()
                            .put("host", "127.0.0.1")
                            .put("port", ftp.actualPort())
                            .put("user", "uploader")
                            .put("password", "secret")));

    try (GatewayProcess gateway = GatewayProcess.start(config, dir.resolve("gw.json"));
        RawHttp client = new RawHttp(httpPort)) {
      // a synchronous PUT over delivery.cutThroughBytes: its STOR runs while the body arrives; half
      // of it is sent
      client.send(
          "PUT /files/cut/big.bin HTTP/1.1\r\nHost: x\r\nContent-Length: "
              + 4 * TestFiles.MiB
              + "\r\n\r\n");
      client.send(new byte[2 * (int) TestFiles.MiB]);
      // killed once the STOR has written some of those bytes (the file appears before its first
      // write)
      Poll.until(
          "a temporary file with bytes in it",
          Duration.ofSeconds(30),
          () -> temporaryFiles(ftpRoot).stream().mapToLong(f -> sizeOf(ftpRoot.resolve(f))).sum(),
          bytes -> bytes > 0);
      gateway.kill();
    }
    List<String> left = temporaryFiles(ftpRoot);
    assertThat(left).as("the killed upload's temporary file").hasSize(1);
    assertThat(Files.size(ftpRoot.resolve(left.get(0)))).isPositive();

    try (GatewayProcess restarted = GatewayProcess.start(config, dir.resolve("gw.json"))) {
      awaitTemporaryFiles(ftpRoot, false);
      assertThat(restarted.output())
          .anyMatch(l -> l.contains("Removed 1 temporary file(s) left on the FTP server"));
    }
    assertThat(TestFiles.filesUnder(ftpRoot)).isEmpty();
    assertThat(TestFiles.filesUnder(dir.resolve("spool"))).as("no body, no record").isEmpty();
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException gone) {
      return 0;
    }
  }

  private static List<String> temporaryFiles(Path ftpRoot) {
    return TestFiles.filesUnder(ftpRoot).stream().filter(f -> f.contains(".ftpgw-")).toList();
  }

  private static void awaitTemporaryFiles(Path ftpRoot, boolean present) throws Exception {
    for (int i = 0; i < 600 && temporaryFiles(ftpRoot).isEmpty() == present; i++) {
      Thread.sleep(50);
    }
    assertThat(temporaryFiles(ftpRoot).isEmpty())
        .as("temporary files present: " + present)
        .isNotEqualTo(present);
  }
}
