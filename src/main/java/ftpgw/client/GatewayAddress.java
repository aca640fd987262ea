package ftpgw.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * What {@code --gateway} (or {@code FTPGW_GATEWAY}) means, read as curl reads a URL: {@code
 * host:port} and a bare {@code host} are {@code http://}; {@code http} and {@code https} are the
 * only schemes. Anything else is a usage error at parse time, before any rank has done work,
 * instead of a failure per file.
 */
final class GatewayAddress {
  private GatewayAddress() {}

  /**
   * The gateway's base URL without a trailing slash; IllegalArgumentException says what is wrong
   * with it.
   */
  static URI parse(String text) {
    String typed = text == null ? "" : text.strip();
    if (typed.isEmpty()) {
      throw new IllegalArgumentException(
          "--gateway is empty: give a URL such as http://127.0.0.1:6969");
    }
    String withScheme = typed.contains("://") ? typed : "http://" + typed;
    URI uri;
    try {
      uri = new URI(withScheme);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(invalid(typed, e.getReason()));
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(
          invalid(typed, "the gateway speaks http:// or https://, not " + scheme + "://"));
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException(invalid(typed, "no host name"));
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          invalid(typed, "a gateway URL has no ?query or #fragment"));
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return URI.create(scheme + "://" + uri.getRawAuthority() + path);
  }

  private static String invalid(String typed, String why) {
    return "--gateway '"
        + typed
        + "' is not a gateway URL ("
        + why
        + "); e.g. http://127.0.0.1:6969 or 127.0.0.1:6969";
  }
}
