package ftpgw.client;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Hands whole lines to the stream below, each in one write: with {@code -dev niodev} every rank is
 * a JVM of its own writing to the same pipe or terminal, and {@code System.out} passes a line on in
 * 128-byte pieces (its buffer), which the other ranks' pieces then split mid-line. One {@code
 * write(2)} of a line up to the pipe's 4 KiB is atomic. {@link #flush()} passes on a partial line
 * as well: the prompt and the live bar end without a newline.
 */
final class LineOutput extends OutputStream {
  /** A longer line goes out in pieces of this size rather than growing the buffer without end. */
  private static final int MAX_LINE = 64 * 1024;

  private final OutputStream below;
  private byte[] buffer = new byte[256];
  private int length;

  LineOutput(OutputStream below) {
    this.below = below;
  }

  /**
   * The process's stdout, a line per write; never closed (it is shared with the other ranks of a
   * JVM).
   */
  static PrintStream stdout() {
    return new PrintStream(
        new LineOutput(new FileOutputStream(FileDescriptor.out)), false, StandardCharsets.UTF_8);
  }

  static PrintStream stderr() {
    return new PrintStream(
        new LineOutput(new FileOutputStream(FileDescriptor.err)), false, StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] bytes, int offset, int count) throws IOException {
    int lastNewline = -1;
    for (int i = offset + count - 1; i >= offset; i--) {
      if (bytes[i] == '\n') {
        lastNewline = i;
        break;
      }
    }
    append(bytes, offset, count);
    if (lastNewline >= 0) {
      // everything up to the last newline of this write, whole lines only; the rest waits for its
      // newline
      int keep = offset + count - 1 - lastNewline;
      emit(length - keep);
    } else if (length >= MAX_LINE) {
      emit(length);
    }
  }

  @Override
  public synchronized void flush() throws IOException {
    emit(length);
    below.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    flush();
  }

  private void append(byte[] bytes, int offset, int count) {
    if (length + count > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + count));
    }
    System.arraycopy(bytes, offset, buffer, length, count);
    length += count;
  }

  private void emit(int upTo) throws IOException {
    if (upTo <= 0) {
      return;
    }
    below.write(buffer, 0, upTo);
    System.arraycopy(buffer, upTo, buffer, 0, length - upTo);
    length -= upTo;
    if (buffer.length > MAX_LINE && length < MAX_LINE / 2) {
      buffer = Arrays.copyOf(buffer, MAX_LINE);
    }
  }
}
