package ftpgw.spool;

import ftpgw.transfer.BodyPart;
import ftpgw.transfer.Transfer;
import ftpgw.transfer.TransferState;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * A body spooled as several files read as the one file they make in order (a tus final
 * concatenation's partials): whole, by byte range, or hashed. Nothing is copied into one file;
 * every read goes through one buffer or sendfile(2), so memory stays flat in the body's size.
 * Blocking.
 */
public final class PartedBody {
  private static final int HASH_BUFFER = 1 << 20;

  private PartedBody() {}

  /** Total bytes of the parts. */
  public static long length(List<BodyPart> parts) {
    return parts.stream().mapToLong(BodyPart::bytes).sum();
  }

  /**
   * Sends bytes [{@code from}, {@code to}) of the whole to {@code out} with sendfile(2), adding
   * what it sent to {@code sent[0]}; fails if a part is shorter than recorded.
   */
  public static void send(
      List<BodyPart> parts, long from, long to, WritableByteChannel out, long[] sent)
      throws IOException {
    long start = 0;
    for (BodyPart part : parts) {
      long end = start + part.bytes();
      if (end > from && start < to) {
        try (FileChannel in = FileChannel.open(Path.of(part.file()), StandardOpenOption.READ)) {
          Spool.transfer(in, Math.max(from, start) - start, Math.min(to, end) - start, out, sent);
        }
      }
      start = end;
    }
  }

  /** Bytes [{@code offset}, +{@code length}) of the whole (a chunk an edge serves a relay node). */
  public static byte[] read(List<BodyPart> parts, long offset, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    long start = 0;
    for (BodyPart part : parts) {
      long end = start + part.bytes();
      if (end > offset && start < offset + length && buffer.hasRemaining()) {
        try (FileChannel in = FileChannel.open(Path.of(part.file()), StandardOpenOption.READ)) {
          long position = Math.max(offset, start) - start;
          int want = (int) Math.min(buffer.remaining(), part.bytes() - position);
          ByteBuffer slice = buffer.slice(buffer.position(), want);
          while (slice.hasRemaining()) {
            if (in.read(slice, position + slice.position()) < 0) {
              throw new IOException("spool part " + part.file() + " ends before " + part.bytes());
            }
          }
          buffer.position(buffer.position() + want);
        }
      }
      start = end;
    }
    if (buffer.hasRemaining()) {
      throw new IOException("the parts end at " + start + " bytes, before " + (offset + length));
    }
    return buffer.array();
  }

  /** The whole as one stream, each part opened when the one before it ends. */
  public static InputStream open(List<BodyPart> parts) {
    Iterator<BodyPart> next = parts.iterator();
    return new SequenceInputStream(
        new java.util.Enumeration<InputStream>() {
          @Override
          public boolean hasMoreElements() {
            return next.hasNext();
          }

          @Override
          public InputStream nextElement() {
            if (!next.hasNext()) {
              throw new NoSuchElementException();
            }
            try {
              return Files.newInputStream(Path.of(next.next().file()));
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }
        });
  }

  /** SHA-256 (hex) of the whole: the files read once, in order, through one buffer. */
  public static String sha256(List<Path> files) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    ByteBuffer buffer = ByteBuffer.allocateDirect(HASH_BUFFER);
    for (Path file : files) {
      try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
        while (in.read(buffer.clear()) >= 0) {
          digest.update(buffer.flip());
        }
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Forces every part to disk (before the journal entry that promises them). */
  static void force(List<BodyPart> parts) throws IOException {
    for (BodyPart part : parts) {
      try (FileChannel channel = FileChannel.open(Path.of(part.file()), StandardOpenOption.WRITE)) {
        channel.force(false);
      }
    }
  }

  /**
   * A body kept as several files is whole when every part is there with its length and they add up;
   * else the entry is quarantined and its parts removed.
   */
  static Optional<Transfer> recover(Path dir, Path entry, Transfer transfer) throws IOException {
    for (BodyPart part : transfer.parts()) {
      Path file = Path.of(part.file());
      boolean whole =
          file.getParent() != null
              && file.getParent().equals(dir.toAbsolutePath())
              && Files.isRegularFile(file)
              && Files.size(file) == part.bytes();
      if (!whole || PartedBody.length(transfer.parts()) != transfer.bytes()) {
        Spool.quarantine(
            dir,
            entry,
            "its part " + file.getFileName() + " is missing or not " + part.bytes() + " bytes");
        for (BodyPart other : transfer.parts()) {
          Path otherFile = Path.of(other.file());
          if (dir.toAbsolutePath().equals(otherFile.getParent())) {
            Files.deleteIfExists(otherFile);
          }
        }
        return Optional.empty();
      }
    }
    return Optional.of(
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
                transfer.spoolFile(),
                true,
                transfer.owner())
            .withParts(transfer.parts()));
  }
}
