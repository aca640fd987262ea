package ftpgw.client;

import static ftpgw.testing.TestFiles.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.CuttableProxy;
import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.MpjJob;
import ftpgw.testing.Poll;
import ftpgw.testing.TestFiles;
import ftpgw.testing.VsftpdServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --split-above} in a real 4-rank MPJ Express job: one file above it is sent as 4 tus
 * partials, one per rank, and joined by rank 0 into one file, on the embedded FTP server and on
 * vsftpd; a job killed halfway and run again sends only what the gateway lacks; a partial refused
 * for good fails the file with no final upload and nothing left behind.
 */
@ExtendWith(VertxExtension.class)
class MpjSplitUploadIT {
  private static final long SIZE = 40 * MiB + 3;
  private static final Pattern JOINED =
      Pattern.compile("joined in/big\\.bin from 4 parts \\(ranks 0-3\\) as (\\S+): delivered");

  @TempDir Path dir;

  @Test
  void fourRanksSendOnePartialEachAndRankZeroJoinsThemOnTheEmbeddedServer(Vertx vertx)
      throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    Path work = Files.createDirectories(dir.resolve("work"));
    Path file = TestFiles.random(work, "big.bin", SIZE);

    uploadSplit(gateway, work);

    assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("in/big.bin")))
        .isEqualTo(TestFiles.sha256(file));
    assertThat(TestFiles.filesUnder(gateway.ftpRoot())).containsExactly("in/big.bin");
  }

  @Test
  void fourRanksSendOnePartialEachAndRankZeroJoinsThemOnVsftpd(Vertx vertx) throws Exception {
    try (VsftpdServer vsftpd = VsftpdServer.start()) {
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
      Path work = Files.createDirectories(dir.resolve("work"));
      Path file = TestFiles.random(work, "big.bin", SIZE);

      uploadSplit(gateway, work);

      assertThat(TestFiles.sha256(vsftpd.root().resolve("in/big.bin")))
          .isEqualTo(TestFiles.sha256(file));
      assertThat(vsftpd.files()).containsExactly("in/big.bin");
      assertThat(vsftpd.temporaryFiles()).isEmpty();
    }
  }

  @Test
  void aPartialRefusedForGoodFailsTheFileAndTerminatesTheOthers(Vertx vertx) throws Exception {
    // room for 3 of the 4 partials of 10 MiB: one creation is 503 SPOOL_FULL
    GatewayUnderTest gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject().put("spool", new JsonObject().put("maxBytes", 35 * MiB)));
    Path work = Files.createDirectories(dir.resolve("work"));
    TestFiles.random(work, "big.bin", SIZE);

    try (MpjJob job = MpjJob.start(work, List.of("-np", "4"), args(gateway, "--attempts", "1"))) {
      int exit = job.awaitExit(Duration.ofMinutes(5));

      assertThat(exit).as(job.outputText()).isEqualTo(1);
      assertThat(ReportRow.parse(job.output()))
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.rank()).isZero();
                assertThat(r.lastRank()).isEqualTo(3);
                assertThat(r.status())
                    .matches(
                        "FAILED: part [1-4]/4 \\(rank [0-3]\\) failed: HTTP 503 SPOOL_FULL: .*;"
                            + " no final upload sent, 3 partials terminated");
              });
      assertThat(job.outputText())
          .doesNotContain("joined ")
          .contains("total: 1 file, 0 arrived, 1 failed")
          .contains("mpj-client: not every file arrived: 1 failed");
    }
    // no partial holds spool room: their bodies and states are gone
    assertThat(Poll.settle(Duration.ofSeconds(5), gateway::strayFiles, List::isEmpty)).isEmpty();
    assertThat(TestFiles.filesUnder(gateway.ftpRoot())).isEmpty();
    assertThat(TestFiles.filesUnder(work.resolve(".ftpgw-resume"))).isEmpty();
  }

  @Test
  void aJobKilledHalfwayAndRunAgainSendsOnlyTheMissingBytes(Vertx vertx) throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    Path work = Files.createDirectories(dir.resolve("work"));
    Path file = TestFiles.random(work, "big.bin", SIZE);

    try (CuttableProxy link = new CuttableProxy(gateway.httpPort())) {
      long killedAt;
      try (MpjJob job = MpjJob.start(work, List.of("-np", "4"), args(link.port()))) {
        killedAt =
            Poll.until(
                "half of the file sent",
                Duration.ofMinutes(3),
                link.upstreamBytes::get,
                sent -> sent >= SIZE / 2);
        job.handle().descendants().forEach(ProcessHandle::destroyForcibly);
        job.handle().destroyForcibly();
        job.handle().onExit().get();
      }
      assertThat(TestFiles.filesUnder(gateway.ftpRoot())).isEmpty();
      // the partials' URLs (one per rank that had created its partial; on a loaded machine a rank
      // may not have started yet)
      assertThat(TestFiles.filesUnder(work.resolve(".ftpgw-resume")))
          .isNotEmpty()
          .hasSizeLessThan(5);

      long before = link.upstreamBytes.get();
      try (MpjJob again = MpjJob.start(work, List.of("-np", "4"), args(link.port()))) {
        int exit = again.awaitExit(Duration.ofMinutes(5));

        assertThat(exit).as(again.outputText()).isZero();
        long sentAgain = link.upstreamBytes.get() - before;
        // what the gateway lacked, plus the bytes that were on their way when the job died (socket
        // buffers) and the requests' heads: not the whole file again
        assertThat(sentAgain)
            .as(again.outputText())
            .isLessThan(SIZE - killedAt + 8 * MiB)
            .isLessThan(SIZE * 3 / 4);
      }
    }
    assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("in/big.bin")))
        .isEqualTo(TestFiles.sha256(file));
    assertThat(TestFiles.filesUnder(work.resolve(".ftpgw-resume"))).isEmpty();
  }

  /** The 4-rank job, its report, and the gateway's record of the 4 partials it joined. */
  private void uploadSplit(GatewayUnderTest gateway, Path work) throws Exception {
    try (MpjJob job = MpjJob.start(work, List.of("-np", "4"), args(gateway))) {
      int exit = job.awaitExit(Duration.ofMinutes(5));

      assertThat(exit).as(job.outputText()).isZero();
      assertThat(ReportRow.parse(job.output()))
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.file()).isEqualTo("in/big.bin");
                assertThat(r.rank()).isZero();
                assertThat(r.lastRank()).isEqualTo(3);
                assertThat(r.bytes()).isEqualTo(SIZE);
                assertThat(r.status()).isEqualTo("OK");
              });
      for (int rank = 0; rank < 4; rank++) {
        assertThat(job.outputText())
            .containsPattern("rank " + rank + ": part " + (rank + 1) + "/4 of in/big.bin sent");
      }
      assertThat(job.outputText())
          .contains("Uploading 1 file (40.0 MiB) with 4 ranks to in")
          .contains("total: 1 file, 1 arrived, 0 failed, " + SIZE + " bytes in");
      Matcher joined = JOINED.matcher(job.outputText());
      assertThat(joined.find()).as(job.outputText()).isTrue();
      // the gateway keeps the final upload's state until it expires: it lists the 4 partials
      HttpResponse<Void> head =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(joined.group(1)))
                      .header("Tus-Resumable", "1.0.0")
                      .method("HEAD", HttpRequest.BodyPublishers.noBody())
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.headers().firstValue("Upload-Concat").orElse(""))
          .matches("final;(/tus/\\w+ ){3}/tus/\\w+");
      assertThat(head.headers().firstValue("Upload-Length")).hasValue(String.valueOf(SIZE));
    }
    // nothing left: no partial in the spool (the final's small state stays until it expires), no
    // remembered partial in the job's state folder
    assertThat(
            Poll.settle(
                Duration.ofSeconds(5),
                () ->
                    gateway.strayFiles().stream()
                        .filter(f -> !f.matches("spool/tus/\\w+\\.info"))
                        .toList(),
                List::isEmpty))
        .isEmpty();
    assertThat(TestFiles.filesUnder(gateway.spoolDir().resolve("tus"))).hasSize(1);
    assertThat(TestFiles.filesUnder(work.resolve(".ftpgw-resume"))).isEmpty();
  }

  private static List<String> args(GatewayUnderTest gateway, String... more) {
    return args(gateway.httpPort(), more);
  }

  private static List<String> args(int port, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "--gateway",
                "http://127.0.0.1:" + port,
                "--split-above",
                "16777216",
                "--progress",
                "lines",
                "upload",
                "big.bin",
                "--to",
                "in"));
    args.addAll(0, List.of(more));
    return args;
  }
}
