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

  /**
   * The most {@link #sendTo} hands to sendfile(2) before it looks for an abandon again, and what it
   * waits to have before it sends: one call (and one wake-up) per slice rather than per chunk the
   * receiver writes.
   */
  private static final long SEND_SLICE = 1 << 20;

  /** How long {@link #sendTo} holds bytes it has, short of a slice, for more to come. */
  private static final long GATHER_NANOS = 2_000_000;

  private final String id;
  private final Path file;
  private final Duration stallLimit;
  private long written;
  private long total = -1;
  private Throwable failure;

  /** Where the relay publishes the body when that was settled only once it was whole, or null. */
  private String publishAs;

  /**
   * A waiting reader wants to be woken once this many bytes are written, 0 when none waits: only
   * then is a write worth a wake-up (one per body chunk otherwise).
   */
  private long wakeAt;

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
      if (wakeAt > 0 && written >= wakeAt) {
        wakeAt = 0;
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

  /**
   * Blocks until bytes beyond {@code position} are written, and until {@code gather} bytes beyond
   * it are, or the body is whole, or the first of them have waited {@link #GATHER_NANOS}; returns
   * the bytes written, {@code position} at the end. Fails when no byte comes for the stall limit.
   */
  private synchronized long awaitBeyond(long position, long gather) throws IOException {
    long now = System.nanoTime();
    long stallDeadline = now + stallLimit.toNanos();
    long gatherDeadline = written > position ? now + GATHER_NANOS : Long.MAX_VALUE;
    long seen = written;
    while (failure == null && total < 0 && written - position < gather) {
      now = System.nanoTime();
      if (written > seen) {
        seen = written;
        stallDeadline = now + stallLimit.toNanos();
      }
      long until;
      if (written > position) {
        if (gatherDeadline == Long.MAX_VALUE) {
          gatherDeadline = now + GATHER_NANOS;
        } else if (now - gatherDeadline >= 0) {
          break;
        }
        until = gatherDeadline;
        wakeWhen(position + gather);
      } else {
        if (now - stallDeadline >= 0) {
          throw new SocketTimeoutException(
              "no new byte of upload " + id + " for " + stallLimit.toSeconds() + " s");
        }
        until = stallDeadline;
        wakeWhen(position + 1);
      }
      try {
        wait(Math.max(1, (until - now) / 1_000_000));
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

  /**
   * Asks {@link #written} for a wake-up at {@code bytes}, or earlier for another reader (the writer
   * clears it once reached; a reader that left early costs one spare wake-up).
   */
  private void wakeWhen(long bytes) {
    wakeAt = wakeAt == 0 ? bytes : Math.min(wakeAt, bytes);
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
