package ftpgw.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every line reaches the stream below in one write, however it was printed: with niodev the ranks
 * are JVMs of their own sharing one pipe, and only a line written at once stays whole there.
 */
class LineOutputTest {
  /** Records each write it is handed. */
  private static final class Writes extends OutputStream {
    final List<String> writes = new ArrayList<>();

    @Override
    public void write(int b) {
      writes.add(String.valueOf((char) b));
    }

    @Override
    public void write(byte[] b, int off, int len) {
      writes.add(new String(b, off, len, StandardCharsets.UTF_8));
    }
  }

  @Test
  void aLongPrintfLineIsOneWrite() {
    Writes below = new Writes();
    PrintStream out = new PrintStream(new LineOutput(below), false, StandardCharsets.UTF_8);
    String name = "d/".repeat(150) + "file.bin";

    out.printf("rank %d: [%d/%d] %s %s (%s)%n", 1, 3, 9, "sent", name, "1.0 KiB");
    out.println("second");

    assertThat(below.writes)
        .containsExactly("rank 1: [3/9] sent " + name + " (1.0 KiB)\n", "second\n");
  }

  @Test
  void systemOutSplitsTheSameLineWhichIsWhatTearsLinesBetweenRankJvms() {
    // the stream System.out is built on (JDK 17: a 128-byte BufferedOutputStream): this is what
    // LineOutput avoids
    Writes below = new Writes();
    PrintStream plain =
        new PrintStream(new java.io.BufferedOutputStream(below, 128), true, StandardCharsets.UTF_8);
    // printf hands its pieces over one by one: the buffer passes on what it holds whenever the next
    // piece does not fit
    plain.printf("rank %d: [%d/%d] %s %s%n", 1, 3, 9, "x".repeat(100), "y".repeat(100));
    assertThat(below.writes.size()).isGreaterThan(1);
  }

  @Test
  void aPromptWithoutNewlineGoesOutOnFlushAndAPartialLineWaitsForItsEnd() {
    Writes below = new Writes();
    PrintStream out = new PrintStream(new LineOutput(below), false, StandardCharsets.UTF_8);

    out.print("Enter a command: ");
    assertThat(below.writes).isEmpty();
    out.flush();
    out.print("a\nb");
    out.print("c\n");

    assertThat(below.writes).containsExactly("Enter a command: ", "a\n", "bc\n");
  }

  @Test
  void severalLinesInOneWriteStayTogetherAndNothingIsLost() {
    ByteArrayOutputStream below = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(new LineOutput(below), false, StandardCharsets.UTF_8);
    String big = "y".repeat(200_000);

    out.print("one\ntwo\nthr");
    out.println(big);
    out.print("tail");
    out.flush();

    assertThat(below.toString(StandardCharsets.UTF_8)).isEqualTo("one\ntwo\nthr" + big + "\ntail");
  }
}
