package ftpgw.client;

import static ftpgw.testing.TestFiles.KiB;
import static ftpgw.testing.TestFiles.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.MpjJob;
import ftpgw.testing.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MPI client's download and ls, as a real MPJ Express job (3 ranks, multicore) against a real
 * gateway.
 */
@ExtendWith(VertxExtension.class)
class MpjDownloadIT {
  @TempDir Path dir;

  @Test
  void aFolderArrivesWholeWithEveryRankSharingTheWork(Vertx vertx) throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    Path remote = Files.createDirectories(gateway.ftpRoot().resolve("results/run7/sub"));
    Map<String, Path> files =
        Map.of(
            "big.bin", TestFiles.random(remote.getParent(), "big.bin", 24 * MiB),
            "empty.bin", TestFiles.random(remote.getParent(), "empty.bin", 0),
            "sub/one.bin", TestFiles.random(remote, "one.bin", 1),
            "sub/mid.bin", TestFiles.random(remote, "mid.bin", 3 * MiB + 17),
            "sub/small.bin", TestFiles.random(remote, "small.bin", 100 * KiB));
    Path work = Files.createDirectories(dir.resolve("work"));

    try (MpjJob job =
        MpjJob.start(
            work,
            List.of("-np", "3"),
            List.of("--gateway", gateway.url(""), "download", "results/run7", "--to", "back"))) {
      int exit = job.awaitExit(Duration.ofMinutes(5));

      assertThat(exit).as(job.outputText()).isZero();
      for (Map.Entry<String, Path> f : files.entrySet()) {
        Path landed = work.resolve("back/run7").resolve(f.getKey());
        assertThat(TestFiles.sha256(landed))
            .as(f.getKey())
            .isEqualTo(TestFiles.sha256(f.getValue()));
      }
      assertThat(TestFiles.filesUnder(work.resolve("back")))
          .as("no .part file stays")
          .hasSize(files.size());
      List<ReportRow> rows = ReportRow.parse(job.output());
      assertThat(rows)
          .extracting(ReportRow::file)
          .containsExactlyInAnyOrderElementsOf(
              files.keySet().stream().map(k -> "results/run7/" + k).toList());
      assertThat(rows).allSatisfy(r -> assertThat(r.status()).isEqualTo("OK"));
      assertThat(rows.stream().map(ReportRow::rank).collect(Collectors.toSet()))
          .isEqualTo(Set.of(0, 1, 2));
      assertThat(job.outputText())
          .contains("total: 5 files, 5 arrived, 0 failed")
          .doesNotContain("exiting."); // the summary is the job's last word (issue 22)
    }
  }

  @Test
  void lsListsAFolderAndAMissingRemoteFails(Vertx vertx) throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    Files.createDirectories(gateway.ftpRoot().resolve("data/inner"));
    Files.writeString(gateway.ftpRoot().resolve("data/a.txt"), "12345");
    Path work = Files.createDirectories(dir.resolve("work"));

    try (MpjJob job =
        MpjJob.start(
            work, List.of("-np", "2"), List.of("--gateway", gateway.url(""), "ls", "data"))) {
      assertThat(job.awaitExit(Duration.ofMinutes(2))).as(job.outputText()).isZero();
      assertThat(job.outputText())
          .containsPattern("-\\s+\\S+\\s+inner/")
          .containsPattern("5\\s+\\S+\\s+a.txt")
          .contains("2 entries");
    }
    try (MpjJob job =
        MpjJob.start(
            work,
            List.of("-np", "2"),
            List.of("--gateway", gateway.url(""), "download", "nothing/here.bin", "--to", "x"))) {
      assertThat(job.awaitExit(Duration.ofMinutes(2))).as(job.outputText()).isEqualTo(1);
      assertThat(job.outputText()).contains("Not found on the gateway: nothing/here.bin");
      assertThat(work.resolve("x")).doesNotExist();
    }
  }

  @Test
  void thePromptListsAndDownloads(Vertx vertx) throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    Files.createDirectories(gateway.ftpRoot().resolve("p"));
    Path file = TestFiles.random(gateway.ftpRoot().resolve("p"), "f.bin", 2 * MiB);
    Path work = Files.createDirectories(dir.resolve("work"));

    try (MpjJob job =
        MpjJob.start(work, List.of("-np", "2"), List.of("--gateway", gateway.url("")))) {
      job.type("ls p\ndownload p/f.bin --to got\nquit\n", true);
      assertThat(job.awaitExit(Duration.ofMinutes(2))).as(job.outputText()).isZero();
      assertThat(job.outputText()).contains("f.bin").contains("1 arrived");
      assertThat(TestFiles.sha256(work.resolve("got/f.bin"))).isEqualTo(TestFiles.sha256(file));
    }
  }
}
