package ftpgw.hooks;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The post hooks not yet acknowledged, one small file each ({@code <seq>.hook.json}), written and
 * synced before the first attempt and deleted once the receiver answered 2xx: a restart resends
 * what was pending. Blocking: called off the event loop.
 */
final class HookJournal {
  static final String SUFFIX = ".hook.json";

  private final Path dir;
  private long sequence;

  HookJournal(Path dir) {
    this.dir = dir;
  }

  /** Creates the folder and returns what an earlier run left, oldest first. */
  List<PendingHook> open() throws IOException {
    Files.createDirectories(dir);
    List<PendingHook> pending = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file :
          (Iterable<Path>)
              files
                      .filter(f -> f.toString().endsWith(SUFFIX))
                      .sorted(Comparator.comparingLong(HookJournal::sequenceOf))
                  ::iterator) {
        pending.add(
            PendingHook.fromJson(
                file, new JsonObject(Files.readString(file, StandardCharsets.UTF_8))));
        sequence = Math.max(sequence, sequenceOf(file));
      }
    }
    try (Stream<Path> files =
        Files.list(dir)) { // half-written entries of a crash: never acknowledged to anyone
      for (Path tmp : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".tmp"))::iterator) {
        Files.deleteIfExists(tmp);
      }
    }
    return pending;
  }

  /** Writes {@code hook} durably (temp file, fsync, rename) and returns it with its file. */
  PendingHook write(PendingHook hook) throws IOException {
    Path file = dir.resolve(String.format("%019d", ++sequence) + SUFFIX);
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    try (FileChannel channel =
        FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      channel.write(
          java.nio.ByteBuffer.wrap(hook.toJson().encode().getBytes(StandardCharsets.UTF_8)));
      channel.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    return hook.in(file);
  }

  void delete(PendingHook hook) throws IOException {
    Files.deleteIfExists(hook.file());
  }

  private static long sequenceOf(Path file) {
    String name = file.getFileName().toString();
    try {
      return Long.parseLong(name.substring(0, name.indexOf('.')));
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }
}
