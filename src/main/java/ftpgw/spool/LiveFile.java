package ftpgw.spool;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * A live body read from its spool file as the receiver writes it: the file must be on disk anyway
 * (a local upload's spool copy, what its retries and its 202 rely on), so the relay reads the page
 * cache through its own descriptor and sends with sendfile(2).
 */
public final class LiveFile extends LiveBody {
  private final Path file;

  private LiveFile(String id, Path file, Duration stallLimit) {
    super(id, file, stallLimit);
    this.file = file;
  }

  /**
   * Makes the body of transfer {@code id}, being written to {@code file}, findable by that file
   * until {@link #release()}.
   *
   * @param stallLimit a reader waiting this long without a new byte gives up
   */
  public static LiveFile open(String id, Path file, Duration stallLimit) {
    return register(new LiveFile(id, file, stallLimit));
  }

  /** The first {@code bytes} bytes are in the spool file (readable through another descriptor). */
  public void written(long bytes) {
    advance(bytes);
  }

  @Override
  public InputStream newInputStream() throws IOException {
    return new Reader(FileChannel.open(file, StandardOpenOption.READ));
  }

  /** Sends with sendfile(2). */
  @Override
  public void sendTo(WritableByteChannel out, long[] sent) throws IOException {
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      long position = 0;
      for (long readable = awaitBeyond(position, SEND_SLICE);
          readable > position;
          readable = awaitBeyond(position, SEND_SLICE)) {
        // in slices, so that an abandoned body stops within one
        long to = Math.min(readable, position + SEND_SLICE);
        Spool.transfer(in, position, to, out, sent);
        position = to;
      }
    }
  }

  /** Positional reads of the spool file, never past what the receiver reported written. */
  private final class Reader extends InputStream {
    private final FileChannel channel;
    private long position;

    private Reader(FileChannel channel) {
      this.channel = channel;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      long readable = awaitBeyond(position, 1);
      if (readable <= position) {
        return -1;
      }
      int n =
          channel.read(
              ByteBuffer.wrap(into, offset, (int) Math.min(length, readable - position)), position);
      if (n < 0) {
        throw new IOException(
            "spool file of upload " + id + " is shorter than its " + readable + " written bytes");
      }
      position += n;
      return n;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
