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
 * The MPI client in batch mode, run as a real MPJ Express job (3 ranks, multicore) against a real
 * gateway.
 */
@ExtendWith(VertxExtension.class)
class MpjBatchUploadIT {
  @TempDir Path dir;

  @Test
  void aMixedFolderArrivesWholeWithEveryRankSharingTheWork(Vertx vertx) throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    Path data = Files.createDirectories(dir.resolve("work/data/sub/deeper"));
    Map<String, Path> files =
        Map.of(
            "big.bin", TestFiles.random(dir.resolve("work/data"), "big.bin", 64 * MiB),
            "empty.bin", TestFiles.random(dir.resolve("work/data"), "empty.bin", 0),
            "sub/one.bin", TestFiles.random(dir.resolve("work/data/sub"), "one.bin", 1),
            "sub/mid.bin", TestFiles.random(dir.resolve("work/data/sub"), "mid.bin", 3 * MiB + 17),
            "sub/deeper/small.bin", TestFiles.random(data, "small.bin", 100 * KiB),
            "sub/deeper/other.bin", TestFiles.random(data, "other.bin", 5 * MiB));

    try (MpjJob job =
        MpjJob.start(
            dir.resolve("work"),
            List.of("-np", "3"),
            List.of("--gateway", gateway.url(""), "upload", "data", "--to", "results/run42"))) {
      int exit = job.awaitExit(Duration.ofMinutes(5));

      assertThat(exit).as(job.outputText()).isZero();
      for (Map.Entry<String, Path> f : files.entrySet()) {
        Path landed = gateway.ftpRoot().resolve("results/run42/data").resolve(f.getKey());
        assertThat(TestFiles.sha256(landed))
            .as(f.getKey())
            .isEqualTo(TestFiles.sha256(f.getValue()));
      }
      List<ReportRow> rows = ReportRow.parse(job.output());
      assertThat(rows)
          .extracting(ReportRow::file)
          .containsExactlyInAnyOrderElementsOf(
              files.keySet().stream().map(k -> "results/run42/data/" + k).toList());
      assertThat(rows).allSatisfy(r -> assertThat(r.status()).isEqualTo("OK"));
      assertThat(rows.stream().map(ReportRow::rank).collect(Collectors.toSet()))
          .isEqualTo(Set.of(0, 1, 2));
      assertThat(rows)
          .filteredOn(r -> r.file().endsWith("big.bin"))
          .singleElement()
          .satisfies(r -> assertThat(r.bytes()).isEqualTo(64 * MiB));
      assertThat(job.outputText())
          .containsPattern(
              "total: 6 files, 6 arrived, 0 failed, \\d+ bytes in [\\d.]+ s on 3 ranks:"
                  + " [\\d.]+ MB/s aggregate")
          .contains("Uploading 6 files (")
          .doesNotContain("exiting.");
      // the summary is the last word: no worker's line comes after it
      assertThat(job.output().get(job.output().size() - 1)).startsWith("total: 6 files, 6 arrived");
      assertThat(gateway.strayFiles()).isEmpty();
    }
  }

  @Test
  void theLiveBarIsFedByEveryRankAndReachesTheWholePlan(Vertx vertx) throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    Path data = Files.createDirectories(dir.resolve("work/data"));
    for (int i = 0; i < 6; i++) {
      TestFiles.random(data, "p" + i + ".bin", 2 * MiB);
    }

    try (MpjJob job =
        MpjJob.start(
            dir.resolve("work"),
            List.of("-np", "3"),
            List.of("--gateway", gateway.url(""), "--progress", "bar", "upload", "data"))) {
      int exit = job.awaitExit(Duration.ofMinutes(2));

      assertThat(exit).as(job.outputText()).isZero();
      // the bar is redrawn after '\r', which the reader of the output takes as the end of a line
      String finalBar =
          job.output().stream()
              .filter(l -> l.matches("^\\[[#.]{30}\\].*"))
              .reduce((a, b) -> b)
              .orElse("");
      assertThat(finalBar)
          .startsWith("[" + "#".repeat(30) + "] 100% 12.0 MiB of 12.0 MiB, 6/6 files,");
      assertThat(job.outputText()).doesNotContain("rank 1: [").doesNotContain("rank 2: [");
      assertThat(TestFiles.filesUnder(gateway.ftpRoot())).hasSize(6);
    }
  }

  @Test
  void aMissingPathIsReportedAndTheRestStillArrivesEvenFromAGlobInTheCurrentFolder(Vertx vertx)
      throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    Path work = Files.createDirectories(dir.resolve("work"));
    Path present = TestFiles.random(work, "present.bin", 70 * KiB);

    try (MpjJob job =
        MpjJob.start(
            work,
            List.of("-np", "3"),
            List.of("--gateway", gateway.url(""), "upload", "*.bin", "absent.bin", "--to", "in"))) {
      int exit = job.awaitExit(Duration.ofMinutes(2));

      assertThat(exit).as(job.outputText()).isEqualTo(1);
      assertThat(job.output()).contains("File not found: absent.bin");
      assertThat(job.outputText())
          .contains("mpj-client: not every file arrived: 0 failed, 1 path not found")
          .contains("total: 1 file, 1 arrived, 0 failed");
      assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("in/present.bin")))
          .isEqualTo(TestFiles.sha256(present));
      assertThat(TestFiles.filesUnder(gateway.ftpRoot())).containsExactly("in/present.bin");
    }
  }

  @Test
  void gatewayDownIsOneMessageInsteadOfAFailedRowPerFileAndEveryRankExits() throws Exception {
    Path work = Files.createDirectories(dir.resolve("work/data"));
    for (int i = 0; i < 4; i++) {
      TestFiles.random(work, "f" + i + ".bin", (i + 1) * 10 * KiB);
    }
    int closedPort = ftpgw.testing.FreePorts.one();

    try (MpjJob job =
        MpjJob.start(
            dir.resolve("work"),
            List.of("-np", "3"),
            List.of(
                "--gateway",
                "http://127.0.0.1:" + closedPort,
                "--retry-delay-ms",
                "100",
                "upload",
                "data"))) {
      int exit = job.awaitExit(Duration.ofMinutes(2));

      assertThat(exit).as(job.outputText()).isEqualTo(3);
      assertThat(ReportRow.parse(job.output())).isEmpty();
      assertThat(job.output())
          .containsOnlyOnce(
              "The gateway http://127.0.0.1:"
                  + closedPort
                  + " cannot be used (it is not"
                  + " reachable: connection refused; 4 attempts): is it running, and is --gateway (or FTPGW_GATEWAY) right?"
                  + " Nothing was sent.");
      assertThat(job.outputText())
          .doesNotContain("Uploading")
          .doesNotContain("total:")
          .doesNotContain("ETA")
          .doesNotContain("not every file arrived");
      assertThat(job.handle().descendants().filter(ProcessHandle::isAlive).count()).isZero();
    }
  }
}
