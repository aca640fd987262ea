package ftpgw.transfer;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * A client-chosen path, checked so that it can neither leave its folder nor break an FTP command
 * line: relative, '/'-separated, no empty, "." or ".." segment, no backslash, NUL or control
 * character, NFC-normalised, at most {@value #MAX_SEGMENT_BYTES} bytes a segment and {@value
 * #MAX_PATH_BYTES} in all.
 */
public record RemotePath(List<String> segments) {
  public static final int MAX_SEGMENT_BYTES = 255;
  public static final int MAX_PATH_BYTES = 1024;

  public RemotePath {
    segments = List.copyOf(segments);
  }

  /** Checks a whole path such as {@code a/b/c.bin}. */
  public static RemotePath parse(String path) {
    if (path == null || path.isEmpty()) {
      throw bad("the path is empty");
    }
    if (path.startsWith("/")) {
      throw bad("the path must be relative, got an absolute path");
    }
    String normalised = Normalizer.normalize(path, Normalizer.Form.NFC);
    if (normalised.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
      throw bad("the path is longer than " + MAX_PATH_BYTES + " bytes");
    }
    List<String> segments = new ArrayList<>();
    for (String segment : normalised.split("/", -1)) {
      segments.add(checkSegment(segment));
    }
    return new RemotePath(segments);
  }

  /** Checks an optional folder (may be empty or null, may end with '/'). */
  public static RemotePath folder(String folder) {
    if (folder == null) {
      return new RemotePath(List.of());
    }
    String trimmed = folder.endsWith("/") ? folder.substring(0, folder.length() - 1) : folder;
    return trimmed.isEmpty() ? new RemotePath(List.of()) : parse(trimmed);
  }

  /** Checks a single file name (one segment). */
  public static RemotePath fileName(String name) {
    if (name != null && name.contains("/")) {
      throw bad("the file name must not contain '/'");
    }
    return parse(name);
  }

  public RemotePath resolve(RemotePath child) {
    List<String> all = new ArrayList<>(segments);
    all.addAll(child.segments);
    RemotePath joined = new RemotePath(all);
    if (joined.toString().getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
      throw bad("the path is longer than " + MAX_PATH_BYTES + " bytes");
    }
    return joined;
  }

  public boolean isEmpty() {
    return segments.isEmpty();
  }

  public String name() {
    return segments.get(segments.size() - 1);
  }

  public RemotePath parent() {
    return new RemotePath(segments.subList(0, Math.max(0, segments.size() - 1)));
  }

  @Override
  public String toString() {
    return String.join("/", segments);
  }

  private static String checkSegment(String segment) {
    if (segment.isEmpty()) {
      throw bad("the path has an empty segment (\"//\" or a trailing '/')");
    }
    if (segment.equals(".") || segment.equals("..")) {
      throw bad("the path must not contain \"" + segment + "\" segments");
    }
    if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
      throw bad("a path segment is longer than " + MAX_SEGMENT_BYTES + " bytes");
    }
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '\\') {
        throw bad("the path must not contain a backslash");
      }
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029') {
        throw bad("the path must not contain control characters (found U+%04X)".formatted((int) c));
      }
      if (Character.isSurrogate(c) && !validSurrogate(segment, i)) {
        throw bad("the path is not valid Unicode");
      }
    }
    return segment;
  }

  private static boolean validSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }

  private static GatewayException bad(String message) {
    return Failure.BAD_PATH.exception(message);
  }
}
