package ftpgw.client;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One range of a file as a stream that ends with the range: a partial upload's body must not run
 * into the next rank's range.
 */
final class RangeInputStream extends FilterInputStream {
  private long left;

  private RangeInputStream(InputStream in, long left) {
    super(in);
    this.left = left;
  }

  /**
   * {@code length} bytes of {@code file} from {@code offset}, read as the request body needs them.
   */
  static InputStream open(Path file, long offset, long length) {
    try {
      FileChannel channel = FileChannel.open(file, StandardOpenOption.READ).position(offset);
      return new RangeInputStream(Channels.newInputStream(channel), length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public int read() throws IOException {
    if (left <= 0) {
      return -1;
    }
    int b = super.read();
    left -= b < 0 ? 0 : 1;
    return b;
  }

  @Override
  public int read(byte[] buffer, int off, int len) throws IOException {
    if (left <= 0) {
      return -1;
    }
    int n = super.read(buffer, off, (int) Math.min(len, left));
    left -= Math.max(n, 0);
    return n;
  }
}
