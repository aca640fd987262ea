package ftpgw.http;

import ftpgw.transfer.Failure;
import io.vertx.core.MultiMap;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SHA-256 a client announces for its body, from {@code Repr-Digest} or {@code Content-Digest}
 * (RFC 9530: {@code sha-256=:<base64>:}). Other algorithms are ignored, as the RFC allows; a
 * malformed value is a 400.
 */
final class ContentDigest {
  private static final Pattern MEMBER =
      Pattern.compile("\\s*([a-z0-9_*.-]+)\\s*=\\s*(:[^:]*:|[^,]*)\\s*");

  private ContentDigest() {}

  /** The announced digest as lower-case hex, if the client sent one. */
  static Optional<String> expectedSha256(MultiMap headers) {
    for (String header : new String[] {"Repr-Digest", "Content-Digest"}) {
      String value = headers.get(header);
      if (value != null) {
        Optional<String> sha = parse(header, value);
        if (sha.isPresent()) {
          return sha;
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<String> parse(String header, String value) {
    for (String member : value.split(",")) {
      Matcher m = MEMBER.matcher(member);
      if (!m.matches()) {
        throw Failure.BAD_DIGEST.exception(
            header + " is not a valid RFC 9530 dictionary: \"" + value + "\"");
      }
      if (!m.group(1).toLowerCase(Locale.ROOT).equals("sha-256")) {
        continue;
      }
      String item = m.group(2);
      if (!item.startsWith(":") || !item.endsWith(":") || item.length() < 2) {
        throw Failure.BAD_DIGEST.exception(
            header + " sha-256 must be a byte sequence (:<base64>:), got " + item);
      }
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(item.substring(1, item.length() - 1));
      } catch (IllegalArgumentException e) {
        throw Failure.BAD_DIGEST.exception(header + " sha-256 is not valid base64: " + item);
      }
      if (bytes.length != 32) {
        throw Failure.BAD_DIGEST.exception(
            header + " sha-256 must be 32 bytes, got " + bytes.length);
      }
      return Optional.of(HexFormat.of().formatHex(bytes));
    }
    return Optional.empty();
  }
}
