package ftpgw.tus;

import ftpgw.config.TusConfig;
import ftpgw.spool.Spool;
import ftpgw.spool.SpoolReservation;
import ftpgw.transfer.Failure;
import ftpgw.transfer.Owner;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tus uploads in flight, on disk under {@code spool.dir/tus/}: each upload's body ({@code
 * <id>.body}) and its state ({@code <id>.info}, rewritten atomically after the body is fsynced, so
 * that the offset it records never runs ahead of bytes that would survive a crash). One per spool,
 * shared by every HTTP verticle; blocking methods are called from workers.
 */
public final class TusStore {
  private static final Logger log = LoggerFactory.getLogger(TusStore.class);
  static final String FOLDER = "tus";
  private static final String BODY = ".body";
  private static final String INFO = ".info";
  private static final String TEMP = ".info.tmp";

  /**
   * An upload, the PATCH lock on it, and the SHA-256 of its first {@code hashed} bytes while this
   * process has it.
   */
  static final class Entry {
    volatile TusUpload upload;
    final SpoolReservation reservation;
    final AtomicBoolean busy = new AtomicBoolean();
    MessageDigest running;
    long hashed;

    /**
     * The whole body's SHA-256 when it is known without reading the body again (an assembled
     * concatenation).
     */
    String wholeSha256;

    Entry(TusUpload upload, SpoolReservation reservation) {
      this.upload = upload;
      this.reservation = reservation;
    }
  }

  private final Spool spool;
  private final TusConfig config;
  private final Path dir;
  private final Map<String, Entry> uploads = new ConcurrentHashMap<>();

  private TusStore(Spool spool, TusConfig config, Path dir) {
    this.spool = spool;
    this.config = config;
    this.dir = dir;
  }

  /**
   * Opens {@code spool.dir/tus/} and takes back what an earlier run left: unfinished uploads keep
   * their bytes up to their recorded offset (anything after it was never acknowledged) and their
   * spool room; an upload whose transfer was journalled is marked handed over. Blocking; call after
   * {@link Spool#open}.
   */
  public static TusStore open(Spool spool, TusConfig config) {
    Path dir = spool.config().dir().resolve(FOLDER).toAbsolutePath();
    TusStore store = new TusStore(spool, config, dir);
    try {
      Files.createDirectories(dir);
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          String name = file.getFileName().toString();
          if (name.endsWith(TEMP)) {
            Files.deleteIfExists(file);
          } else if (name.endsWith(INFO)) {
            store.recover(file);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "spool.dir " + dir + " is not usable for tus uploads: " + e.getMessage(), e);
    }
    return store;
  }

  private void recover(Path info) throws IOException {
    TusUpload upload;
    try {
      upload = TusUpload.fromJson(new JsonObject(Files.readString(info, StandardCharsets.UTF_8)));
    } catch (RuntimeException e) {
      log.error(
          "tus upload state {} is unreadable ({}); removed", info.getFileName(), e.getMessage());
      Files.deleteIfExists(info);
      return;
    }
    Path body = body(upload.id());
    if (!upload.handedOver() && spool.journalled(upload.id())) {
      upload = upload.handedOver(null); // the crash came between the journal entry and this file
      writeInfo(upload);
    }
    if (upload.handedOver()) {
      Files.deleteIfExists(body);
      uploads.put(upload.id(), new Entry(upload, null));
      return;
    }
    if (!Files.isRegularFile(body) || Files.size(body) < upload.offset()) {
      log.error(
          "tus upload {} lost bytes it had acknowledged (its body is missing or shorter than {}); removed",
          upload.id(),
          upload.offset());
      Files.deleteIfExists(body);
      Files.deleteIfExists(info);
      return;
    }
    try (FileChannel channel = FileChannel.open(body, StandardOpenOption.WRITE)) {
      channel.truncate(upload.offset()); // bytes after the offset were never acknowledged
    }
    SpoolReservation room = spool.adopt(upload.id(), Math.max(upload.length(), upload.offset()));
    uploads.put(upload.id(), new Entry(upload, room));
  }

  public TusConfig config() {
    return config;
  }

  Spool spool() {
    return spool;
  }

  /** The upload, if it exists, has not expired and belongs to {@code caller}; else NOT_FOUND. */
  Entry find(String id, Owner caller) {
    Entry entry = id == null ? null : uploads.get(id);
    if (entry == null || entry.upload.expired(Instant.now()) || !entry.upload.visibleTo(caller)) {
      throw Failure.NOT_FOUND.exception(
          "no tus upload " + id + " (unknown, expired or terminated)");
    }
    return entry;
  }

  Optional<Entry> get(String id) {
    return Optional.ofNullable(uploads.get(id));
  }

  /** Uploads whose body is whole but not yet handed to the delivery (a crash came in between). */
  List<Entry> awaitingHandover() {
    return uploads.values().stream()
        .filter(e -> e.upload.complete() && !e.upload.handedOver())
        .toList();
  }

  /** Creates the empty body and the state of a new upload. Blocking. */
  Entry create(TusUpload upload, SpoolReservation room) throws IOException {
    Files.deleteIfExists(body(upload.id()));
    Files.createFile(body(upload.id()));
    writeInfo(upload);
    Entry entry = new Entry(upload, room);
    entry.running = sha256();
    uploads.put(upload.id(), entry);
    return entry;
  }

  /** Records a new state (offset, length, hand-over) durably, then shows it. Blocking. */
  void commit(Entry entry, TusUpload upload) throws IOException {
    writeInfo(upload);
    entry.upload = upload;
  }

  /**
   * Removes an upload's files and, unless the delivery has it, gives its spool room back. Blocking.
   */
  void remove(Entry entry) throws IOException {
    String id = entry.upload.id();
    uploads.remove(id, entry);
    Files.deleteIfExists(info(id));
    Files.deleteIfExists(body(id));
    if (entry.reservation != null && !entry.upload.handedOver()) {
      entry.reservation.release();
    }
  }

  /** Removes every expired upload that no PATCH holds; returns them. Blocking. */
  List<TusUpload> sweep() {
    Instant now = Instant.now();
    List<TusUpload> removed = new ArrayList<>();
    for (Entry entry : uploads.values()) {
      if (entry.upload.expired(now) && entry.busy.compareAndSet(false, true)) {
        try {
          remove(entry);
          removed.add(entry.upload);
        } catch (IOException e) {
          log.warn("Could not remove expired tus upload {}: {}", entry.upload.id(), e.getMessage());
        } finally {
          entry.busy.set(false);
        }
      }
    }
    return removed;
  }

  Path body(String id) {
    return dir.resolve(id + BODY);
  }

  private Path info(String id) {
    return dir.resolve(id + INFO);
  }

  /**
   * Temporary file, fsync, rename, fsync of the folder: a crash leaves the old state or the new
   * one.
   */
  private void writeInfo(TusUpload upload) throws IOException {
    Path temp = dir.resolve(upload.id() + TEMP);
    try (FileChannel channel =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      channel.write(ByteBuffer.wrap(upload.toJson().encode().getBytes(StandardCharsets.UTF_8)));
      channel.force(true);
    }
    Files.move(
        temp,
        info(upload.id()),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
      folder.force(true);
    } catch (IOException e) {
      // some file systems refuse to open folders; the rename is then as durable as they make it
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
