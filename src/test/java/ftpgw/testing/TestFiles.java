package ftpgw.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/** Files of random content for tests, and their digests. */
public final class TestFiles {
  public static final long KiB = 1024;
  public static final long MiB = 1024 * KiB;

  private TestFiles() {}

  /** Writes {@code bytes} of seeded random content to {@code dir/name}. */
  public static Path random(Path dir, String name, long bytes) {
    Path file = dir.resolve(name);
    SplittableRandom random = new SplittableRandom(name.hashCode() * 31L + bytes);
    byte[] block = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long left = bytes; left > 0; left -= block.length) {
        random.nextBytes(block);
        out.write(block, 0, (int) Math.min(block.length, left));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  public static String sha256(Path file) {
    MessageDigest digest = newDigest();
    byte[] block = new byte[256 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(block)) > 0; ) {
        digest.update(block, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** The RFC 9530 header value for a file: {@code sha-256=:<base64>:}. */
  public static String reprDigest(String sha256Hex) {
    return "sha-256=:"
        + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256Hex))
        + ":";
  }

  /**
   * Every regular file below {@code dir}, relative to it, sorted (walked again if a file vanishes
   * meanwhile).
   */
  public static List<String> filesUnder(Path dir) {
    for (int attempt = 0; ; attempt++) {
      if (!Files.isDirectory(dir)) {
        return List.of();
      }
      try (Stream<Path> walk = Files.walk(dir)) {
        return walk.filter(Files::isRegularFile)
            .map(p -> dir.relativize(p).toString())
            .sorted()
            .toList();
      } catch (IOException | UncheckedIOException e) {
        if (attempt > 20) {
          throw new IllegalStateException("cannot list " + dir, e);
        }
      }
    }
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
