package ftpgw.tus;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.ftpserver.NoTruncateFileSystem;
import ftpgw.testing.FreePorts;
import ftpgw.testing.GatewayProcess;
import ftpgw.testing.Http;
import ftpgw.testing.ObservedFtpServer;
import ftpgw.testing.Poll;
import ftpgw.testing.TestFiles;
import io.vertx.core.json.JsonObject;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway JVM killed with SIGKILL after it accepted a tus final concatenation and before it
 * published it: the restarted gateway finds the transfer journalled with its parts' spool files and
 * publishes it, intact, from them; nothing of it is left in the spool afterwards.
 */
class TusFinalCrashTest {
  @TempDir Path dir;

  @Test
  void aFinalAcceptedBeforeASigkillIsPublishedFromItsPartsAfterTheRestart() throws Exception {
    int httpPort = FreePorts.one();
    JsonObject config =
        new JsonObject()
            .put("http", new JsonObject().put("port", httpPort))
            .put("spool", new JsonObject().put("dir", dir.resolve("spool").toString()))
            .put("ftpServer", new JsonObject().put("enabled", false))
            .put(
                "delivery", new JsonObject().put("initialBackoffMs", 200).put("maxBackoffMs", 500));
    // first run: the FTP server is not there yet, so the accepted final waits in the spool
    JsonObject unreachable = config.copy().put("relay", relay(FreePorts.one()));
    Path file = TestFiles.random(dir, "whole.bin", 3L * (1 << 20) + 11);
    byte[] whole = Files.readAllBytes(file);
    String id;
    try (GatewayProcess gateway = GatewayProcess.start(unreachable, dir.resolve("gw.json"))) {
      StringBuilder concat = new StringBuilder("final;");
      int share = (whole.length + 3) / 4;
      for (int i = 0; i < 4; i++) {
        byte[] part =
            Arrays.copyOfRange(
                whole, Math.min(whole.length, i * share), Math.min(whole.length, (i + 1) * share));
        URL url = TusConcatenationToVsftpdTest.sendPartial(httpPort, part);
        concat.append(url).append(' ');
      }
      HttpResponse<String> joined =
          new TusRequests(httpPort)
              .send(
                  "POST",
                  "/tus/",
                  null,
                  true,
                  "Prefer",
                  "respond-async",
                  "Upload-Concat",
                  concat.toString().trim(),
                  "Upload-Metadata",
                  TusRequests.metadata("filename", "joined.bin", "folder", "crash"));
      assertThat(joined.statusCode()).as(joined.body()).isEqualTo(201);
      id = TusProtocolTest.idOf(joined.headers().firstValue("Location").orElseThrow());
      String transferId = id;
      Poll.until(
          "the transfer failed an attempt and waits in the spool",
          Duration.ofSeconds(20),
          () -> new JsonObject(new Http(httpPort).get("/transfers/" + transferId).body()),
          t -> t.getInteger("attempts", 0) >= 1);
      List<String> spooled = TestFiles.filesUnder(dir.resolve("spool"));
      assertThat(spooled)
          .as("the final's body is its four parts, journalled; no copy of them")
          .contains(id + ".json", id + ".0.part", id + ".1.part", id + ".2.part", id + ".3.part")
          .noneMatch(f -> f.equals(id + ".body"));
      gateway.kill();
    }

    try (ObservedFtpServer ftp = ObservedFtpServer.start(dir, 100, 0, new NoTruncateFileSystem());
        GatewayProcess restarted =
            GatewayProcess.start(
                config.copy().put("relay", relay(ftp.port())), dir.resolve("gw.json"))) {
      String transferId = id;
      JsonObject transfer =
          Poll.until(
              "the transfer is delivered after the restart",
              Duration.ofSeconds(60),
              () -> new JsonObject(new Http(httpPort).get("/transfers/" + transferId).body()),
              t -> "delivered".equals(t.getString("state")));
      assertThat(transfer.getString("sha256")).isEqualTo(TestFiles.sha256(file));
      assertThat(TestFiles.sha256(ftp.root().resolve("crash/joined.bin")))
          .isEqualTo(TestFiles.sha256(file));
      assertThat(TestFiles.filesUnder(ftp.root())).containsExactly("crash/joined.bin");
      assertThat(
              Poll.settle(
                  Duration.ofSeconds(10),
                  () -> TestFiles.filesUnder(dir.resolve("spool")),
                  files -> files.stream().allMatch(f -> f.matches("tus/\\w+\\.info"))))
          .as("nothing of the transfer is left in the spool")
          .allMatch(f -> f.matches("tus/\\w+\\.info"));
    }
  }

  private static JsonObject relay(int port) {
    return new JsonObject()
        .put(
            "target",
            new JsonObject()
                .put("host", "127.0.0.1")
                .put("port", port)
                .put("user", ObservedFtpServer.USER)
                .put("password", ObservedFtpServer.PASSWORD));
  }
}
