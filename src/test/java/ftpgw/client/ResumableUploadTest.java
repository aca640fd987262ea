package ftpgw.client;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.CuttableProxy;
import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's large files go through tus: a job whose upload broke (its attempts used up) and that
 * is started again with the same state folder sends only what the gateway does not hold yet. Small
 * files stay one PUT.
 */
@ExtendWith(VertxExtension.class)
class ResumableUploadTest {
  private static final long MiB = 1 << 20;

  @TempDir Path dir;

  @Test
  void aJobRunAgainResumesItsBrokenUploadAtTheGatewaysOffset(Vertx vertx) throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    Path file = TestFiles.random(dir, "big.bin", 24 * MiB + 7);
    Path state = dir.resolve("job/.ftpgw-resume");
    PlannedFile planned = new PlannedFile(file.toString(), "runs/big.bin", 24 * MiB + 7, 0);
    try (CuttableProxy link = new CuttableProxy(gateway.httpPort())) {
      Thread cutter =
          new Thread(
              () -> {
                while (link.upstreamBytes.get() < 10 * MiB) {
                  Thread.onSpinWait();
                }
                link.cut();
              });
      cutter.start();
      UploadResult first = uploader(link.port(), state, 1).upload(planned);
      cutter.join();
      assertThat(first.ok()).as("the only attempt broke off").isFalse();
      assertThat(TestFiles.filesUnder(state)).hasSize(1);

      long before = link.upstreamBytes.get();
      // the job's default retries: the gateway may still be closing the broken PATCH (423) for a
      // moment
      UploadResult again = uploader(link.port(), state, 4).upload(planned);
      assertThat(again.ok()).as(again.toString()).isTrue();
      long sentAgain = link.upstreamBytes.get() - before;
      // the missing 14 MiB, plus at most what a retry refused 423 (the gateway still closing the
      // broken PATCH) sent before its answer: resumed, not started again from byte 0
      assertThat(sentAgain)
          .as("the second run sends what the gateway lacked, not the whole file")
          .isLessThan(24 * MiB);
    }
    assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("runs/big.bin")))
        .isEqualTo(TestFiles.sha256(file));
    assertThat(TestFiles.filesUnder(state)).as("nothing left to resume").isEmpty();
  }

  @Test
  void filesUpToTheThresholdAreOnePut(Vertx vertx) throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    Path file = TestFiles.random(dir, "small.bin", MiB);
    Path state = dir.resolve("state");
    UploadResult result =
        uploader(gateway.httpPort(), state, 1)
            .upload(new PlannedFile(file.toString(), "small.bin", MiB, 0));
    assertThat(result.ok()).isTrue();
    assertThat(state).doesNotExist();
    assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("small.bin")))
        .isEqualTo(TestFiles.sha256(file));
    assertThat(
            new JsonObject(new ftpgw.testing.Http(gateway.httpPort()).get("/transfers").body())
                .getJsonArray("items")
                .getJsonObject(0)
                .getString("state"))
        .isEqualTo("delivered");
  }

  private static FileUploader uploader(int port, Path state, int attempts) {
    return new FileUploader(
            URI.create("http://127.0.0.1:" + port),
            GatewayLogin.resolve(null, null, null),
            new RetryBackoff(attempts, Duration.ofMillis(300), Duration.ofMillis(1000)))
        .resumingAbove(MiB, state);
  }
}
