package ftpgw.spool;

import ftpgw.transfer.Failure;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A live body held in memory from its arrival until the relay sent it, never on disk: a relay
 * node's copy of an edge's body, which the edge keeps in its own spool (a broken attempt is retried
 * from there, from byte 0). No file write and read per byte, and no sendfile from the page cache:
 * the relay writes the buffers it received straight to the FTP data connection.
 *
 * <p>Bounded: past {@code limit} bytes held, {@link #append} tells the receiver to stop reading
 * (TCP then holds the sender back) until the relay has sent half of them and the pipe calls its
 * {@link #whenDrained} action. One reader only: bytes sent are gone, so a second read (a STOR tried
 * again) fails rather than send a body without its beginning.
 */
public final class LivePipe extends LiveBody {
  private final long limit;

  /** Received and not yet taken by the reader; guarded by this. */
  private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();

  private long appended;
  private long queued;
  private boolean full;
  private boolean read;
  private volatile Runnable drained = () -> {};

  private LivePipe(String id, Path key, Duration stallLimit, long limit) {
    super(id, key, stallLimit);
    this.limit = limit;
  }

  /**
   * Makes the body of transfer {@code id} findable by {@code key} (a name, no file is made) until
   * {@link #release()}.
   *
   * @param stallLimit a reader waiting this long without a new byte gives up
   * @param limit bytes held before the receiver is told to stop reading
   */
  public static LivePipe open(String id, Path key, Duration stallLimit, long limit) {
    return register(new LivePipe(id, key, stallLimit, limit));
  }

  /** What runs (on the reader's thread) once a full pipe has been drained to half its limit. */
  public void whenDrained(Runnable action) {
    drained = action;
  }

  /**
   * Hands over the next received bytes; the pipe keeps {@code bytes} (the caller must not change
   * them). Returns true when the pipe now holds more than its limit: the receiver stops reading
   * until the drained action runs. Bytes after a refusal or an abandon are dropped.
   */
  public boolean append(ByteBuffer bytes) {
    synchronized (this) {
      if (failed()) {
        return false;
      }
      int length = bytes.remaining();
      if (length == 0) {
        return full;
      }
      queue.add(bytes);
      queued += length;
      appended += length;
      full |= queued > limit;
      advance(appended);
      return full;
    }
  }

  /** Bytes received and not yet taken by the reader. */
  public synchronized long queuedBytes() {
    return queued;
  }

  /** Also drops what is held: a reader still going fails. */
  @Override
  public void release() {
    super.release();
    abandon(new IOException("the body of upload " + id + " was released"));
    synchronized (this) {
      queue.clear();
      queued = 0;
    }
  }

  /** Writes the received buffers as they are, a slice at a time, gathered. */
  @Override
  public void sendTo(WritableByteChannel out, long[] sent) throws IOException {
    claimReader();
    long position = 0;
    for (long readable = awaitBeyond(position, SEND_SLICE);
        readable > position;
        readable = awaitBeyond(position, SEND_SLICE)) {
      ByteBuffer[] batch = take(readable - position);
      long length = 0;
      for (ByteBuffer bytes : batch) {
        length += bytes.remaining();
      }
      write(batch, out, sent);
      position += length;
      taken(length);
    }
  }

  @Override
  public InputStream newInputStream() throws IOException {
    claimReader();
    return new Reader();
  }

  /** Bytes sent are gone. */
  @Override
  public boolean rereadable() {
    return false;
  }

  private synchronized void claimReader() throws IOException {
    if (read) {
      throwIfFailed(); // why the first read ended is the story, not that there cannot be a second
      // a STOR tried again on this node: the edge's next attempt sends the body from byte 0
      throw new BodyNotAccepted(
          id,
          Failure.RELAY_UNAVAILABLE.exception(
              "its body was sent once and is not kept on this relay node; the transfer starts"
                  + " again from its source"));
    }
    read = true;
  }

  /** Whole buffers from the head of the queue, at least {@code want} bytes when there are. */
  private synchronized ByteBuffer[] take(long want) throws IOException {
    List<ByteBuffer> batch = new ArrayList<>();
    long length = 0;
    while (length < want && !queue.isEmpty()) {
      ByteBuffer bytes = queue.poll();
      length += bytes.remaining();
      batch.add(bytes);
    }
    if (batch.isEmpty()) {
      throw new BodyNotAccepted(id, new IOException("its received bytes were dropped"));
    }
    return batch.toArray(ByteBuffer[]::new);
  }

  /** The reader has taken {@code length} bytes: they no longer count against the limit. */
  private void taken(long length) {
    boolean wake;
    synchronized (this) {
      queued -= length;
      wake = full && queued <= limit / 2;
      if (wake) {
        full = false;
      }
    }
    if (wake) {
      drained.run();
    }
  }

  private static void write(ByteBuffer[] batch, WritableByteChannel out, long[] sent)
      throws IOException {
    if (out instanceof GatheringByteChannel gathering) {
      ByteBuffer last = batch[batch.length - 1];
      while (last.hasRemaining()) {
        sent[0] += gathering.write(batch);
      }
      return;
    }
    for (ByteBuffer bytes : batch) {
      while (bytes.hasRemaining()) {
        sent[0] += out.write(bytes);
      }
    }
  }

  /** Reads the queue's buffers in order, blocking for more. */
  private final class Reader extends InputStream {
    private ByteBuffer head = ByteBuffer.allocate(0);
    private long position;

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      if (!head.hasRemaining()) {
        long readable = awaitBeyond(position, 1);
        if (readable <= position) {
          return -1;
        }
        head = take(1)[0];
        position += head.remaining();
        taken(head.remaining());
      }
      int n = Math.min(length, head.remaining());
      head.get(into, offset, n);
      return n;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }
  }
}
