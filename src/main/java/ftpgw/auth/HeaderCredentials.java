package ftpgw.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What an {@code Authorization} header carries: HTTP Basic (RFC 7617, UTF-8) or a bearer token (RFC
 * 6750). A token names its user before its last '.' ({@link HashSecret#newToken}). Never printed.
 */
record HeaderCredentials(String user, String secret, boolean bearer) {

  /** The credentials in {@code header}, or null when it holds neither kind (or is malformed). */
  static HeaderCredentials parse(String header) {
    String value = header.trim();
    int space = value.indexOf(' ');
    if (space < 0) {
      return null;
    }
    String scheme = value.substring(0, space);
    String rest = value.substring(space + 1).trim();
    if (scheme.equalsIgnoreCase("Basic")) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(rest), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return null;
      }
      int colon = decoded.indexOf(':');
      return colon <= 0
          ? null
          : new HeaderCredentials(decoded.substring(0, colon), decoded.substring(colon + 1), false);
    }
    if (scheme.equalsIgnoreCase("Bearer")) {
      int dot = rest.lastIndexOf('.');
      return dot <= 0 ? null : new HeaderCredentials(rest.substring(0, dot), rest, true);
    }
    return null;
  }

  @Override
  public String toString() {
    return (bearer ? "Bearer " : "Basic ") + user + ":(secret)";
  }
}
