package ftpgw.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** The bar's rate and ETA rest on bytes that went out, never on the sizes of files that failed. */
class ProgressViewTest {
  private static final long TEN_SECONDS = 10_000_000_000L;

  private final ProgressView view =
      new ProgressView(new PrintStream(new ByteArrayOutputStream()), false, 2, 4 * 1024 * 1024, 4);

  @Test
  void noEtaWhenEveryFileSoFarFailedAndNothingIsOnTheWay() {
    view.update(0, 1, 1024 * 1024, 1024 * 1024);
    view.update(1, 1, 1024 * 1024, 1024 * 1024);

    assertThat(view.line(System.nanoTime() + TEN_SECONDS))
        .contains("2/4 files")
        .contains("0.0 MB/s")
        .endsWith("ETA -");
  }

  @Test
  void noEtaWhenEveryFileFailed() {
    view.update(0, 2, 2 * 1024 * 1024, 2 * 1024 * 1024);
    view.update(1, 2, 2 * 1024 * 1024, 2 * 1024 * 1024);

    assertThat(view.line(System.nanoTime() + TEN_SECONDS)).contains("4/4 files").endsWith("ETA -");
  }

  @Test
  void anEtaFromWhatArrivedWhileFilesRemain() {
    view.update(0, 1, 1024 * 1024, 0);

    assertThat(view.line(System.nanoTime() + TEN_SECONDS))
        .contains("1/4 files")
        .containsPattern("ETA \\d+ s$");
  }
}
