package ftpgw.ftpserver;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The stream a STOR writes its file through: FtpServer's transfer loop hands it 4 KiB at a time,
 * and it writes them to the file 64 KiB at a time from a direct buffer (one per FTP thread, reused
 * by its transfers).
 *
 * <p>FtpServer wraps any other stream in a {@code BufferedOutputStream} of 8 KiB over the {@code
 * FileOutputStream} (it keeps one that already is a {@code BufferedOutputStream}): one copy into
 * that buffer, one more by the JDK into a native buffer per write, and a {@code write(2)} per 8
 * KiB, 131 072 of them per GiB. Here each byte is copied once before the kernel's copy, and there
 * are 16 384 writes per GiB.
 */
final class ChannelOutputStream extends BufferedOutputStream {
  private static final int BUFFER_BYTES = 64 << 10;

  /**
   * A spare buffer per thread. FtpServer runs a transfer on one thread from STOR to close, so a
   * thread's streams take turns with one buffer; a stream that finds none (another one on its
   * thread is still open) allocates its own.
   */
  private static final ThreadLocal<ByteBuffer> SPARE = new ThreadLocal<>();

  private final RandomAccessFile file;
  private final FileChannel channel;
  private ByteBuffer buffer;

  /**
   * @param file open for writing at the position the bytes go to; closed by {@link #close}
   */
  ChannelOutputStream(RandomAccessFile file) {
    super(OutputStream.nullOutputStream(), 1);
    this.file = file;
    this.channel = file.getChannel();
  }

  @Override
  public void write(int b) throws IOException {
    ByteBuffer buffer = buffer();
    if (!buffer.hasRemaining()) {
      drain();
    }
    buffer.put((byte) b);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    ByteBuffer buffer = buffer();
    while (length > 0) {
      if (!buffer.hasRemaining()) {
        drain();
      }
      int n = Math.min(length, buffer.remaining());
      buffer.put(bytes, offset, n);
      offset += n;
      length -= n;
    }
  }

  @Override
  public void flush() throws IOException {
    if (buffer != null) {
      drain();
    }
  }

  @Override
  public void close() throws IOException {
    try {
      flush();
    } finally {
      if (buffer != null) {
        SPARE.set(buffer.clear());
        buffer = null;
      }
      file.close();
    }
  }

  private ByteBuffer buffer() throws IOException {
    if (buffer == null) {
      if (!channel.isOpen()) {
        throw new IOException("the file is closed");
      }
      buffer = SPARE.get();
      if (buffer == null) {
        buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
      } else {
        SPARE.remove();
      }
    }
    return buffer;
  }

  private void drain() throws IOException {
    buffer.flip();
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    buffer.clear();
  }
}
