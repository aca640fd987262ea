package ftpgw.spool;

import ftpgw.config.SpoolConfig;
import ftpgw.transfer.BodyPart;
import ftpgw.transfer.Failure;
import ftpgw.transfer.Transfer;
import ftpgw.transfer.TransferState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded on-disk spool: a folder of bodies named by generated ids, their journal, and quotas
 * (bytes and files) over everything received but not yet delivered. Thread-safe: HTTP verticles and
 * the delivery share one.
 */
public final class Spool {
  private static final long BUFFER_BUDGET = 16 << 20;
  private static final int MIN_BUFFER = 128 * 1024;
  private static final int MAX_BUFFER = 4 << 20;
  private static final Logger log = LoggerFactory.getLogger(Spool.class);

  /**
   * Closes the last descriptor of removed bodies, which frees their page cache (see {@link
   * #removeBody}).
   */
  private static final ExecutorService RECLAIM =
      Executors.newSingleThreadExecutor(daemonThreads("ftpgw-spool-reclaim"));

  /**
   * Bodies up to this size are unlinked directly: freeing their pages takes no time, so the
   * descriptor held over the unlink and closed on the reclaiming thread ({@link #removeBody}) would
   * only add an open, a close and a thread wake-up to every small upload.
   */
  private static final long SMALL_BODY = 1 << 20;

  static final String BODY_SUFFIX = ".body";
  static final String PART_SUFFIX = ".part";
  static final String QUARANTINE = "quarantine";
  private static final char[] ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();

  private final SpoolConfig config;
  private final Journal journal;
  private final AtomicLong reserved = new AtomicLong();
  private final Map<String, SpoolReservation> reservations = new ConcurrentHashMap<>();

  /**
   * A DRBG, seeded once: the platform default (NativePRNG) reads /dev/urandom under a global lock
   * every few ids.
   */
  private final SecureRandom random = newRandom();

  private final List<Transfer> recovered;

  /**
   * The spool folder's file system, looked up once: {@code Files.getFileStore} reads the whole
   * mount table each time (a quarter of a small upload's reservation). Null when it cannot be told.
   */
  private final java.nio.file.FileStore disk;

  private Spool(SpoolConfig config, List<Transfer> recovered) {
    this.config = config;
    this.journal = new Journal(config.dir());
    this.recovered = recovered;
    this.disk = fileStoreOf(config.dir());
  }

  private static java.nio.file.FileStore fileStoreOf(Path dir) {
    try {
      return Files.getFileStore(dir);
    } catch (IOException e) {
      return null; // the writes themselves will then say what is wrong with the disk
    }
  }

  /**
   * Opens the spool folder (creating it) and recovers what an earlier run left: every journalled
   * transfer whose body is whole is kept (see {@link #recovered()}); bodies never accepted are
   * removed; a journal entry that cannot be read is moved to {@code quarantine/} with a log line.
   * Blocking.
   */
  public static Spool open(SpoolConfig config) {
    try {
      PrivateFiles.folder(config.dir());
      List<Transfer> kept = new ArrayList<>();
      try (Stream<Path> files = Files.list(config.dir())) {
        for (Path entry :
            (Iterable<Path>)
                files.filter(p -> p.toString().endsWith(Journal.ENTRY_SUFFIX))::iterator) {
          recover(config.dir(), entry).ifPresent(kept::add);
        }
      }
      Spool spool = new Spool(config, List.copyOf(kept));
      kept.forEach(t -> spool.adopt(t.id(), t.bytes()));
      spool.removeUnaccepted();
      return spool;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "spool.dir " + config.dir().toAbsolutePath() + " is not usable: " + e.getMessage(), e);
    }
  }

  public SpoolConfig config() {
    return config;
  }

  public Journal journal() {
    return journal;
  }

  /** The accepted, undelivered transfers found at start-up, to be delivered again. */
  public List<Transfer> recovered() {
    return recovered;
  }

  /** Reserves room for a body of {@code bytes} (0 for an unknown length: grow it as it arrives). */
  public SpoolReservation reserve(long bytes) {
    if (reservations.size() >= config.maxFiles()) {
      throw full(config.maxFiles() + " uploads are spooled or in flight");
    }
    refuseWhatTheDiskCannotHold(bytes);
    take(bytes);
    String id = newId();
    SpoolReservation reservation = new SpoolReservation(this, id, bodyOf(id), bytes);
    reservations.put(id, reservation);
    return reservation;
  }

  /**
   * Gives back the room of a transfer whose body never reached the disk (a small one published from
   * memory). Not blocking.
   */
  public void release(String id) {
    SpoolReservation reservation = reservations.get(id);
    if (reservation != null) {
      reservation.release();
    }
  }

  /** Deletes a transfer's body and journal entry and gives its room back. Blocking. */
  public void discard(String id) {
    SpoolReservation reservation = reservations.get(id);
    long room = -1;
    if (reservation != null) {
      room = reservation.reservedBytes();
      reservation.release();
    }
    try {
      // journal first: a crash in between leaves a body nobody accepted, which the next start
      // removes quietly
      journal.delete(id);
      if (room >= 0 && room <= SMALL_BODY) {
        Files.deleteIfExists(bodyOf(id)); // its few pages are freed at once
      } else {
        removeBody(bodyOf(id));
      }
    } catch (IOException e) {
      log.warn("Could not remove spool files of transfer {}: {}", id, e.getMessage());
    }
  }

  /**
   * Deletes a transfer's body, or each of its parts, and journal entry and gives its room back.
   * Blocking.
   */
  public void discard(Transfer transfer) {
    discard(transfer.id());
    for (BodyPart part : transfer.parts()) {
      try {
        removeBody(Path.of(part.file()));
      } catch (IOException e) {
        log.warn("Could not remove spool part {}: {}", part.file(), e.getMessage());
      }
    }
  }

  /**
   * Where part {@code index} of transfer {@code id}'s body is spooled when it is kept as several
   * files ({@code <id>.<index>.part}): start-up keeps it while the transfer is journalled.
   */
  public Path partFile(String id, int index) {
    return config.dir().resolve(id + "." + index + PART_SUFFIX).toAbsolutePath();
  }

  /**
   * Removes a body's name at once and frees its pages on the reclaiming thread: unlinking a file
   * frees its page cache there and then, 0.1-0.3 s for 1 GiB, which would delay the answer to its
   * upload. Holding a descriptor over the unlink makes the unlink instant; closing that descriptor
   * later frees the pages.
   */
  private static void removeBody(Path body) throws IOException {
    FileChannel pages;
    try {
      pages = FileChannel.open(body, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return;
    }
    try {
      Files.deleteIfExists(body);
    } finally {
      RECLAIM.execute(
          () -> {
            try {
              pages.close();
            } catch (IOException e) {
              log.debug("Closing a removed spool body: {}", e.getMessage());
            }
          });
    }
  }

  /**
   * Heap one upload may hold in chunks waiting for its spool thread ({@link SpoolSink}): an even
   * share of {@link #BUFFER_BUDGET} between the uploads in flight, within [{@link #MIN_BUFFER},
   * {@link #MAX_BUFFER}]. A deep queue keeps a single large upload's pipeline busy (1 GiB cut
   * through: about 1.5x a direct FTP upload with 4 MiB against 1.7x with 128 KiB); many uploads
   * together still hold no more than the budget, or 128 KiB each.
   */
  int bufferPerUpload() {
    long share = BUFFER_BUDGET / Math.max(1, reservations.size());
    return (int) Math.max(MIN_BUFFER, Math.min(MAX_BUFFER, share));
  }

  /**
   * Sends a whole spooled body to {@code out} with sendfile(2), adding what it sent to {@code
   * sent[0]}.
   */
  public static void sendBody(Path body, WritableByteChannel out, long[] sent) throws IOException {
    try (FileChannel in = FileChannel.open(body, StandardOpenOption.READ)) {
      transfer(in, 0, in.size(), out, sent);
    }
  }

  /**
   * Sends bytes [{@code from}, {@code to}) of {@code in} to {@code out}; fails if the file ends
   * before {@code to}.
   */
  static void transfer(FileChannel in, long from, long to, WritableByteChannel out, long[] sent)
      throws IOException {
    for (long position = from; position < to; ) {
      long n = in.transferTo(position, to - position, out);
      if (n <= 0 && position >= in.size()) {
        throw new IOException("spool file " + in + " ends at " + position + " bytes, before " + to);
      }
      position += n;
      sent[0] += n;
    }
  }

  /**
   * Daemon threads named {@code name-1}, {@code name-2}, ...: the spool's own work never keeps the
   * JVM alive.
   */
  static ThreadFactory daemonThreads(String name) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Bytes reserved by uploads in flight. */
  public long reservedBytes() {
    return reserved.get();
  }

  void take(long bytes) {
    long now = reserved.addAndGet(bytes);
    if (now > config.maxBytes()) {
      reserved.addAndGet(-bytes);
      throw full(config.maxBytes() + " bytes are spooled or in flight");
    }
  }

  void giveBack(String id, long bytes) {
    reservations.remove(id);
    reserved.addAndGet(-bytes);
  }

  /**
   * Takes back, without checking the quota, the room of a body an earlier run left: a journalled
   * transfer, or a resumable upload that was not finished (its room was reserved when it was
   * created).
   */
  public SpoolReservation adopt(String id, long bytes) {
    reserved.addAndGet(bytes);
    SpoolReservation reservation = new SpoolReservation(this, id, bodyOf(id), bytes);
    reservations.put(id, reservation);
    return reservation;
  }

  /** Whether the transfer {@code id} has a journal entry (it was accepted and is not final yet). */
  public boolean journalled(String id) {
    return Files.exists(journal.entry(id));
  }

  private Path bodyOf(String id) {
    return config.dir().resolve(id + BODY_SUFFIX).toAbsolutePath();
  }

  /**
   * The quota can be larger than the disk's free space (other files share it), so a body of known
   * length must also fit on the disk: else {@code Expect: 100-continue} would be answered 100 and
   * the body fail half-way. One statfs call.
   */
  private void refuseWhatTheDiskCannotHold(long bytes) {
    if (bytes <= 0) {
      return;
    }
    long free;
    try {
      if (disk == null) {
        return;
      }
      free = disk.getUsableSpace(); // one statfs call
    } catch (IOException e) {
      return; // the write itself will then say what is wrong with the disk
    }
    if (bytes > free) {
      throw full(
          "the spool disk has "
              + ftpgw.ops.ByteCount.readable(free)
              + " free and the body is "
              + ftpgw.ops.ByteCount.readable(bytes));
    }
  }

  private RuntimeException full(String why) {
    return Failure.SPOOL_FULL.exception(
        "the spool is full (" + why + "); retry in " + config.retryAfterSeconds() + " s");
  }

  /**
   * Bodies without a journal entry were never accepted (the client was never told 201/202): drop
   * them.
   */
  private void removeUnaccepted() throws IOException {
    try (Stream<Path> files = Files.list(config.dir())) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = file.getFileName().toString();
        boolean orphanBody =
            name.endsWith(BODY_SUFFIX)
                && !reservations.containsKey(
                    name.substring(0, name.length() - BODY_SUFFIX.length()));
        // a part of a body kept as several files: <id>.<index>.part
        orphanBody |=
            name.endsWith(PART_SUFFIX)
                && name.indexOf('.') > 0
                && !reservations.containsKey(name.substring(0, name.indexOf('.')));
        if (orphanBody) {
          // a synchronous upload whose client was never answered 201/202 (its connection broke off,
          // or the gateway
          // stopped before its delivery): nobody was promised this body, but an operator may be
          // asked about it
          log.warn(
              "Removed spool body {} ({} bytes): its upload was never accepted (no journal entry)",
              name,
              Files.size(file));
        }
        if (orphanBody || Journal.isTemporary(file)) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  private static java.util.Optional<Transfer> recover(Path dir, Path entry) throws IOException {
    Transfer transfer;
    try {
      transfer = Journal.read(entry);
    } catch (RuntimeException | IOException e) {
      quarantine(dir, entry, "unreadable: " + e.getMessage());
      return java.util.Optional.empty();
    }
    Path body = dir.resolve(transfer.id() + BODY_SUFFIX);
    if (transfer.state().isFinal()) {
      Files.deleteIfExists(entry);
      Files.deleteIfExists(body);
      for (BodyPart part : transfer.parts()) {
        Files.deleteIfExists(Path.of(part.file()));
      }
      return java.util.Optional.empty();
    }
    if (!transfer.parts().isEmpty()) {
      return PartedBody.recover(dir, entry, transfer);
    }
    if (!Files.isRegularFile(body) || Files.size(body) != transfer.bytes()) {
      quarantine(
          dir,
          entry,
          "its body " + body.getFileName() + " is missing or not " + transfer.bytes() + " bytes");
      Files.deleteIfExists(body);
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        new Transfer(
            transfer.id(),
            transfer.path(),
            TransferState.QUEUED,
            transfer.bytes(),
            transfer.sha256(),
            transfer.attempts(),
            transfer.lastError(),
            transfer.error(),
            transfer.createdAt(),
            transfer.updatedAt(),
            body.toAbsolutePath().toString(),
            true,
            transfer.owner()));
  }

  static void quarantine(Path dir, Path entry, String why) throws IOException {
    Path quarantine = PrivateFiles.folder(dir.resolve(QUARANTINE));
    Files.move(entry, quarantine.resolve(entry.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    log.error(
        "Journal entry {} is {}; moved to {} and not delivered",
        entry.getFileName(),
        why,
        quarantine);
  }

  /** 20 characters of 5 random bits each (the alphabet has 32 letters): 100 bits. */
  private String newId() {
    byte[] bits = new byte[13];
    random.nextBytes(bits);
    char[] id = new char[20];
    for (int i = 0; i < id.length; i++) {
      int bit = i * 5;
      int pair = (bits[bit / 8] & 0xff) << 8 | (bits[bit / 8 + 1] & 0xff);
      id[i] = ID_ALPHABET[(pair >>> (11 - bit % 8)) & 31];
    }
    return new String(id);
  }

  private static SecureRandom newRandom() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (java.security.NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }
}
