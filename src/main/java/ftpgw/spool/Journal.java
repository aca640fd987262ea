package ftpgw.spool;

import ftpgw.transfer.Transfer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * The spool's journal: one JSON entry beside each accepted body ({@code <id>.json} next to {@code
 * <id>.body}), written atomically (temporary file, fsync, rename, fsync of the folder) so that a
 * crash leaves either the old entry or the new one, never half of one. Blocking: call from workers.
 */
public final class Journal {
  static final String ENTRY_SUFFIX = ".json";
  private static final String TEMP_SUFFIX = ".json.tmp";

  private final Path dir;

  Journal(Path dir) {
    this.dir = dir;
  }

  /**
   * Makes the transfer survive a crash: its body (or each of its parts) is forced to disk, then its
   * entry is written.
   */
  public void persist(Transfer transfer) throws IOException {
    if (transfer.parts().isEmpty()) {
      force(Path.of(transfer.spoolFile()), false);
    } else {
      PartedBody.force(transfer.parts());
    }
    write(transfer);
  }

  /** Rewrites the entry of a transfer that is already durable (e.g. its attempts changed). */
  public void write(Transfer transfer) throws IOException {
    Path temp = dir.resolve(transfer.id() + TEMP_SUFFIX);
    byte[] json = transfer.toJson().encodePrettily().getBytes(StandardCharsets.UTF_8);
    try (FileChannel channel =
        FileChannel.open(
            temp,
            Set.of(
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING),
            PrivateFiles.file())) {
      channel.write(ByteBuffer.wrap(json));
      channel.force(true);
    }
    try {
      Files.move(
          temp,
          entry(transfer.id()),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, entry(transfer.id()), StandardCopyOption.REPLACE_EXISTING);
    }
    force(dir, true);
  }

  public void delete(String id) throws IOException {
    Files.deleteIfExists(entry(id));
  }

  Path entry(String id) {
    return dir.resolve(id + ENTRY_SUFFIX);
  }

  static Transfer read(Path entry) throws IOException {
    return Transfer.fromJson(new JsonObject(Files.readString(entry, StandardCharsets.UTF_8)));
  }

  static boolean isTemporary(Path file) {
    return file.getFileName().toString().endsWith(TEMP_SUFFIX);
  }

  /**
   * fsync; on a folder it makes a rename inside it durable (Linux allows opening a folder for
   * reading).
   */
  private static void force(Path path, boolean folder) throws IOException {
    try (FileChannel channel =
        FileChannel.open(path, folder ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
      channel.force(true);
    } catch (IOException e) {
      if (!folder) {
        throw e;
      }
      // some file systems refuse to open folders; the rename is then as durable as they make it
    }
  }
}
