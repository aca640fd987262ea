package ftpgw.spool;

import java.nio.file.Path;

/**
 * Room in the spool for one upload's body, and the file it goes to. Release it exactly once,
 * whatever happens.
 */
public final class SpoolReservation {
  /** Unknown-length bodies reserve in steps of this many bytes as they arrive. */
  static final long GROWTH_STEP = 8L << 20;

  private final Spool spool;
  private final String id;
  private final Path file;
  private long bytes;
  private boolean released;

  SpoolReservation(Spool spool, String id, Path file, long bytes) {
    this.spool = spool;
    this.id = id;
    this.file = file;
    this.bytes = bytes;
  }

  /** The transfer id: also the spool file's name. */
  public String id() {
    return id;
  }

  public Path file() {
    return file;
  }

  /**
   * Heap the upload may hold while it is written here (a share of the spool's buffer budget, asked
   * now).
   */
  int bufferBytes() {
    return spool.bufferPerUpload();
  }

  /**
   * Makes sure at least {@code total} bytes are reserved; throws SPOOL_FULL when the quota does not
   * allow it.
   */
  public synchronized void ensure(long total) {
    if (total > bytes) {
      long more = Math.max(total - bytes, GROWTH_STEP);
      spool.take(more);
      bytes += more;
    }
  }

  /** The room reserved so far (at least the body's length). */
  synchronized long reservedBytes() {
    return bytes;
  }

  /** Gives the bytes back to the spool (use {@link Spool#discard} to delete the files too). */
  public synchronized void release() {
    if (!released) {
      released = true;
      spool.giveBack(id, bytes);
    }
  }
}
