package ftpgw.tus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ftpgw.testing.FreePorts;
import ftpgw.testing.GatewayProcess;
import ftpgw.testing.Http;
import ftpgw.testing.TestFiles;
import io.tus.java.client.TusClient;
import io.tus.java.client.TusUploader;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway JVM killed with SIGKILL in the middle of a tus PATCH keeps every acknowledged byte; the
 * same URL resumes.
 */
class TusCrashTest {
  private static final int MiB = 1 << 20;

  @TempDir Path dir;

  @Test
  void anUploadSurvivesSigkillMidPatchAndIsDeliveredIntactAfterTheRestart() throws Exception {
    int httpPort = FreePorts.one();
    JsonObject config =
        new JsonObject()
            .put("http", new JsonObject().put("port", httpPort))
            .put("spool", new JsonObject().put("dir", dir.resolve("spool").toString()))
            .put(
                "ftpServer",
                new JsonObject()
                    .put("enabled", true)
                    .put("port", FreePorts.one())
                    .put("root", dir.resolve("ftp").toString())
                    .put("passivePorts", FreePorts.range(20)));
    Path file = TestFiles.random(dir, "crash.bin", 16L * MiB + 5);
    TusClient client = TusClientTest.client(httpPort);
    String url;
    long acknowledged;
    try (GatewayProcess gateway = GatewayProcess.start(config, dir.resolve("gw.json"))) {
      TusUploader uploader = client.resumeOrCreateUpload(TusClientTest.upload(file, "crash/c.bin"));
      uploader.setChunkSize(64 * 1024);
      uploader.setRequestPayloadSize(MiB); // one PATCH (and one fsync) per MiB
      while (uploader.getOffset() < 8L * MiB + 300 * 1024) { // 300 KiB into the 9th PATCH
        uploader.uploadChunk();
      }
      url = uploader.getUploadURL().toString();
      acknowledged = 8L * MiB;
      gateway.kill();
      assertThatThrownBy(
              () -> {
                for (int i = 0; i < 1000; i++) {
                  uploader.uploadChunk();
                }
                uploader.finish();
              })
          .isInstanceOf(IOException.class);
    }

    try (GatewayProcess restarted = GatewayProcess.start(config, dir.resolve("gw.json"))) {
      TusRequests raw = new TusRequests(httpPort);
      String offset = raw.head(url).headers().firstValue("Upload-Offset").orElseThrow();
      assertThat(Long.parseLong(offset))
          .as("every acknowledged PATCH survived, the unacknowledged one did not")
          .isEqualTo(acknowledged);
      TusUploader resumed = client.resumeUpload(TusClientTest.upload(file, "crash/c.bin"));
      assertThat(resumed.getUploadURL().toString()).isEqualTo(url);
      assertThat(resumed.getOffset()).isEqualTo(acknowledged);
      while (resumed.uploadChunk() > -1) {
        // the rest
      }
      resumed.finish();
      assertThat(TestFiles.sha256(dir.resolve("ftp/crash/c.bin")))
          .isEqualTo(TestFiles.sha256(file));
      JsonObject transfer =
          new JsonObject(new Http(httpPort).get("/transfers/" + TusProtocolTest.idOf(url)).body());
      assertThat(transfer.getString("state")).isEqualTo("delivered");
      assertThat(transfer.getString("sha256")).isEqualTo(TestFiles.sha256(file));
    }
    assertThat(TestFiles.filesUnder(dir.resolve("spool")))
        .allMatch(f -> f.matches("tus/\\w+\\.info"));
  }
}
