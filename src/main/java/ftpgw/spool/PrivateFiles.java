package ftpgw.spool;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owner-only modes for what the spool holds: folders 0700, bodies and journal entries 0600. Spooled
 * bodies are other people's uploads on their way to the FTP server; with the JVM's defaults (0755
 * folders, 0644 files under the usual umask) any local user of the gateway host could read them. On
 * a file system without POSIX modes the attributes are empty and the folder is left as it is.
 */
public final class PrivateFiles {
  private static final Logger log = LoggerFactory.getLogger(PrivateFiles.class);
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final Set<PosixFilePermission> FOLDER =
      PosixFilePermissions.fromString("rwx------");

  /** For a new file: {@code rw-------}. */
  public static final String FILE_MODE = "rw-------";

  private static final FileAttribute<?>[] FILE_ATTRIBUTES =
      POSIX
          ? new FileAttribute<?>[] {
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(FILE_MODE))
          }
          : new FileAttribute<?>[0];

  private PrivateFiles() {}

  /** Attributes that create a file {@code 0600} (give them to {@code FileChannel.open}). */
  public static FileAttribute<?>[] file() {
    return FILE_ATTRIBUTES.clone();
  }

  /**
   * Creates {@code dir} (and missing parents, with the default mode) and makes {@code dir} itself
   * {@code 0700}; a folder an earlier version left open to others is closed, with a log line.
   * Blocking.
   */
  public static Path folder(Path dir) throws IOException {
    boolean existed = Files.isDirectory(dir);
    Files.createDirectories(dir);
    if (!POSIX) {
      return dir;
    }
    Set<PosixFilePermission> now = Files.getPosixFilePermissions(dir);
    if (!now.equals(FOLDER)) {
      Files.setPosixFilePermissions(dir, FOLDER);
      if (existed
          && now.stream()
              .anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
        log.info(
            "{} was {}; made it rwx------ (only this user may read spooled uploads)",
            dir.toAbsolutePath(),
            PosixFilePermissions.toString(now));
      }
    }
    return dir;
  }
}
