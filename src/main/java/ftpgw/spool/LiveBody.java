package ftpgw.spool;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A body still being received that a relay may read as it arrives (cut-through): the FTP upload
 * runs while the body comes in instead of after it. A reader sees only bytes already received,
 * blocks for more, ends only once the body was accepted whole (digest checked) and fails as soon as
 * it was not, so a relay reading it can never publish a body that was refused.
 *
 * <p>Two kinds: a {@link LiveFile} is read from its spool file as it grows (a local upload, which
 * must be on disk anyway); a {@link LivePipe} holds what arrived in memory until the relay sent it
 * (a relay node's copy of an edge's body, which the edge keeps on disk).
 *
 * <p>Bodies are found by their key, a path, in this JVM: the event bus carries the path, never the
 * bytes. Thread-safe: the receiving event loop writes, a relay worker reads.
 */
public abstract class LiveBody {
  private static final Map<Path, LiveBody> OPEN = new ConcurrentHashMap<>();

  /**
   * The most a reader sends in one go before it looks for an abandon again, and what it waits to
   * have before it sends: one call (and one wake-up) per slice rather than per chunk received.
   */
  static final long SEND_SLICE = 1 << 20;

  /** How long a reader holds bytes it has, short of a slice, for more to come. */
  private static final long GATHER_NANOS = 2_000_000;

  final String id;
  private final Path key;
  private final Duration stallLimit;
  private long written;
  private long total = -1;
  private Throwable failure;

  /** Where the relay publishes the body when that was settled only once it was whole, or null. */
  private String publishAs;

  /** The accepted body's CRC-32C, when its receiver took one, or null. */
  private String crc32c;

  /** Readers that must not block, waiting for bytes beyond a position ({@link #whenBeyond}). */
  private final List<Watcher> watchers = new ArrayList<>();

  private record Watcher(long position, Runnable then) {}

  /**
   * A waiting reader wants to be woken once this many bytes are written, 0 when none waits: only
   * then is a write worth a wake-up (one per body chunk otherwise).
   */
  private long wakeAt;

  LiveBody(String id, Path key, Duration stallLimit) {
    this.id = id;
    this.key = key;
    this.stallLimit = stallLimit;
  }

  /** Makes {@code body} findable by its key until {@link #release()}. */
  static <T extends LiveBody> T register(T body) {
    LiveBody live = body; // a type variable does not see the private key
    OPEN.put(live.key.toAbsolutePath(), live);
    return body;
  }

  /** The live body known by {@code key}, while its receiver has not released it. */
  public static Optional<LiveBody> find(Path key) {
    return Optional.ofNullable(OPEN.get(key.toAbsolutePath()));
  }

  /** The first {@code bytes} bytes are readable. */
  void advance(long bytes) {
    List<Runnable> due = List.of();
    synchronized (this) {
      if (bytes > written) {
        written = bytes;
        if (wakeAt > 0 && written >= wakeAt) {
          wakeAt = 0;
          notifyAll();
        }
        if (!watchers.isEmpty()) {
          due = due(false);
        }
      }
    }
    due.forEach(Runnable::run);
  }

  /** The body is whole, {@code bytes} long, and accepted: readers may end. */
  public void accepted(long bytes) {
    accepted(bytes, null, null);
  }

  /**
   * The body is whole, {@code bytes} long, and accepted, and goes to {@code remotePath} instead of
   * the path its relay was asked for when that is not null (a form names its folder after its
   * file), with the CRC-32C its receiver took ({@code crc32c}, or null): readers may end.
   */
  public void accepted(long bytes, String remotePath, String crc32c) {
    List<Runnable> due;
    synchronized (this) {
      publishAs = remotePath;
      this.crc32c = crc32c;
      written = bytes;
      total = bytes;
      notifyAll();
      due = due(true);
    }
    due.forEach(Runnable::run);
  }

  /** The CRC-32C of the accepted body, when its receiver took one; else null. */
  public synchronized String crc32c() {
    return crc32c;
  }

  /** The leading bytes readable now. */
  public synchronized long written() {
    return written;
  }

  /** Why the body was refused or abandoned, or null while it was not. */
  public synchronized Throwable failure() {
    return failure;
  }

  /**
   * Runs {@code then} once bytes beyond {@code position} are readable, or the body is accepted,
   * refused or abandoned: at once on this thread if that is so already, else on the thread that
   * writes or settles the body (keep it short). For a reader that must not block.
   */
  public void whenBeyond(long position, Runnable then) {
    synchronized (this) {
      if (written <= position && total < 0 && failure == null) {
        watchers.add(new Watcher(position, then));
        return;
      }
    }
    then.run();
  }

  /** Under the lock: takes the watchers to run now, all of them when {@code settled}. */
  private List<Runnable> due(boolean settled) {
    List<Runnable> due = new ArrayList<>();
    watchers.removeIf(
        watcher -> {
          boolean now = settled || written > watcher.position();
          if (now) {
            due.add(watcher.then());
          }
          return now;
        });
    return due;
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
  public void refused(Throwable reason) {
    List<Runnable> due = List.of();
    synchronized (this) {
      if (total < 0) {
        failure = reason;
        notifyAll();
        due = due(true);
      }
    }
    due.forEach(Runnable::run);
  }

  /**
   * The body must not be published after all, even if it was accepted (the edge that sent it left
   * the cluster, so this attempt can never be confirmed): readers fail within one slice.
   */
  public void abandon(Throwable reason) {
    List<Runnable> due = List.of();
    synchronized (this) {
      if (failure == null) {
        failure = reason;
        notifyAll();
        due = due(true);
      }
    }
    due.forEach(Runnable::run);
  }

  /** Whether the body was refused or abandoned. */
  synchronized boolean failed() {
    return failure != null;
  }

  /** Throws why the body was refused or abandoned, if it was. */
  synchronized void throwIfFailed() throws BodyNotAccepted {
    if (failure != null) {
      throw new BodyNotAccepted(id, failure);
    }
  }

  /**
   * Whether a second reader gets the body from its first byte again (a STOR tried again on the same
   * node).
   */
  public boolean rereadable() {
    return true;
  }

  /** No reader may find it any more (one still reading keeps going). */
  public void release() {
    OPEN.remove(key.toAbsolutePath(), this);
  }

  /** Reads the body from its first byte, as far as it is received, blocking for the rest. */
  public abstract InputStream newInputStream() throws IOException;

  /**
   * Sends the body from its first byte to {@code out}, as far as it is received, blocking for the
   * rest; adds what it sent to {@code sent[0]} as it goes.
   */
  public abstract void sendTo(WritableByteChannel out, long[] sent) throws IOException;

  /**
   * Blocks until bytes beyond {@code position} are written, and until {@code gather} bytes beyond
   * it are, or the body is whole, or the first of them have waited {@link #GATHER_NANOS}; returns
   * the bytes written, {@code position} at the end. Fails when no byte comes for the stall limit.
   */
  synchronized long awaitBeyond(long position, long gather) throws IOException {
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
   * Asks {@link #advance} for a wake-up at {@code bytes}, or earlier for another reader (the writer
   * clears it once reached; a reader that left early costs one spare wake-up).
   */
  private void wakeWhen(long bytes) {
    wakeAt = wakeAt == 0 ? bytes : Math.min(wakeAt, bytes);
  }
}
