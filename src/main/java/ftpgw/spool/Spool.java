package ftpgw.spool;

import ftpgw.config.SpoolConfig;
import ftpgw.transfer.Failure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The bounded on-disk spool: a folder of bodies named by generated ids, and a byte quota over all uploads in flight.
 * Thread-safe: several HTTP verticles may share one.
 */
public final class Spool {
  static final String BODY_SUFFIX = ".body";
  private static final char[] ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();

  private final SpoolConfig config;
  private final AtomicLong reserved = new AtomicLong();
  private final SecureRandom random = new SecureRandom();

  private Spool(SpoolConfig config) {
    this.config = config;
  }

  /** Opens the spool folder, creating it, and removes bodies left by an earlier run (none of them was accepted). */
  public static Spool open(SpoolConfig config) {
    try {
      Files.createDirectories(config.dir());
      try (Stream<Path> leftovers = Files.list(config.dir())) {
        for (Path p : (Iterable<Path>) leftovers.filter(p -> p.getFileName().toString().endsWith(BODY_SUFFIX))::iterator) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("spool.dir " + config.dir() + " is not usable: " + e.getMessage(), e);
    }
    return new Spool(config);
  }

  public SpoolConfig config() {
    return config;
  }

  /** Reserves room for a body of {@code bytes} (0 for an unknown length: grow it as it arrives). */
  public SpoolReservation reserve(long bytes) {
    take(bytes);
    String id = newId();
    return new SpoolReservation(this, id, config.dir().resolve(id + BODY_SUFFIX).toAbsolutePath(), bytes);
  }

  /** Bytes reserved by uploads in flight. */
  public long reservedBytes() {
    return reserved.get();
  }

  void take(long bytes) {
    long now = reserved.addAndGet(bytes);
    if (now > config.maxBytes()) {
      reserved.addAndGet(-bytes);
      throw Failure.SPOOL_FULL.exception("the spool is full (" + config.maxBytes() + " bytes in flight); retry in "
          + config.retryAfterSeconds() + " s");
    }
  }

  void giveBack(long bytes) {
    reserved.addAndGet(-bytes);
  }

  private String newId() {
    char[] id = new char[20];
    for (int i = 0; i < id.length; i++) {
      id[i] = ID_ALPHABET[random.nextInt(ID_ALPHABET.length)];
    }
    return new String(id);
  }
}
