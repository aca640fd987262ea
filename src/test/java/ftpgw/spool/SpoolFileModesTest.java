package ftpgw.spool;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.GatewayVerticle;
import ftpgw.testing.FreePorts;
import ftpgw.testing.Http;
import ftpgw.testing.TestFiles;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads waiting in the spool are readable by the gateway's user only: folder 0700, body and
 * journal entry 0600, whatever the umask (checked with stat(1), as an operator would).
 */
@ExtendWith(VertxExtension.class)
class SpoolFileModesTest {
  @TempDir Path dir;

  @Test
  void aJournalledUploadIsOnDiskForItsOwnerOnly(Vertx vertx) throws Exception {
    Path spool = dir.resolve("spool");
    Http http = new Http(deployWithAnUnreachableTarget(vertx, spool));

    HttpResponse<String> response =
        http.put("/files/modes/secret.bin", "nobody else may read this", "Prefer", "respond-async");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    String id = new JsonObject(response.body()).getString("id");
    assertThat(mode(spool)).isEqualTo("700");
    assertThat(mode(spool.resolve(id + ".body"))).isEqualTo("600");
    assertThat(mode(spool.resolve(id + ".json"))).isEqualTo("600");
    assertThat(TestFiles.filesUnder(spool)).containsExactlyInAnyOrder(id + ".body", id + ".json");
  }

  @Test
  void aSpoolFolderLeftOpenByAnEarlierRunIsClosed(Vertx vertx) throws Exception {
    Path spool = Files.createDirectories(dir.resolve("old-spool"));
    Files.setPosixFilePermissions(spool, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThat(mode(spool)).isEqualTo("755");

    deployWithAnUnreachableTarget(vertx, spool);

    assertThat(mode(spool)).isEqualTo("700");
  }

  @Test
  void theSystemdUnitAndTheImageStartTheGatewayWithUmask0077() throws IOException {
    assertThat(Files.readAllLines(Path.of("deploy/systemd/ftpgw.service"))).contains("UMask=0077");
    assertThat(Files.readString(Path.of("deploy/docker/Dockerfile")))
        .containsPattern("(?m)^ENTRYPOINT \\[\"sh\", \"-c\", \"umask 0077 && exec java ");
  }

  /**
   * The relay targets a port nobody listens on and waits long before retrying: the upload stays
   * spooled.
   */
  private static int deployWithAnUnreachableTarget(Vertx vertx, Path spool) {
    JsonObject config =
        new JsonObject()
            .put("http", new JsonObject().put("port", 0))
            .put("spool", new JsonObject().put("dir", spool.toString()))
            .put("ftpServer", new JsonObject().put("enabled", false))
            .put(
                "delivery",
                new JsonObject().put("initialBackoffMs", 600_000).put("maxBackoffMs", 600_000))
            .put(
                "relay",
                new JsonObject()
                    .put(
                        "target",
                        new JsonObject()
                            .put("host", "127.0.0.1")
                            .put("port", FreePorts.one())
                            .put("user", "nobody")
                            .put("password", "x")));
    GatewayVerticle gateway = new GatewayVerticle();
    vertx.deployVerticle(gateway, new DeploymentOptions().setConfig(config)).await();
    return gateway.httpPort();
  }

  private static String mode(Path path) throws IOException, InterruptedException {
    Process stat =
        new ProcessBuilder("stat", "-c", "%a", path.toString()).redirectErrorStream(true).start();
    String out = new String(stat.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(stat.waitFor()).as(out).isZero();
    return out;
  }
}
