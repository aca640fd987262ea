package ftpgw.client;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One line of the client's report table, read back from its output. */
record ReportRow(
    String file,
    int rank,
    long bytes,
    double seconds,
    double megabytesPerSecond,
    String status,
    int lastRank) {
  /** A split file's rank column is its ranks, {@code 0-3}. */
  private static final Pattern ROW =
      Pattern.compile(
          "^(\\S+)\\s+(\\d+)(?:-(\\d+))?\\s+(\\d+)\\s+([\\d.]+)\\s+([\\d.]+)\\s+(OK.*|FAILED.*)$");

  static List<ReportRow> parse(List<String> output) {
    List<ReportRow> rows = new ArrayList<>();
    for (String line : output) {
      Matcher m = ROW.matcher(line);
      if (m.matches()) {
        rows.add(
            new ReportRow(
                m.group(1),
                Integer.parseInt(m.group(2)),
                Long.parseLong(m.group(4)),
                Double.parseDouble(m.group(5)),
                Double.parseDouble(m.group(6)),
                m.group(7),
                Integer.parseInt(m.group(3) == null ? m.group(2) : m.group(3))));
      }
    }
    return rows;
  }
}
