package ftpgw.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Remote paths as the gateway's {@code PUT /files/{path}} wants them: '/'-separated, each segment
 * percent-encoded.
 */
final class RemoteNames {
  private RemoteNames() {}

  /** A local relative path as a remote name, whatever the platform's separator. */
  static String of(Path relative) {
    List<String> parts = new ArrayList<>();
    relative.forEach(p -> parts.add(p.toString()));
    return String.join("/", parts);
  }

  /** {@code --to} as a prefix: "" or "a/b/" (surrounding and repeated slashes dropped). */
  static String folder(String remoteFolder) {
    if (remoteFolder == null) {
      return "";
    }
    String joined =
        String.join(
            "/",
            java.util.Arrays.stream(remoteFolder.split("/")).filter(s -> !s.isEmpty()).toList());
    return joined.isEmpty() ? "" : joined + "/";
  }

  /**
   * The URL path for a remote name: each segment encoded, so spaces and non-ASCII names survive.
   */
  static String urlPath(String remotePath) {
    List<String> encoded = new ArrayList<>();
    for (String segment : remotePath.split("/")) {
      encoded.add(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return "/files/" + String.join("/", encoded);
  }
}
