package ftpgw.spool;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A spool body still being received that the relay may read as it grows (cut-through): the FTP
 * upload runs while the HTTP body arrives instead of after it. A reader sees only bytes already
 * written to the spool file, blocks for more, ends only once the body was accepted whole (digest
 * checked) and fails as soon as it was not, so a relay reading it can never publish a body the
 * client was refused.
 *
 * <p>Bodies are found by their file in this JVM: the event bus carries the file's name, never the
 * bytes. Thread-safe: the receiving event loop writes, a relay worker reads.
 */
public final class LiveBody {
  private static final Map<Path, LiveBody> OPEN = new ConcurrentHashMap<>();

  /** The most {@link #sendTo} hands to sendfile(2) before it looks for an abandon again. */
  private static final long SEND_SLICE = 1 << 20;

  private final String id;
  private final Path file;
  private final Duration stallLimit;
  private long written;
  private long total = -1;
  private Throwable failure;

  /** Where the relay publishes the body when that was settled only once it was whole, or null. */
  private String publishAs;

  /**
   * A reader waits for bytes: only then is a write worth a wake-up (one per body chunk otherwise).
   */
  private boolean readerWaiting;

  private LiveBody(String id, Path file, Duration stallLimit) {
    this.id = id;
    this.file = file;
    this.stallLimit = stallLimit;
  }

  /**
   * Makes the body of transfer {@code id}, being written to {@code file}, findable by that file
   * until {@link #release()}.
   *
   * @param stallLimit a reader waiting this long without a new byte gives up
   */
  public static LiveBody open(String id, Path file, Duration stallLimit) {
    LiveBody body = new LiveBody(id, file, stallLimit);
    OPEN.put(file.toAbsolutePath(), body);
    return body;
  }

  /** The live body being written to {@code file}, while its receiver has not released it. */
  public static Optional<LiveBody> find(Path file) {
    return Optional.ofNullable(OPEN.get(file.toAbsolutePath()));
  }

  /** The first {@code bytes} bytes are in the spool file (readable through another descriptor). */
  public synchronized void written(long bytes) {
    if (bytes > written) {
      written = bytes;
      if (readerWaiting) {
        readerWaiting = false;
        notifyAll();
      }
    }
  }

  /** The body is whole, {@code bytes} long, and accepted: readers may end. */
  public synchronized void accepted(long bytes) {
    written = bytes;
    total = bytes;
    notifyAll();
  }

  /**
   * The body is whole, {@code bytes} long, and accepted, and goes to {@code remotePath} instead of
   * the path its relay was asked for (a form names its folder after its file): readers may end.
   */
  public synchronized void accepted(long bytes, String remotePath) {
    publishAs = remotePath;
    accepted(bytes);
  }

  /** The accepted body's length, or -1 while it is not whole and accepted. */
  public synchronized long acceptedBytes() {
    return failure == null ? total : -1;
  }

  /**
   * The path the accepted body goes to when its receiver settled it late ({@link #accepted(long,
   * String)}), or null: the relay's own.
   */
  public synchronized String publishAs() {
    return publishAs;
  }

  /** The body will never be accepted: readers fail at once. */
  public synchronized void refused(Throwable reason) {
    if (total < 0) {
      failure = reason;
      notifyAll();
    }
  }

  /**
   * The body must not be published after all, even if it was accepted (the edge that sent it left
   * the cluster, so this attempt can never be confirmed): readers fail within one slice.
   */
  public synchronized void abandon(Throwable reason) {
    if (failure == null) {
      failure = reason;
      notifyAll();
    }
  }

  /** No reader may find it any more (one still reading keeps going). */
  public void release() {
    OPEN.remove(file.toAbsolutePath(), this);
  }

  /** Reads the body from its first byte, as far as it is written, blocking for the rest. */
  public InputStream newInputStream() throws IOException {
    return new Reader(FileChannel.open(file, StandardOpenOption.READ));
  }

  /**
   * Sends the body from its first byte to {@code out} with sendfile(2), as far as it is written,
   * blocking for the rest; adds what it sent to {@code sent[0]} as it goes.
   */
  public void sendTo(WritableByteChannel out, long[] sent) throws IOException {
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      long position = 0;
      for (long readable = awaitBeyond(position);
          readable > position;
          readable = awaitBeyond(position)) {
        // in slices, so that an abandoned body stops within one
        long to = Math.min(readable, position + SEND_SLICE);
        Spool.transfer(in, position, to, out, sent);
        position = to;
      }
    }
  }

  /**
   * Blocks until bytes beyond {@code position} are written; returns the bytes written, {@code
   * position} at the end.
   */
  private synchronized long awaitBeyond(long position) throws IOException {
    long deadline = System.nanoTime() + stallLimit.toNanos();
    while (failure == null && total < 0 && written <= position) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new SocketTimeoutException(
            "no new byte of upload " + id + " for " + stallLimit.toSeconds() + " s");
      }
      try {
        readerWaiting = true;
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for upload " + id, e);
      }
    }
    if (failure != null) {
      throw new BodyNotAccepted(id, failure);
    }
    return written;
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
      long readable = awaitBeyond(position);
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
