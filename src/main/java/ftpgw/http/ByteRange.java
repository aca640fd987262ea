package ftpgw.http;

/**
 * One range of a {@code Range: bytes=…} header (RFC 9110 section 14.1.2): {@code first-last},
 * {@code first-} or the suffix {@code -length}. Several ranges are not served (the whole file is,
 * as the RFC allows).
 *
 * @param first the first byte, or -1 for a suffix range
 * @param last the last byte asked for (-1: to the end), or the suffix length
 */
record ByteRange(long first, long last) {

  /**
   * The range, or null when the header is not one single well-formed byte range (then it is
   * ignored).
   */
  static ByteRange parse(String header) {
    String value = header.trim();
    if (!value.regionMatches(true, 0, "bytes=", 0, 6) || value.indexOf(',') >= 0) {
      return null;
    }
    String spec = value.substring(6).trim();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    try {
      String a = spec.substring(0, dash).trim();
      String b = spec.substring(dash + 1).trim();
      if (a.isEmpty()) {
        long suffix = Long.parseLong(b);
        return suffix < 0 ? null : new ByteRange(-1, suffix);
      }
      long first = Long.parseLong(a);
      long last = b.isEmpty() ? -1 : Long.parseLong(b);
      return first < 0 || (last >= 0 && last < first) ? null : new ByteRange(first, last);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  boolean satisfiable(long size) {
    return first < 0 ? last > 0 && size > 0 : first < size;
  }

  long first(long size) {
    return first < 0 ? Math.max(0, size - last) : first;
  }

  long last(long size) {
    return first < 0 || last < 0 ? size - 1 : Math.min(last, size - 1);
  }
}
