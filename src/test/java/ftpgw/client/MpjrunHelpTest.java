package ftpgw.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * deploy/mpjrun answers --help (and no arguments) itself: passed on, MPJ's starter.jar dies with a
 * NullPointerException. Needs no MPJ_HOME: the help comes before MPJ is prepared.
 */
class MpjrunHelpTest {
  private record Run(int exit, String out, String err) {}

  private static Run mpjrun(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of("bash", Path.of("deploy/mpjrun").toAbsolutePath().toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    // a MPJ_HOME that does not exist: were the help to reach MPJ, the run would fail instead of
    // printing it
    builder.environment().put("MPJ_HOME", "/nonexistent-mpj-home");
    Process p = builder.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), out, err);
  }

  @Test
  void helpIsItsOwnAndSucceeds() throws Exception {
    for (String flag : List.of("--help", "-h")) {
      Run run = mpjrun(flag);

      assertThat(run.exit()).as(run.err()).isZero();
      assertThat(run.out())
          .startsWith("usage: deploy/mpjrun -np N [-dev multicore] -jar APP.jar")
          .contains("-dev niodev")
          .contains("MPJ_HOME");
      assertThat(run.err()).doesNotContain("Exception");
    }
  }

  @Test
  void helpAmongOtherOptionsBeforeTheJarIsStillOurs() throws Exception {
    Run run = mpjrun("-np", "3", "-dev", "niodev", "--help");

    assertThat(run.exit()).isZero();
    assertThat(run.out()).startsWith("usage: deploy/mpjrun");
  }

  @Test
  void noArgumentsIsAUsageError() throws Exception {
    Run run = mpjrun();

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("usage: deploy/mpjrun");
    assertThat(run.out()).isEmpty();
  }
}
