package ftpgw.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A failure nobody planned for ends the client with a non-zero exit and one line: MPJ's multicore
 * starter prints an InvocationTargetException and exits 0 when main throws, so a batch script would
 * believe the upload worked.
 */
class MpjClientGuardTest {
  @Test
  void anUncaughtFailureIsOneLineAndANonZeroExit() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exit =
        MpjClient.guarded(
            () -> {
              throw new IllegalStateException("boom");
            },
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(exit).isEqualTo(MpjClient.EXIT_INTERNAL).isNotZero();
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith(
            "mpj-client: internal error: "
                + "java.lang.IllegalStateException: boom at ftpgw.client.MpjClientGuardTest")
        .hasLineCount(1);
  }

  @Test
  void anErrorToo() {
    int exit =
        MpjClient.guarded(
            () -> {
              throw new NoClassDefFoundError("mpi/MPI");
            },
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

    assertThat(exit).isEqualTo(MpjClient.EXIT_INTERNAL);
  }

  @Test
  void theBodysOwnExitCodePassesThrough() {
    assertThat(MpjClient.guarded(() -> MpjClient.EXIT_USAGE, System.err)).isEqualTo(2);
  }
}
