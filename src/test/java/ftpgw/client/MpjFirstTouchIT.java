package ftpgw.client;

import static ftpgw.testing.TestFiles.KiB;
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
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user of the MPI client met in the first ten minutes (issue 22), run as real MPJ jobs.
 */
@ExtendWith(VertxExtension.class)
class MpjFirstTouchIT {
  @TempDir Path dir;

  @Test
  void hostAndPortWithoutASchemeIsAcceptedAsCurlDoesAndOneOfEverythingIsSingular(Vertx vertx)
      throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    Path work = Files.createDirectories(dir.resolve("work"));
    Path file = TestFiles.random(work, "one.bin", 3 * KiB);
    String hostPort = gateway.url("").replaceFirst("^http://", "").replaceFirst("/$", "");

    try (MpjJob job =
        MpjJob.start(
            work, List.of("-np", "1"), List.of("--gateway", hostPort, "upload", "one.bin"))) {
      int exit = job.awaitExit(Duration.ofMinutes(2));

      assertThat(exit).as(job.outputText()).isZero();
      assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("one.bin")))
          .isEqualTo(TestFiles.sha256(file));
      assertThat(job.output()).contains("Uploading 1 file (3.0 KiB) with 1 rank to /");
      assertThat(job.outputText())
          .containsPattern("total: 1 file, 1 arrived, 0 failed, 3072 bytes in [\\d.]+ s on 1 rank:")
          .doesNotContain("Exception");
    }
  }

  @Test
  void aGatewayThatIsNoHttpUrlIsAUsageErrorOnEveryRank() throws Exception {
    Path work = Files.createDirectories(dir.resolve("work"));
    TestFiles.random(work, "one.bin", KiB);

    try (MpjJob job =
        MpjJob.start(
            work,
            List.of("-np", "2"),
            List.of("--gateway", "ftp://127.0.0.1:21", "upload", "one.bin"))) {
      int exit = job.awaitExit(Duration.ofMinutes(2));

      assertThat(exit).as(job.outputText()).isEqualTo(2);
      assertThat(job.output())
          .containsOnlyOnce(
              "mpj-client: --gateway 'ftp://127.0.0.1:21' is not a gateway URL (the"
                  + " gateway speaks http:// or https://, not ftp://); e.g. http://127.0.0.1:6969 or 127.0.0.1:6969");
      assertThat(job.outputText()).doesNotContain("Exception").doesNotContain("Uploading");
    }
  }

  @Test
  void anOptionThatCouldOnlyCrashLaterIsAUsageErrorNotASilentSuccess() throws Exception {
    Path work = Files.createDirectories(dir.resolve("work"));
    TestFiles.random(work, "one.bin", KiB);

    // before: RetryBackoff threw inside main, MPJ printed an InvocationTargetException and the job
    // exited 0
    try (MpjJob job =
        MpjJob.start(work, List.of("-np", "2"), List.of("--attempts", "0", "upload", "one.bin"))) {
      int exit = job.awaitExit(Duration.ofMinutes(2));

      assertThat(exit).as(job.outputText()).isEqualTo(2);
      assertThat(job.output()).containsOnlyOnce("mpj-client: --attempts must be at least 1, got 0");
      assertThat(job.outputText()).doesNotContain("Exception");
    }
  }

  @Test
  void whenNothingWasAttemptedItDoesNotSayNotEveryFileArrived() throws Exception {
    Path work = Files.createDirectories(dir.resolve("work"));

    try (MpjJob job =
        MpjJob.start(
            work,
            List.of("-np", "2"),
            List.of("--gateway", "127.0.0.1:9", "upload", "absent.bin"))) {
      int exit = job.awaitExit(Duration.ofMinutes(2));

      assertThat(exit).as(job.outputText()).isEqualTo(1);
      assertThat(job.output())
          .contains("File not found: absent.bin")
          .contains("mpj-client: nothing to upload: 1 path not found");
      assertThat(job.outputText())
          .doesNotContain("not every file arrived")
          .doesNotContain("ETA")
          .doesNotContain("cannot be used");
    }
  }

  @Test
  void onATerminalThePromptHasHistoryAndLineEditing(Vertx vertx) throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    Path work = Files.createDirectories(dir.resolve("work"));
    Path file = TestFiles.random(work, "again.bin", 20 * KiB);

    try (MpjJob job =
        MpjJob.startOnTerminal(work, List.of("-np", "2"), List.of("--gateway", gateway.url("")))) {
      // each command is typed once its prompt shows, as a user would: JLine asks the terminal about
      // itself first
      promptNumber(job, 1);
      job.type("upload again.bin --to first\r", false);
      promptNumber(job, 2);
      // Up recalls the last line; Ctrl-W erases its last word, a new one is typed, Enter: the same
      // upload elsewhere
      job.type("\u001bOA", false); // Up, as an xterm sends it once JLine has switched the keypad on
      Thread.sleep(300);
      job.type("\u0017second\r", false);
      promptNumber(job, 3);
      job.type("status\r", false);
      promptNumber(job, 4);
      job.type("quit\r", false);
      int exit = job.awaitExit(Duration.ofMinutes(1));

      assertThat(exit).as(job.outputText()).isZero();
      assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("first/again.bin")))
          .isEqualTo(TestFiles.sha256(file));
      assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("second/again.bin")))
          .isEqualTo(TestFiles.sha256(file));
      assertThat(job.outputText())
          .contains("2 uploads this session: 2 files arrived")
          .doesNotContain("Invalid command")
          .doesNotContain("no line editing");
    }
  }

  @Test
  void niodevRankJvmsNeverTearEachOthersLines(Vertx vertx) throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    // names long enough that every per-file line is several of System.out's 128-byte pieces
    Path data = Files.createDirectories(dir.resolve("work/data"));
    int files = 60;
    for (int i = 0; i < files; i++) {
      TestFiles.random(data, String.format("%03d-", i) + "n".repeat(180) + ".bin", 100);
    }

    try (MpjJob job =
        MpjJob.start(
            dir.resolve("work"),
            List.of("-np", "3", "-dev", "niodev"),
            List.of("--gateway", gateway.url(""), "--progress", "lines", "upload", "data"))) {
      int exit = job.awaitExit(Duration.ofMinutes(3));

      assertThat(exit).as(job.outputText()).isZero();
      Pattern whole =
          Pattern.compile(
              "^rank [0-2]: \\[\\d+/\\d+\\] sent data/\\d{3}-n{180}\\.bin \\(100 B, [\\d.]+ s,"
                  + " [\\d.]+ MB/s\\) rank total [\\d.]+ (B|KiB)$");
      List<String> perFile =
          job.output().stream().filter(l -> l.contains("rank ") && l.contains(": [")).toList();
      assertThat(perFile).hasSize(files).allSatisfy(l -> assertThat(l).matches(whole));
      assertThat(ReportRow.parse(job.output())).hasSize(files);
      assertThat(TestFiles.filesUnder(gateway.ftpRoot())).hasSize(files);
    }
  }

  private static void promptNumber(MpjJob job, int n) throws InterruptedException {
    job.awaitOutput(
        out -> count(out, "Enter a command (upload <path>... / status / help / quit): ") >= n,
        Duration.ofMinutes(1));
  }

  private static int count(String text, String what) {
    return text.split(Pattern.quote(what), -1).length - 1;
  }
}
