package ftpgw.ftpserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The STOR stream of the embedded server's file system: bytes land in order from the file's
 * position, whatever sizes they are written in.
 */
class ChannelOutputStreamTest {
  @TempDir Path dir;

  @Test
  void bytesWrittenOneByOneIn4KiBPiecesAndInOneLargeArrayLandInOrderFromTheFilesPosition()
      throws IOException {
    Path path = dir.resolve("stored.bin");
    Files.write(path, "0123456789kept-no-more".getBytes());
    byte[] large = random(200 * 1024 + 3);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.write("0123456789".getBytes());

    RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw");
    file.setLength(10);
    file.seek(10);
    try (ChannelOutputStream out = new ChannelOutputStream(file)) {
      for (int i = 0;
          i < 70_000;
          i++) { // ASCII-mode transfers write byte by byte: more than one buffer's worth
        out.write('a' + i % 26);
        expected.write('a' + i % 26);
      }
      for (int i = 0; i < 20; i++) {
        byte[] piece = random(4096);
        out.write(piece, 0, piece.length);
        expected.write(piece);
      }
      out.write(large, 1, large.length - 1);
      expected.write(large, 1, large.length - 1);
      out.flush();
      assertThat(Files.size(path)).as("flush writes what is buffered").isEqualTo(expected.size());
      out.write(large, 0, 5);
      expected.write(large, 0, 5);
    }

    assertThat(Files.readAllBytes(path)).isEqualTo(expected.toByteArray());
    assertThatThrownBy(file::length).as("close closes the file").isInstanceOf(IOException.class);
  }

  @Test
  void twoStreamsOpenOnOneThreadKeepTheirOwnBytes() throws IOException {
    Path first = dir.resolve("first.bin");
    Path second = dir.resolve("second.bin");
    ChannelOutputStream one = new ChannelOutputStream(new RandomAccessFile(first.toFile(), "rw"));
    ChannelOutputStream two = new ChannelOutputStream(new RandomAccessFile(second.toFile(), "rw"));
    one.write("first".getBytes());
    two.write("second".getBytes());
    two.close();
    try (ChannelOutputStream three =
        new ChannelOutputStream(new RandomAccessFile(dir.resolve("third.bin").toFile(), "rw"))) {
      three.write("third, on the buffer the second gave back".getBytes());
    }
    one.write("!".getBytes());
    one.close();

    assertThat(Files.readString(first)).isEqualTo("first!");
    assertThat(Files.readString(second)).isEqualTo("second");
    assertThat(Files.readString(dir.resolve("third.bin")))
        .isEqualTo("third, on the buffer the second gave back");
  }

  @Test
  void aClosedStreamRefusesWritesAndClosesAgainQuietly() throws IOException {
    ChannelOutputStream out =
        new ChannelOutputStream(new RandomAccessFile(dir.resolve("closed.bin").toFile(), "rw"));
    out.write("x".getBytes());
    out.close();
    out.close();
    out.flush();

    assertThatThrownBy(() -> out.write('y')).isInstanceOf(IOException.class);
    assertThat(Files.readString(dir.resolve("closed.bin"))).isEqualTo("x");
  }

  private static byte[] random(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }
}
