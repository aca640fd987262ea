package ftpgw.relay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The temporary files this node has on the FTP server, one small local file each (holding the
 * remote path), written before the STOR and removed once the temporary file is renamed or deleted.
 * A process killed in between (kill -9 during a synchronous cut-through PUT, never journalled; or
 * any attempt, since every attempt has a name of its own) leaves its record, and the relay deletes
 * the remote file on its next start ({@link #leftovers()}).
 *
 * <p>Records are written without fsync: they survive a killed process (the page cache is the
 * kernel's), not a power loss, which may leave a hidden, recognisable {@code .ftpgw-*.part} file
 * behind. Thread-safe.
 */
final class TempFileLedger {
  private static final Logger log = LoggerFactory.getLogger(TempFileLedger.class);

  /**
   * Records live in the spool folder, next to the bodies, as {@code
   * .ftpgw-<id>.<random>.part.ftp-temp}.
   */
  private static final String SUFFIX = ".ftp-temp";

  /**
   * No ledger: nothing recorded (the clients' own logins in passthrough mode, which a restart
   * cannot log in as).
   */
  static final TempFileLedger NONE = new TempFileLedger(null);

  /** A recorded temporary file. */
  record Entry(Path record, String remotePath) {}

  private final Path dir;
  private final Set<Path> live = ConcurrentHashMap.newKeySet();

  /**
   * @param dir local folder of the records (created when needed); null records nothing
   */
  TempFileLedger(Path dir) {
    this.dir = dir;
  }

  /** Records {@code remotePath} (named {@code .ftpgw-<id>.<random>.part}) before it is created. */
  Entry record(String remotePath) throws IOException {
    if (dir == null) {
      return null;
    }
    String name = remotePath.substring(remotePath.lastIndexOf('/') + 1);
    Path record = dir.resolve(name + SUFFIX);
    live.add(record);
    try {
      Files.writeString(record, remotePath, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      // the folder is made on first use (and again if someone removed it), not stat'ed per file
      Files.createDirectories(dir);
      Files.writeString(record, remotePath, StandardCharsets.UTF_8);
    }
    return new Entry(record, remotePath);
  }

  /** The remote file is gone (renamed to its final name, or deleted): forget it. */
  void forget(Entry entry) {
    if (entry == null) {
      return;
    }
    try {
      Files.deleteIfExists(entry.record());
    } catch (IOException e) {
      log.warn(
          "Cannot remove the record {} of a temporary FTP file: {}",
          entry.record(),
          e.getMessage());
    }
    live.remove(entry.record());
  }

  /**
   * The attempt ended but could not delete its file (its connection failed): the record stays, now
   * a leftover for the janitor.
   */
  void abandon(Entry entry) {
    if (entry != null) {
      live.remove(entry.record());
    }
  }

  /**
   * Records of temporary files no attempt of this process is working on: an earlier run's, or
   * failed deletes.
   */
  List<Entry> leftovers() throws IOException {
    List<Entry> found = new ArrayList<>();
    if (dir == null || !Files.isDirectory(dir)) {
      return found;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path record : (Iterable<Path>) files::iterator) {
        if (record.getFileName().toString().endsWith(SUFFIX) && !live.contains(record)) {
          found.add(new Entry(record, Files.readString(record, StandardCharsets.UTF_8).trim()));
        }
      }
    }
    return found;
  }
}
