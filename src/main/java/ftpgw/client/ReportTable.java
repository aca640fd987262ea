package ftpgw.client;

import java.io.PrintStream;
import java.util.Comparator;
import java.util.List;

/**
 * The table rank 0 prints after an upload: one line per file, then the total with the aggregate
 * throughput.
 */
final class ReportTable {
  private ReportTable() {}

  static void print(PrintStream out, List<UploadResult> results, double wallSeconds, int ranks) {
    int width =
        Math.max(4, results.stream().mapToInt(r -> r.remotePath().length()).max().orElse(4));
    String row = "%-" + width + "s %4s %14s %8s %9s  %s%n";
    out.printf(row, "file", "rank", "bytes", "seconds", "MB/s", "status");
    List<UploadResult> sorted =
        results.stream().sorted(Comparator.comparing(UploadResult::remotePath)).toList();
    for (UploadResult r : sorted) {
      out.printf(
          row,
          r.remotePath(),
          r.ranks(),
          r.bytes(),
          String.format("%.2f", r.seconds()),
          String.format("%.1f", r.megabytesPerSecond()),
          r.status());
    }
    long arrived = results.stream().filter(UploadResult::ok).count();
    long bytes = results.stream().filter(UploadResult::ok).mapToLong(UploadResult::bytes).sum();
    double rate = wallSeconds > 0 ? bytes / wallSeconds / 1e6 : 0;
    out.printf(
        "total: %s, %d arrived, %d failed, %s in %.2f s on %s: %.1f MB/s aggregate%n",
        Counted.of(results.size(), "file"),
        arrived,
        results.size() - arrived,
        Counted.of(bytes, "byte"),
        wallSeconds,
        Counted.of(ranks, "rank"),
        rate);
  }

  /** A byte count for people: 1.5 MiB, 320 B. */
  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format("%.1f %s", value, units[unit]);
  }
}
