package ftpgw;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.FreePorts;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new operator sees first: help, version, config typos, a busy port, the start-up and
 * shutdown lines.
 */
class FirstTouchLauncherTest {
  @TempDir Path dir;

  @Test
  void helpIsOurOwn() throws Exception {
    Result result = run("--help");

    assertThat(result.exitCode()).isZero();
    assertThat(result.output())
        .contains(
            "-conf <file|json>",
            "-cluster",
            "docs/configuration.md",
            "6969",
            "2121",
            "40000-40099",
            "curl -T")
        .doesNotContain("<mainVerticle>", "-worker");
  }

  @Test
  void versionPrintsTheVersion() throws Exception {
    Result result = run("--version");

    assertThat(result.exitCode()).isZero();
    assertThat(result.output().strip()).matches("ftpgw \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
  }

  @Test
  void aMisspelledSectionIsRefusedWithTheNearestKnownKey() throws Exception {
    Result result = run("-conf", "{\"htpp\": {\"port\": 17092}}");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.output()).contains("unknown key htpp.port (did you mean http.port?)");
    assertThat(result.output().lines().filter(line -> line.startsWith("\tat "))).isEmpty();
  }

  @Test
  void aMisspelledKeyIsRefusedWithTheNearestKnownKey() throws Exception {
    Result result =
        run("-conf", "{\"relay\": {\"conections\": 4}, \"cluster\": {\"chunkBites\": 65536}}");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.output())
        .contains(
            "unknown key relay.conections (did you mean relay.connections?)",
            "unknown key cluster.chunkBites (did you mean cluster.chunkBytes?)");
  }

  @Test
  void aBusyHttpPortIsOneLineNamingTheKeyAndTheAddress() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Result result =
          run(
              "-conf",
              """
          {"http": {"port": %d}, "spool": {"dir": "%s"},
           "ftpServer": {"port": 0, "root": "%s", "passivePorts": "%s"}}"""
                  .formatted(
                      busy.getLocalPort(),
                      dir.resolve("spool"),
                      dir.resolve("ftp"),
                      FreePorts.range(5)));

      assertThat(result.exitCode()).isEqualTo(2);
      assertThat(result.output())
          .contains(
              "ftpgw: cannot start: http.port "
                  + busy.getLocalPort()
                  + " on 127.0.0.1 is already in use");
      assertThat(
              result
                  .output()
                  .lines()
                  .filter(line -> line.startsWith("\tat ") || line.contains("Exception")))
          .isEmpty();
    }
  }

  @Test
  void aBusyFtpPortIsOneLineToo() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Result result =
          run(
              "-conf",
              """
          {"http": {"port": 0}, "spool": {"dir": "%s"},
           "ftpServer": {"port": %d, "root": "%s", "passivePorts": "%s"}}"""
                  .formatted(
                      dir.resolve("spool"),
                      busy.getLocalPort(),
                      dir.resolve("ftp"),
                      FreePorts.range(5)));

      assertThat(result.exitCode()).isEqualTo(2);
      assertThat(result.output())
          .contains(
              "ftpgw: cannot start: ftpServer.port "
                  + busy.getLocalPort()
                  + " on 127.0.0.1 is already in use");
      assertThat(result.output().lines().filter(line -> line.startsWith("\tat "))).isEmpty();
    }
  }

  @Test
  void startUpEndsWithAReadyLineAndShutdownReportsProgress() throws Exception {
    int httpPort = FreePorts.one();
    String config =
        """
        {"http": {"port": %d}, "spool": {"dir": "%s"},
         "ftpServer": {"port": 0, "root": "%s", "passivePorts": "%s"}}"""
            .formatted(httpPort, dir.resolve("spool"), dir.resolve("ftp"), FreePorts.range(5));
    // output to a file: a pipe read by a thread loses what the JVM writes last ("Stream closed"
    // once it has exited)
    Path log = dir.resolve("gateway.log");
    Process gateway =
        new ProcessBuilder(command("-conf", config))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!Files.readString(log).contains(ReadyLine.PREFIX)
          && gateway.isAlive()
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      List<String> startUp = Files.readAllLines(log);
      assertThat(startUp.get(startUp.size() - 1))
          .contains(
              "ftpgw ready: upload with  curl -T <file> http://127.0.0.1:" + httpPort + "/files/");
      assertThat(String.join("\n", startUp))
          .contains("max 16 GiB per upload", "quota 8 GiB")
          .doesNotContain("Succeeded in deploying", "17179869184");

      gateway.destroy();
      assertThat(gateway.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String all = Files.readString(log);
      assertThat(all)
          .contains(
              "Shutting down", "closed: no new uploads", "Embedded FTP server stopped", "Stopped");
      assertThat(all.indexOf("Shutting down"))
          .isLessThan(all.indexOf("Embedded FTP server stopped"));
      assertThat(all.indexOf("Embedded FTP server stopped")).isLessThan(all.indexOf("Stopped"));
    } finally {
      gateway.destroyForcibly();
    }
  }

  private List<String> command(String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                GatewayLauncher.class.getName(),
                GatewayVerticle.class.getName()));
    command.addAll(List.of(args));
    return command;
  }

  private Result run(String... args) throws Exception {
    Process process =
        new ProcessBuilder(command(args)).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
    return new Result(process.exitValue(), output);
  }

  private record Result(int exitCode, String output) {}
}
