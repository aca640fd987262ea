package ftpgw.ops;

import java.util.Locale;

/**
 * Byte counts as people read them in logs: 16 GiB, 1.5 MiB, 512 bytes (binary units, as the
 * config's limits are).
 */
public final class ByteCount {
  private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  private ByteCount() {}

  public static String readable(long bytes) {
    if (bytes < 1024) {
      return bytes + (bytes == 1 ? " byte" : " bytes");
    }
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    // whole numbers stay whole (16 GiB, not 16.0 GiB); others keep one decimal
    String number =
        value == Math.rint(value)
            ? String.valueOf((long) value)
            : String.format(Locale.ROOT, "%.1f", value);
    return number + " " + UNITS[unit];
  }
}
