package ftpgw;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's "Try it" works as written, on a fresh folder: its commands make their own files, upload
 * them with curl and list them over FTP as the loopback demo user; and {@code curl
 * --fail-with-body}, as recommended for scripts, exits non-zero on a refusal while printing the
 * gateway's JSON. Only the ports (free ones instead of 6969 and 2121) and the size of big.iso (4
 * MiB instead of 100) are changed.
 */
class ReadmeTryItTest {
  @TempDir Path dir;
  private Vertx vertx;
  private GatewayUnderTest gateway;

  @BeforeEach
  void startGatewayAsShipped() {
    vertx = Vertx.vertx();
    gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject()
                .put(
                    "ftpServer",
                    new JsonObject()
                        .put(
                            "usersFile",
                            Path.of("conf/ftp-users.properties").toAbsolutePath().toString())));
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void tryItMakesItsFilesUploadsThemAndShowsThemOnTheFtpServer() throws Exception {
    List<String> blocks = shellBlocksOfTryIt();
    Path work = Files.createDirectories(dir.resolve("work"));

    Result tryIt = bash(work, localPorts(blocks.get(0)).replace("head -c 100M", "head -c 4M"));

    assertThat(tryIt.exit()).as(tryIt.output()).isZero();
    assertThat(Files.size(work.resolve("big.iso"))).isEqualTo(4L << 20);
    assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("isos/big.iso")))
        .isEqualTo(TestFiles.sha256(work.resolve("big.iso")));
    assertThat(Files.readAllBytes(gateway.ftpRoot().resolve("reports/report.pdf")))
        .isEqualTo(Files.readAllBytes(work.resolve("report.pdf")));
    assertThat(tryIt.output())
        .contains("File uploaded to FTP Server successfully!")
        .contains("big.iso");
    assertThat(gateway.strayFilesAfterAMoment()).isEmpty();
  }

  @Test
  void failWithBodyExitsNonZeroAndStillPrintsTheGatewaysAnswer() throws Exception {
    List<String> blocks = shellBlocksOfTryIt();
    String script = localPorts(blocks.get(1));
    assertThat(script).contains("curl --fail-with-body");
    Path work = Files.createDirectories(dir.resolve("work"));
    Files.write(work.resolve("big.iso"), new byte[] {1, 2, 3});

    Result ok = bash(work, script);
    Result refused = bash(work, script.replace("/files/isos/big.iso", "/files/isos/a%00b.iso"));

    assertThat(ok.exit()).as(ok.output()).isZero();
    assertThat(ok.output()).doesNotContain("upload failed");
    assertThat(refused.output())
        .contains("\"error\"")
        .contains("BAD_PATH")
        .contains("upload failed");
    Result exitCode =
        bash(
            work,
            script
                .replace("/files/isos/big.iso", "/files/isos/a%00b.iso")
                .replace("|| echo \"upload failed\"", "; echo \"exit $?\""));
    assertThat(exitCode.output()).contains("exit 22");
  }

  /** The {@code sh} code blocks between "## Try it" and the next heading. */
  private static List<String> shellBlocksOfTryIt() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int start = readme.indexOf("\n## Try it");
    assertThat(start).as("README has a \"## Try it\" section").isPositive();
    int end = readme.indexOf("\n## ", start + 1);
    Matcher blocks =
        Pattern.compile("```sh\n(.*?)```", Pattern.DOTALL).matcher(readme.substring(start, end));
    List<String> found = blocks.results().map(m -> m.group(1)).toList();
    assertThat(found).as("shell blocks in Try it").hasSizeGreaterThanOrEqualTo(2);
    return found;
  }

  private String localPorts(String script) {
    return script
        .replace("127.0.0.1:6969", "127.0.0.1:" + gateway.httpPort())
        .replace("127.0.0.1:2121", "127.0.0.1:" + gateway.ftpPort());
  }

  private record Result(int exit, String output) {}

  /**
   * Runs {@code script}; one that does not end (a command that streams for ever) fails after two
   * minutes.
   */
  private static Result bash(Path workDir, String script) throws Exception {
    Path log = Files.createTempFile("try-it", ".log");
    Process bash =
        new ProcessBuilder("bash", "-c", script)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean ended = bash.waitFor(120, TimeUnit.SECONDS);
    if (!ended) {
      bash.descendants().forEach(ProcessHandle::destroyForcibly);
      bash.destroyForcibly().waitFor();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(ended).as("the script ended: " + output).isTrue();
    return new Result(bash.exitValue(), output);
  }
}
