package ftpgw.client;

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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * 3 ranks as separate JVMs on niodev over loopback, started by deploy/mpjrun without mpjboot,
 * daemons or ssh.
 */
@ExtendWith(VertxExtension.class)
class MpjNiodevIT {
  @TempDir Path dir;

  @Test
  void threeRankJvmsShareTheUploadOverLoopback(Vertx vertx) throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    Path data = Files.createDirectories(dir.resolve("work/data"));
    List<Path> files =
        List.of(
            TestFiles.random(data, "x.bin", 24 * MiB),
            TestFiles.random(data, "y.bin", 16 * MiB),
            TestFiles.random(data, "z.bin", 8 * MiB),
            TestFiles.random(data, "w.bin", 1000));

    try (MpjJob job =
        MpjJob.start(
            dir.resolve("work"),
            List.of("-np", "3", "-dev", "niodev"),
            List.of("--gateway", gateway.url(""), "upload", "data/*.bin", "--to", "nio"))) {
      Set<Long> rankJvms = new HashSet<>();
      while (job.handle().isAlive()) {
        // a rank is a java process with niodev among its arguments (mpjrun's own subshells carry
        // "-dev niodev" too)
        job.handle()
            .descendants()
            .filter(
                p ->
                    p.info().command().orElse("").endsWith("/java")
                        && p.info().commandLine().orElse("").contains(" niodev "))
            .forEach(p -> rankJvms.add(p.pid()));
        Thread.sleep(20);
      }
      int exit = job.awaitExit(Duration.ofMinutes(3));

      assertThat(exit).as(job.outputText()).isZero();
      assertThat(rankJvms).as("rank JVMs seen").hasSize(3);
      for (Path f : files) {
        assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("nio").resolve(f.getFileName())))
            .isEqualTo(TestFiles.sha256(f));
      }
      List<ReportRow> rows = ReportRow.parse(job.output());
      assertThat(rows).hasSize(4).allSatisfy(r -> assertThat(r.status()).isEqualTo("OK"));
      assertThat(rows.stream().map(ReportRow::rank).collect(Collectors.toSet()))
          .isEqualTo(Set.of(0, 1, 2));
      assertThat(job.outputText()).doesNotContain("exiting.");
    }
  }

  @Test
  void rankZerosPromptReadsTheLaunchersStdin(Vertx vertx) throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    Path work = Files.createDirectories(dir.resolve("work"));
    Path a = TestFiles.random(work, "a.bin", 3 * MiB);
    Path b = TestFiles.random(work, "b.bin", 1 * MiB);

    try (MpjJob job =
        MpjJob.start(
            work, List.of("-np", "2", "-dev", "niodev"), List.of("--gateway", gateway.url("")))) {
      job.type("upload a.bin b.bin --to typed\nstatus\nquit\n", false);
      int exit = job.awaitExit(Duration.ofMinutes(2));

      assertThat(exit).as(job.outputText()).isZero();
      assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("typed/a.bin")))
          .isEqualTo(TestFiles.sha256(a));
      assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("typed/b.bin")))
          .isEqualTo(TestFiles.sha256(b));
      assertThat(job.outputText())
          .contains("total: 2 files, 2 arrived, 0 failed")
          .contains("ranks: 2")
          .contains("Exiting Client.");
    }
  }
}
