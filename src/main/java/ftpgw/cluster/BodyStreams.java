package ftpgw.cluster;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32C;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What the edge's body stream and the relay node reading it agree on: the path, the headers and the
 * proof that the reader is the relay node the attempt was given to. The proof is an HMAC-SHA256,
 * keyed with the attempt's lease (random, sent only over the clustered event bus), of the transfer,
 * the reading node and the first byte asked for: only a cluster member that was handed the attempt
 * can make it, and the lease itself never crosses the stream.
 */
final class BodyStreams {
  private BodyStreams() {}

  /** Path of a transfer's body on the edge's stream server. */
  static final String PATH_PREFIX = "/cluster/bodies/";

  /** The reading relay node's cluster id. */
  static final String RELAY_HEADER = "X-Ftpgw-Relay-Node";

  /**
   * On the answer that ends a body which was still arriving when it was offered: its CRC-32C, taken
   * as it was spooled.
   */
  static final String CRC32C_HEADER = "X-Ftpgw-Crc32c";

  /**
   * On the same answer: the body's length as it was accepted, which may be shorter than offered (a
   * form's file that was not its last part).
   */
  static final String LENGTH_HEADER = "X-Ftpgw-Length";

  /**
   * On the same answer, when the path was settled only at the body's end (a form's folder field
   * after its file): where the relay node publishes it instead.
   */
  static final String PUBLISH_AS_HEADER = "X-Ftpgw-Publish-As";

  /** Authorization scheme of the proof. */
  static final String SCHEME = "Ftpgw-Lease ";

  static String path(String transferId) {
    return PATH_PREFIX + transferId;
  }

  /** {@code Authorization} value for reading {@code transferId} from byte {@code offset} on. */
  static String authorization(String lease, String transferId, String relayNode, long offset) {
    return SCHEME + proof(lease, transferId, relayNode, offset);
  }

  /** Whether {@code authorization} is the proof of this lease (constant time). */
  static boolean verify(
      String authorization, String lease, String transferId, String relayNode, long offset) {
    if (authorization == null || !authorization.startsWith(SCHEME) || relayNode == null) {
      return false;
    }
    byte[] given = authorization.substring(SCHEME.length()).getBytes(StandardCharsets.US_ASCII);
    byte[] expected =
        proof(lease, transferId, relayNode, offset).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(given, expected);
  }

  /**
   * The CRC-32C of {@code file} (8 hex digits): what the edge offers with a streamed body and the
   * relay node checks the crossing against: intrinsic in the JVM, many times cheaper per byte than
   * hashing the body with SHA-256 again. Blocking.
   */
  static String crc32c(Path file) throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer buffer = READ_BUFFER.get().clear();
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      while (in.read(buffer) >= 0) {
        crc.update(buffer.flip());
        buffer.clear();
      }
    }
    return hex(crc);
  }

  /** A CRC-32C value as {@link #crc32c} writes it. */
  static String hex(CRC32C crc) {
    return String.format("%08x", crc.getValue());
  }

  /** Per worker thread: direct, so that neither the read nor the CRC copies through the heap. */
  private static final ThreadLocal<ByteBuffer> READ_BUFFER =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(256 * 1024));

  private static String proof(String lease, String transferId, String relayNode, long offset) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(lease.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      String message = "ftpgw-body\n" + transferId + "\n" + relayNode + "\n" + offset;
      return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("the JVM has no HmacSHA256", e);
    }
  }
}
