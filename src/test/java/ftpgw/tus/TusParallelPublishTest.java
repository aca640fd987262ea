package ftpgw.tus;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.ftpserver.NoTruncateFileSystem;
import ftpgw.testing.CuttableProxy;
import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Http;
import ftpgw.testing.ObservedFtpServer;
import ftpgw.testing.Poll;
import ftpgw.testing.TestFiles;
import ftpgw.testing.VsftpdServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tus final concatenation is published from its partials' spooled files, never copied into one:
 * in parallel (REST + STOR per part) on a server that writes at offsets, in one STOR on a server
 * that cuts the file at the offset (stock Apache FtpServer) or when {@code relay.offsetWrites} is
 * off. Uploads are throttled per FTP session, so parallel STORs overlap for long enough to be seen
 * by the server.
 */
@ExtendWith(VertxExtension.class)
class TusParallelPublishTest {
  private static final int KiB = 1024;

  @TempDir Path dir;

  @Test
  void fourPartsAreWrittenAtOnceIntoOneFile(Vertx vertx) throws Exception {
    try (ObservedFtpServer ftp =
        ObservedFtpServer.start(dir, 100, 512 * KiB, new NoTruncateFileSystem())) {
      GatewayUnderTest gateway = gateway(vertx, ftp.port(), "auto");
      Path file = TestFiles.random(dir, "whole.bin", 4L * 256 * KiB + 3);
      publishInFourParts(gateway, file, "parallel/joined.bin");

      assertThat(ftp.maxConcurrentUploads())
          .as("the server saw the parts' STORs overlap\n" + ftp.events())
          .isGreaterThanOrEqualTo(2);
      assertThat(TestFiles.sha256(ftp.root().resolve("parallel/joined.bin")))
          .isEqualTo(TestFiles.sha256(file));
      assertThat(ftp.renamesTo("parallel/joined.bin")).isEqualTo(1);
      assertThat(TestFiles.filesUnder(ftp.root())).containsExactly("parallel/joined.bin");
      assertThat(TusProtocolTest.strayFiles(gateway)).isEmpty();
    }
  }

  @Test
  void fourPartsOverlapOnVsftpd(Vertx vertx) throws Exception {
    try (VsftpdServer vsftpd = VsftpdServer.startThrottled(512 * KiB)) {
      GatewayUnderTest gateway =
          GatewayUnderTest.start(
              vertx,
              dir.resolve("gw"),
              new JsonObject()
                  .put("ftpServer", new JsonObject().put("enabled", false))
                  .put(
                      "relay",
                      new JsonObject()
                          .put(
                              "target",
                              new JsonObject()
                                  .put("host", vsftpd.host())
                                  .put("port", vsftpd.port())
                                  .put("user", vsftpd.user())
                                  .put("password", vsftpd.password()))));
      Path file = TestFiles.random(dir, "whole.bin", 4L * 256 * KiB + 3);
      publishInFourParts(gateway, file, "vsftpd/joined.bin");

      List<String> log = Files.readAllLines(vsftpd.log());
      assertThat(overlappingStors(log))
          .as("vsftpd's log shows the parts' STORs in progress at once")
          .isGreaterThanOrEqualTo(2);
      assertThat(TestFiles.sha256(vsftpd.root().resolve("vsftpd/joined.bin")))
          .isEqualTo(TestFiles.sha256(file));
      assertThat(vsftpd.temporaryFiles()).isEmpty();
      assertThat(TusProtocolTest.strayFiles(gateway)).isEmpty();
    }
  }

  /**
   * The most STORs of a temporary file between their 150 and their final reply at once, from
   * vsftpd's protocol log ({@code [pid N] ... FTP command/response}; a session is a process).
   */
  static int overlappingStors(List<String> log) {
    java.util.Set<String> asked = new java.util.HashSet<>();
    java.util.Set<String> receiving = new java.util.HashSet<>();
    int most = 0;
    for (String line : log) {
      int at = line.indexOf("[pid ");
      if (at < 0) {
        continue;
      }
      String pid = line.substring(at, line.indexOf(']', at));
      if (line.contains("FTP command:") && line.contains("\"STOR ")) {
        if (line.contains(".ftpgw-") && !line.contains("probe")) {
          asked.add(pid);
        }
      } else if (line.contains("FTP response:") && asked.contains(pid)) {
        if (line.contains("\"150 ")) {
          receiving.add(pid);
          most = Math.max(most, receiving.size());
        } else {
          asked.remove(pid);
          receiving.remove(pid);
        }
      }
    }
    return most;
  }

  @Test
  void aServerThatCutsTheFileAtTheOffsetGetsOneStorOfThePartsInOrder(Vertx vertx) throws Exception {
    try (ObservedFtpServer ftp = ObservedFtpServer.start(dir, 100, 2048 * KiB)) { // stock FtpServer
      GatewayUnderTest gateway = gateway(vertx, ftp.port(), "auto");
      Path file = TestFiles.random(dir, "whole.bin", 4L * 256 * KiB + 3);
      publishInFourParts(gateway, file, "sequential/joined.bin");

      assertThat(ftp.maxConcurrentUploads()).as(ftp.events()).isEqualTo(1);
      assertThat(TestFiles.sha256(ftp.root().resolve("sequential/joined.bin")))
          .isEqualTo(TestFiles.sha256(file));
      assertThat(TestFiles.filesUnder(ftp.root()))
          .as("the probe file is gone too")
          .containsExactly("sequential/joined.bin");
      assertThat(TusProtocolTest.strayFiles(gateway)).isEmpty();
    }
  }

  @Test
  void offsetWritesOffSendsOneStorEvenToAServerThatCouldWriteAtOffsets(Vertx vertx)
      throws Exception {
    try (ObservedFtpServer ftp =
        ObservedFtpServer.start(dir, 100, 2048 * KiB, new NoTruncateFileSystem())) {
      GatewayUnderTest gateway = gateway(vertx, ftp.port(), "off");
      Path file = TestFiles.random(dir, "whole.bin", 4L * 256 * KiB + 3);
      publishInFourParts(gateway, file, "off/joined.bin");

      assertThat(ftp.maxConcurrentUploads()).as(ftp.events()).isEqualTo(1);
      assertThat(TestFiles.sha256(ftp.root().resolve("off/joined.bin")))
          .isEqualTo(TestFiles.sha256(file));
      assertThat(TestFiles.filesUnder(ftp.root())).containsExactly("off/joined.bin");
    }
  }

  @Test
  void partsBrokenOffMidwayAreRetriedAndLeaveNoTemporaryFile(Vertx vertx) throws Exception {
    try (ObservedFtpServer ftp =
            ObservedFtpServer.start(dir, 100, 512 * KiB, new NoTruncateFileSystem());
        CuttableProxy proxy = new CuttableProxy(ftp.port())) {
      AtomicBoolean cut = new AtomicBoolean();
      ftp.onUploadStart(
          name -> {
            // the second range's STOR: several are on the wire; cut every control connection
            if (!name.contains("probe")
                && ftp.maxConcurrentUploads() >= 2
                && cut.compareAndSet(false, true)) {
              new Thread(proxy::cut).start();
            }
          });
      GatewayUnderTest gateway = gateway(vertx, proxy.port(), "auto");
      Path file = TestFiles.random(dir, "whole.bin", 4L * 256 * KiB + 3);
      String id = publishInFourParts(gateway, file, "cut/joined.bin");

      assertThat(cut).as("the parts were cut off while written").isTrue();
      JsonObject transfer =
          new JsonObject(new Http(gateway.httpPort()).get("/transfers/" + id).body());
      assertThat(transfer.getInteger("attempts")).as(transfer.encode()).isGreaterThanOrEqualTo(2);
      assertThat(TestFiles.sha256(ftp.root().resolve("cut/joined.bin")))
          .isEqualTo(TestFiles.sha256(file));
      assertThat(ftp.renamesTo("cut/joined.bin")).isEqualTo(1);
      assertThat(
              Poll.settle(
                  Duration.ofSeconds(20),
                  () -> TestFiles.filesUnder(ftp.root()),
                  f -> f.size() == 1))
          .as("the broken attempt's temporary file is removed")
          .containsExactly("cut/joined.bin");
      assertThat(TusProtocolTest.strayFiles(gateway)).isEmpty();
    }
  }

  private GatewayUnderTest gateway(Vertx vertx, int ftpPort, String offsetWrites) {
    return GatewayUnderTest.start(
        vertx,
        dir.resolve("gw"),
        new JsonObject()
            .put("ftpServer", new JsonObject().put("enabled", false))
            .put("delivery", new JsonObject().put("initialBackoffMs", 50).put("maxBackoffMs", 200))
            .put(
                "relay",
                new JsonObject()
                    .put("offsetWrites", offsetWrites)
                    .put(
                        "target",
                        new JsonObject()
                            .put("host", "127.0.0.1")
                            .put("port", ftpPort)
                            .put("user", ObservedFtpServer.USER)
                            .put("password", ObservedFtpServer.PASSWORD))));
  }

  /**
   * Sends {@code file} as 4 partial uploads and joins them in a final upload that waits for the
   * delivery; checks the answer's digest and returns the transfer id.
   */
  static String publishInFourParts(GatewayUnderTest gateway, Path file, String target)
      throws Exception {
    byte[] whole = Files.readAllBytes(file);
    int parts = 4;
    int share = (whole.length + parts - 1) / parts;
    List<URL> urls = new ArrayList<>();
    for (int i = 0; i < parts; i++) {
      byte[] part =
          Arrays.copyOfRange(
              whole, Math.min(whole.length, i * share), Math.min(whole.length, (i + 1) * share));
      urls.add(TusConcatenationToVsftpdTest.sendPartial(gateway.httpPort(), part));
    }
    StringBuilder concat = new StringBuilder("final;");
    urls.forEach(url -> concat.append(url).append(' '));
    int slash = target.lastIndexOf('/');
    HttpResponse<String> joined =
        new TusRequests(gateway.httpPort())
            .send(
                "POST",
                "/tus/",
                null,
                true,
                "Upload-Concat",
                concat.toString().trim(),
                "Upload-Metadata",
                TusRequests.metadata(
                    "filename", target.substring(slash + 1), "folder", target.substring(0, slash)));
    assertThat(joined.statusCode()).as(joined.body()).isEqualTo(201);
    assertThat(joined.headers().firstValue("Ftpgw-Transfer-State")).hasValue("delivered");
    String sha256 = TestFiles.sha256(file);
    assertThat(joined.headers().firstValue("Repr-Digest")).hasValue(TestFiles.reprDigest(sha256));
    String id = TusProtocolTest.idOf(joined.headers().firstValue("Location").orElseThrow());
    assertThat(
            new JsonObject(new Http(gateway.httpPort()).get("/transfers/" + id).body())
                .getString("sha256"))
        .isEqualTo(sha256);
    return id;
  }
}
