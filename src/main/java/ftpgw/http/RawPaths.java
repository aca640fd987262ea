package ftpgw.http;

import ftpgw.transfer.Failure;
import ftpgw.transfer.RemotePath;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads a remote path from the request's raw (not yet normalised) URL path. The router normalises
 * "a/../b" away before matching, which would silently turn a hostile path into another one; here it
 * is refused instead.
 */
final class RawPaths {
  private RawPaths() {}

  /**
   * The checked path after {@code prefix} in {@code rawPath}, e.g. {@code /files/a/b.bin} → {@code
   * a/b.bin}.
   */
  static RemotePath after(String prefix, String rawPath) {
    return RemotePath.parse(percentDecode(rawUtf8(rawPath.substring(prefix.length()))));
  }

  /**
   * Netty reads the request line as ISO-8859-1, one char per byte, so raw (unescaped) UTF-8 such as
   * {@code é} arrives as {@code Ã©}. Such bytes are read again as the UTF-8 clients send (curl,
   * browsers, Python); bytes that are not valid UTF-8 are a 400, as invalid percent-escapes are.
   */
  static String rawUtf8(String raw) {
    boolean high = false;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c > 0xFF) {
        return raw; // not from the wire's bytes: nothing to read again
      }
      high |= c >= 0x80;
    }
    if (!high) {
      return raw;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(raw.getBytes(StandardCharsets.ISO_8859_1)))
          .toString();
    } catch (CharacterCodingException e) {
      throw Failure.BAD_PATH.exception("the path is not valid UTF-8");
    }
  }

  /**
   * Strict RFC 3986 percent-decoding into UTF-8 ('+' stays '+'); bad escapes or bytes are a 400.
   */
  static String percentDecode(String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '%') {
        byte[] plain = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(plain, 0, plain.length);
        continue;
      }
      if (i + 2 >= raw.length()
          || Character.digit(raw.charAt(i + 1), 16) < 0
          || Character.digit(raw.charAt(i + 2), 16) < 0) {
        throw Failure.BAD_PATH.exception(
            "the path has a malformed percent-escape at position " + i);
      }
      bytes.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
      i += 2;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw Failure.BAD_PATH.exception("the path is not valid UTF-8 once percent-decoded");
    }
  }
}
