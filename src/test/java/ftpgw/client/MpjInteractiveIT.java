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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The seed's prompt on rank 0 (3 ranks, multicore), driven through stdin. */
@ExtendWith(VertxExtension.class)
class MpjInteractiveIT {
  private static final String PROMPT =
      "Enter a command (upload <path>... / status / help / quit): ";

  @TempDir Path dir;

  @Test
  void uploadStatusAndQuitFromThePrompt(Vertx vertx) throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    Path work = Files.createDirectories(dir.resolve("work/photos/2024"));
    Path a = TestFiles.random(work, "a.jpg", 2 * MiB);
    Path b = TestFiles.random(work, "b.jpg", 300 * KiB);
    Path single = TestFiles.random(dir.resolve("work"), "notes.txt", 5 * KiB);

    try (MpjJob job =
        MpjJob.start(
            dir.resolve("work"),
            List.of("-np", "3"),
            List.of("--gateway", gateway.url(""), "--to", "inbox"))) {
      job.type(
          "help\n"
              + "upload notes.txt photos\n"
              + "upload nothing-here.txt\n"
              + "dance\n"
              + "upload\n"
              + "upload --to\n"
              + "status\n"
              + "quit\n",
          false);
      int exit = job.awaitExit(Duration.ofMinutes(2));

      assertThat(exit).as(job.outputText()).isZero();
      assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("inbox/notes.txt")))
          .isEqualTo(TestFiles.sha256(single));
      assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("inbox/photos/2024/a.jpg")))
          .isEqualTo(TestFiles.sha256(a));
      assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("inbox/photos/2024/b.jpg")))
          .isEqualTo(TestFiles.sha256(b));
      String out = job.outputText();
      assertThat(out)
          .contains(PROMPT)
          .contains("total: 3 files, 3 arrived, 0 failed")
          .contains("File not found: nothing-here.txt")
          .contains(
              "Invalid command. Try 'upload <path>... [--to <remote folder>]', 'status', 'help' or 'quit'.")
          .contains("ranks: 3")
          .contains("gateway: " + gateway.url("") + " (reachable, healthy)")
          .contains("1 upload this session: 3 files arrived")
          .contains("Exiting Client.")
          .doesNotContain("exiting.");
      assertThat(job.output())
          .filteredOn(
              l ->
                  l.endsWith(
                      "Usage: upload <path>... [--to <remote folder>]  (files, folders or globs)"))
          .hasSize(2);
      assertThat(job.output()).filteredOn(l -> l.contains("Invalid command")).hasSize(1);
    }
  }

  @Test
  void endOfInputQuitsEveryRank(Vertx vertx) throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    Path work = Files.createDirectories(dir.resolve("work"));
    Path file = TestFiles.random(work, "last.bin", 10 * KiB);

    try (MpjJob job =
        MpjJob.start(work, List.of("-np", "3"), List.of("--gateway", gateway.url("")))) {
      job.type("upload last.bin\n", true);
      int exit = job.awaitExit(Duration.ofMinutes(2));

      assertThat(exit).as(job.outputText()).isZero();
      assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("last.bin")))
          .isEqualTo(TestFiles.sha256(file));
      assertThat(job.outputText())
          .contains("Uploading 1 file (10.0 KiB) with 3 ranks to /")
          .contains("Exiting Client.");
    }
  }
}
