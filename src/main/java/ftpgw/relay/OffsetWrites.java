package ftpgw.relay;

import ftpgw.spool.PartedBody;
import ftpgw.transfer.BodyPart;
import ftpgw.transfer.RelayRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.io.CopyStreamException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a body kept as several spooled files (a tus final concatenation) into one file on the FTP
 * server, its parts in parallel: one pooled connection per part, each {@code REST <offset>} +
 * {@code STOR}. {@link FtpPublisher} names, checks (SIZE), fences and renames the file as it does
 * for a single STOR.
 *
 * <p>The rule that keeps every byte: a STOR at offset 0 truncates the file (vsftpd, and the
 * embedded server's {@code NoTruncateFileSystem}); one at k &gt; 0 writes from k and cuts nothing.
 * So the first {@link #SEED_BYTES} bytes go first, alone, in a plain STOR that creates the file,
 * and only after its 226 (the file is open, cut and written) do the remaining ranges start, all at
 * {@code REST} &gt; 0 (the rest of part 0 included): none of them can cut another's bytes, whatever
 * the order their opens reach the server in.
 *
 * <p>The connection the attempt holds writes too; the others are borrowed only when the pool has
 * one free at once ({@link FtpConnectionPool#tryLease}), so parts beyond the pool's size wait for a
 * connection of this attempt instead of holding one while waiting for another (no deadlock between
 * attempts). Any range failing fails the attempt; the publisher then deletes the file.
 */
final class OffsetWrites {
  private static final Logger log = LoggerFactory.getLogger(OffsetWrites.class);

  /** Written first, alone, at offset 0: creates (and truncates) the file for the others. */
  static final long SEED_BYTES = 64 * 1024;

  private static final byte[] PROBE = "ftpgw-01".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PROBE_PATCH = "rs".getBytes(StandardCharsets.US_ASCII);
  private static final String PROBE_EXPECTED = "ftpgrs01";

  /** Threads of the borrowed connections: as many as connections are borrowed, daemon. */
  private static final ExecutorService RANGE_THREADS =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "ftpgw-ftp-range");
            thread.setDaemon(true);
            return thread;
          });

  /** Bytes [from, to) of the whole body. */
  record Range(long from, long to) {}

  private OffsetWrites() {}

  /**
   * The ranges after the seed: each part's bytes past {@link #SEED_BYTES}, one range per part, so
   * that every range is one sendfile from one file.
   */
  static List<Range> rangesAfterSeed(List<BodyPart> parts, long seed) {
    List<Range> ranges = new ArrayList<>();
    long start = 0;
    for (BodyPart part : parts) {
      long end = start + part.bytes();
      if (end > seed && end > start) {
        ranges.add(new Range(Math.max(start, seed), end));
      }
      start = end;
    }
    return ranges;
  }

  /**
   * Writes the whole body to {@code path}: the seed on {@code ftp}, then the ranges in parallel.
   * Returns the most connections that wrote at once.
   */
  static int write(FTPClient ftp, FtpConnectionPool pool, String path, RelayRequest request)
      throws IOException {
    List<BodyPart> parts = request.parts();
    long seed = Math.min(SEED_BYTES, request.bytes());
    storeRange(ftp, path, parts, new Range(0, seed));
    Queue<Range> ranges = new ConcurrentLinkedQueue<>(rangesAfterSeed(parts, seed));
    int wanted = ranges.size() - 1;
    List<FtpConnectionPool.Lease> leases = new ArrayList<>();
    for (int i = 0; i < wanted; i++) {
      FtpConnectionPool.Lease lease = pool.tryLease();
      if (lease == null) {
        break;
      }
      leases.add(lease);
    }
    AtomicReference<IOException> failure = new AtomicReference<>();
    AtomicInteger writing = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    List<Future<?>> others = new ArrayList<>();
    for (FtpConnectionPool.Lease lease : leases) {
      others.add(
          RANGE_THREADS.submit(
              () -> {
                boolean ok = drain(lease.ftp(), path, parts, ranges, failure, writing, most);
                if (ok) {
                  lease.close();
                } else {
                  lease.discard(); // a range broken off leaves its session out of step
                }
              }));
    }
    drain(ftp, path, parts, ranges, failure, writing, most);
    for (Future<?> other : others) {
      try {
        other.get();
      } catch (ExecutionException e) {
        failure.compareAndSet(null, new IOException(e.getCause().getMessage(), e.getCause()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure.compareAndSet(null, new IOException("interrupted while writing parts", e));
      }
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    log.debug(
        "Transfer {}: {} part(s) written into {} over {} connection(s), at most {} at once",
        request.transferId(),
        parts.size(),
        path,
        leases.size() + 1,
        most.get());
    return most.get();
  }

  /**
   * Takes ranges until none is left or one failed anywhere; false when this connection's range
   * failed.
   */
  private static boolean drain(
      FTPClient ftp,
      String path,
      List<BodyPart> parts,
      Queue<Range> ranges,
      AtomicReference<IOException> failure,
      AtomicInteger writing,
      AtomicInteger most) {
    Range range;
    while (failure.get() == null && (range = ranges.poll()) != null) {
      most.accumulateAndGet(writing.incrementAndGet(), Math::max);
      try {
        storeRange(ftp, path, parts, range);
      } catch (IOException | RuntimeException e) {
        failure.compareAndSet(
            null, e instanceof IOException io ? io : new IOException(e.getMessage(), e));
        return false;
      } finally {
        writing.decrementAndGet();
      }
    }
    return true;
  }

  /** {@code REST from} (when from &gt; 0) + STOR of the range's bytes. */
  private static void storeRange(FTPClient ftp, String path, List<BodyPart> parts, Range range)
      throws IOException {
    String command = (range.from() > 0 ? "REST " + range.from() + " + " : "") + "STOR " + path;
    ftp.setRestartOffset(range.from());
    try {
      if (ftp instanceof ChannelFtpClient channels) {
        FtpReplyException.check(
            ftp,
            channels.storeFile(
                path, (out, sent) -> PartedBody.send(parts, range.from(), range.to(), out, sent)),
            command);
        return;
      }
      OutputStream out = ftp.storeFileStream(path);
      if (out == null) {
        throw FtpReplyException.refused(ftp, command);
      }
      long[] sent = {0};
      try (out) {
        PartedBody.send(parts, range.from(), range.to(), Channels.newChannel(out), sent);
      } catch (IOException e) {
        throw new CopyStreamException("IOException caught while copying.", sent[0], e);
      }
      FtpReplyException.check(ftp, ftp.completePendingCommand(), command);
    } catch (CopyStreamException e) {
      throw FtpPublisher.afterBrokenTransfer(ftp, command, e);
    } finally {
      ftp.setRestartOffset(0);
    }
  }

  /** {@link #probe} with a file of its own in {@code folder}, recorded in the ledger meanwhile. */
  static boolean probeIn(FTPClient ftp, String folder, TempFileLedger ledger) throws IOException {
    String name =
        ".ftpgw-probe." + Integer.toHexString(ThreadLocalRandom.current().nextInt()) + ".part";
    String probePath = folder.isEmpty() ? name : folder + "/" + name;
    TempFileLedger.Entry recorded = ledger.record(probePath);
    try {
      return probe(ftp, probePath);
    } finally {
      ledger.forget(recorded);
    }
  }

  /**
   * Whether the server writes at offsets as this class needs, proven rather than read from FEAT:
   * STOR 8 bytes to {@code probePath}, REST 4 + STOR 2 bytes; SIZE must stay 8 and RETR must read
   * back the 2 bytes in place with the rest untouched. The probe file is deleted. Stock Apache
   * FtpServer cuts the file at the REST offset (SIZE 6) and fails; so does a server without REST
   * for STOR. A refused REST + STOR is an answer (false); a refused first STOR or a broken
   * connection is not (it throws).
   */
  static boolean probe(FTPClient ftp, String probePath) throws IOException {
    try {
      if (!ftp.storeFile(probePath, new java.io.ByteArrayInputStream(PROBE))) {
        // no verdict on offsets: the upload's own STOR would be refused too (say, a missing folder)
        throw FtpReplyException.refused(ftp, "STOR " + probePath);
      }
      ftp.setRestartOffset(4);
      boolean patched;
      try {
        patched = ftp.storeFile(probePath, new java.io.ByteArrayInputStream(PROBE_PATCH));
      } finally {
        ftp.setRestartOffset(0);
      }
      if (!patched) {
        log.info("Offset writes probe: REST + STOR refused ({})", ftp.getReplyString().trim());
        return false;
      }
      ByteArrayOutputStream back = new ByteArrayOutputStream();
      ftp.setFileType(FTP.BINARY_FILE_TYPE);
      boolean read = ftp.retrieveFile(probePath, back);
      String content = back.toString(StandardCharsets.US_ASCII);
      if (!read || !PROBE_EXPECTED.equals(content)) {
        log.info(
            "Offset writes probe: the file reads \"{}\" after REST 4 + STOR, not \"{}\"",
            content,
            PROBE_EXPECTED);
        return false;
      }
      return true;
    } finally {
      FtpPublisher.deleteQuietly(ftp, probePath);
    }
  }
}
