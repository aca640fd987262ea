package ftpgw.client;

import static ftpgw.testing.TestFiles.KiB;
import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.FreePorts;
import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.MpjJob;
import ftpgw.testing.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transient failures are retried until the gateway is back; a refusal is reported with the
 * gateway's own words.
 */
@ExtendWith(VertxExtension.class)
class MpjRetriesAndRefusalsIT {
  @TempDir Path dir;

  @Test
  void aGatewayThatComesUpDuringTheRetriesStillGetsEveryFile(Vertx vertx) throws Exception {
    Path data = Files.createDirectories(dir.resolve("work/data"));
    for (int i = 0; i < 4; i++) {
      TestFiles.random(data, "r" + i + ".bin", (i + 1) * 50 * KiB);
    }
    int port = FreePorts.one();

    try (MpjJob job =
        MpjJob.start(
            dir.resolve("work"),
            List.of("-np", "2"),
            List.of(
                "--gateway",
                "http://127.0.0.1:" + port,
                "--attempts",
                "10",
                "--retry-delay-ms",
                "300",
                "upload",
                "data",
                "--to",
                "late"))) {
      // the gateway starts only once rank 0 has found it down and is waiting for it
      job.awaitOutput(out -> out.contains("trying again"), Duration.ofMinutes(1));
      GatewayUnderTest gateway =
          GatewayUnderTest.start(
              vertx,
              dir.resolve("gw"),
              new JsonObject().put("http", new JsonObject().put("port", port)));
      int exit = job.awaitExit(Duration.ofMinutes(2));

      assertThat(exit).as(job.outputText()).isZero();
      assertThat(TestFiles.filesUnder(gateway.ftpRoot()))
          .containsExactly(
              "late/data/r0.bin", "late/data/r1.bin", "late/data/r2.bin", "late/data/r3.bin");
      List<ReportRow> rows = ReportRow.parse(job.output());
      assertThat(rows).hasSize(4).allSatisfy(r -> assertThat(r.status()).startsWith("OK"));
      // rank 0 waited for the gateway before dealing out the files: one line, not a retry per file
      assertThat(job.output())
          .containsOnlyOnce(
              "The gateway http://127.0.0.1:"
                  + port
                  + ": it is not reachable: connection refused; trying again (10 attempts in all).");
      assertThat(rows).allSatisfy(r -> assertThat(r.status()).isEqualTo("OK"));
    }
  }

  @Test
  void aFullSpoolIsWaitedOutAsItsRetryAfterSays(Vertx vertx) throws Exception {
    // one upload at a time: the other rank's concurrent PUT gets 503 SPOOL_FULL with Retry-After: 1
    GatewayUnderTest gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject()
                .put("spool", new JsonObject().put("maxFiles", 1).put("retryAfterSeconds", 1)));
    Path data = Files.createDirectories(dir.resolve("work/data"));
    for (int i = 0; i < 4; i++) {
      TestFiles.random(data, "s" + i + ".bin", 8 * 1024 * KiB);
    }

    try (MpjJob job =
        MpjJob.start(
            dir.resolve("work"),
            List.of("-np", "2"),
            List.of("--gateway", gateway.url(""), "--attempts", "20", "upload", "data"))) {
      int exit = job.awaitExit(Duration.ofMinutes(2));

      assertThat(exit).as(job.outputText()).isZero();
      List<ReportRow> rows = ReportRow.parse(job.output());
      assertThat(rows).hasSize(4).allSatisfy(r -> assertThat(r.status()).startsWith("OK"));
      assertThat(rows)
          .anySatisfy(
              r -> assertThat(r.status()).startsWith("OK after ").contains("HTTP 503 SPOOL_FULL"));
      assertThat(TestFiles.filesUnder(gateway.ftpRoot())).hasSize(4);
      assertThat(gateway.strayFiles()).isEmpty();
    }
  }

  @Test
  void aRefusedFileShowsTheGatewaysMessageAndTheOthersStillArrive(Vertx vertx) throws Exception {
    GatewayUnderTest gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject().put("http", new JsonObject().put("maxUploadBytes", 100 * KiB)));
    Path data = Files.createDirectories(dir.resolve("work/data"));
    TestFiles.random(data, "small.bin", 10 * KiB);
    TestFiles.random(data, "huge.bin", 200 * KiB);

    try (MpjJob job =
        MpjJob.start(
            dir.resolve("work"),
            List.of("-np", "2"),
            List.of(
                "--gateway",
                gateway.url(""),
                "--user",
                "alice",
                "--password",
                "s3cret-Pw",
                "upload",
                "data"))) {
      int exit = job.awaitExit(Duration.ofMinutes(2));

      assertThat(exit).as(job.outputText()).isEqualTo(1);
      List<ReportRow> rows = ReportRow.parse(job.output());
      assertThat(rows)
          .filteredOn(r -> r.file().equals("data/small.bin"))
          .singleElement()
          .satisfies(r -> assertThat(r.status()).isEqualTo("OK"));
      assertThat(rows)
          .filteredOn(r -> r.file().equals("data/huge.bin"))
          .singleElement()
          .satisfies(r -> assertThat(r.status()).startsWith("FAILED: HTTP 413 TOO_LARGE: "));
      assertThat(job.outputText())
          .contains("total: 2 files, 1 arrived, 1 failed")
          .doesNotContain("s3cret-Pw");
      assertThat(TestFiles.filesUnder(gateway.ftpRoot())).containsExactly("data/small.bin");
    }
  }
}
