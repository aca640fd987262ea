package ftpgw.relay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The temporary files this node has on the FTP server, in a small append-only log next to the
 * spooled bodies: a line {@code + <remote path>} before the STOR, {@code - <remote path>} once the
 * temporary file is renamed or deleted. A process killed in between (kill -9 during a synchronous
 * PUT, never journalled; or any attempt, since every attempt has a name of its own) leaves its
 * {@code +} line, and the relay deletes the remote file on its next start ({@link #leftovers()}).
 * Two appends per file cost less than a record file created and removed per file; the log is
 * deleted whenever nothing is pending, and rewritten with only the pending lines when it grows past
 * {@link #COMPACT_AT}.
 *
 * <p>Lines are written without fsync: they survive a killed process (the page cache is the
 * kernel's), not a power loss, which may leave a hidden, recognisable {@code .ftpgw-*.part} file
 * behind. Records of the earlier format (one {@code .ftp-temp} file each) are still read, so an
 * upgrade after a crash cleans up too. Thread-safe.
 */
final class TempFileLedger {
  private static final Logger log = LoggerFactory.getLogger(TempFileLedger.class);

  /** The log, in the spool folder. */
  static final String LOG_NAME = ".ftpgw-temp-files.log";

  /** The earlier format: one {@code .ftpgw-<id>.<random>.part.ftp-temp} file per record. */
  private static final String RECORD_SUFFIX = ".ftp-temp";

  /** Past this many bytes the log is rewritten with the pending lines only. */
  static final long COMPACT_AT = 1 << 20;

  /**
   * No ledger: nothing recorded (the clients' own logins in passthrough mode, which a restart
   * cannot log in as).
   */
  static final TempFileLedger NONE = new TempFileLedger(null);

  /** A recorded temporary file; {@code record} is the earlier format's file for it, else null. */
  record Entry(String remotePath, Path record) {}

  private final Path dir;

  /** Recorded and not forgotten: this process's attempts, those they abandoned, earlier runs'. */
  private final Set<String> pending = new LinkedHashSet<>();

  /** The pending files an attempt of this process is working on (not leftovers). */
  private final Set<String> inFlight = new HashSet<>();

  private boolean loaded;
  private FileChannel out;
  private long written;

  /**
   * @param dir local folder of the log (created when needed); null records nothing
   */
  TempFileLedger(Path dir) {
    this.dir = dir;
  }

  /** Records {@code remotePath} (named {@code .ftpgw-<id>.<random>.part}) before it is created. */
  synchronized Entry record(String remotePath) throws IOException {
    if (dir == null) {
      return null;
    }
    load();
    append('+', remotePath);
    pending.add(remotePath);
    inFlight.add(remotePath);
    return new Entry(remotePath, null);
  }

  /** The remote file is gone (renamed to its final name, or deleted): forget it. */
  synchronized void forget(Entry entry) {
    if (entry == null) {
      return;
    }
    inFlight.remove(entry.remotePath());
    try {
      if (entry.record() != null) {
        Files.deleteIfExists(entry.record());
        return;
      }
      pending.remove(entry.remotePath());
      if (pending.isEmpty()) {
        deleteLog(); // nothing to remember: nothing left in the spool folder
      } else {
        append('-', entry.remotePath());
        if (written > COMPACT_AT) {
          compact();
        }
      }
    } catch (IOException e) {
      log.warn(
          "Cannot record that the temporary FTP file {} is gone: {}",
          entry.remotePath(),
          e.getMessage());
    }
  }

  /**
   * The attempt ended but could not delete its file (its connection failed): its record stays, now
   * a leftover for the janitor.
   */
  synchronized void abandon(Entry entry) {
    if (entry != null) {
      inFlight.remove(entry.remotePath());
    }
  }

  /**
   * Records of temporary files no attempt of this process is working on: an earlier run's, or
   * failed deletes.
   */
  synchronized List<Entry> leftovers() throws IOException {
    List<Entry> found = new ArrayList<>();
    if (dir == null || !Files.isDirectory(dir)) {
      return found;
    }
    load();
    for (String remotePath : pending) {
      if (!inFlight.contains(remotePath)) {
        found.add(new Entry(remotePath, null));
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path record : (Iterable<Path>) files::iterator) {
        if (record.getFileName().toString().endsWith(RECORD_SUFFIX)) {
          found.add(new Entry(Files.readString(record, StandardCharsets.UTF_8).trim(), record));
        }
      }
    }
    return found;
  }

  /** Reads what an earlier run left pending in the log, once. */
  private void load() throws IOException {
    if (loaded) {
      return;
    }
    loaded = true;
    Files.deleteIfExists(dir.resolve(LOG_NAME + ".new")); // a compaction cut short
    List<String> lines;
    try {
      lines = Files.readAllLines(dir.resolve(LOG_NAME), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return;
    }
    for (String line : lines) {
      if (line.startsWith("+ ")) {
        pending.add(line.substring(2));
      } else if (line.startsWith("- ")) {
        pending.remove(line.substring(2));
      } // else: a line cut short by a killed process, whose file was never created
    }
  }

  private void append(char op, String remotePath) throws IOException {
    if (out == null) {
      Path file = dir.resolve(LOG_NAME);
      try {
        out = open(file);
      } catch (NoSuchFileException e) {
        // the folder is made on first use (and again if someone removed it), not stat'ed per file
        Files.createDirectories(dir);
        out = open(file);
      }
      written = out.size();
    }
    ByteBuffer line = StandardCharsets.UTF_8.encode(op + " " + remotePath + "\n");
    written += line.remaining();
    while (line.hasRemaining()) {
      out.write(line);
    }
  }

  private static FileChannel open(Path file) throws IOException {
    return FileChannel.open(
        file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  /** Rewrites the log with the pending lines only, replacing it atomically. */
  private void compact() throws IOException {
    Path fresh = dir.resolve(LOG_NAME + ".new");
    List<String> lines = new ArrayList<>();
    for (String remotePath : pending) {
      lines.add("+ " + remotePath);
    }
    Files.write(fresh, lines, StandardCharsets.UTF_8);
    closeLog();
    Files.move(
        fresh,
        dir.resolve(LOG_NAME),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  private void deleteLog() throws IOException {
    closeLog();
    Files.deleteIfExists(dir.resolve(LOG_NAME));
  }

  private void closeLog() throws IOException {
    written = 0;
    if (out != null) {
      FileChannel closing = out;
      out = null;
      closing.close();
    }
  }
}
