package ftpgw.client;

import java.util.ArrayList;
import java.util.List;

/**
 * How a file above {@code --split-above} is cut: into as many ranges as there are ranks, but never
 * into ranges smaller than {@link #MIN_PART_BYTES}, whose request and fsync overhead would outweigh
 * the parallel gain. Ranges differ by at most one byte, the longer ones first.
 */
final class RangePlan {
  /** The smallest range worth a rank of its own. */
  static final long MIN_PART_BYTES = 8L << 20;

  private RangePlan() {}

  /**
   * How many parts a file of {@code bytes} is cut into with {@code ranks} ranks: 1 means it is sent
   * whole.
   */
  static int parts(long bytes, int ranks) {
    return (int) Math.max(1, Math.min(ranks, bytes / MIN_PART_BYTES));
  }

  /** The ranges of a file cut into {@code parts} parts, range {@code i} for rank {@code i}. */
  static List<SplitFile.Range> ranges(long bytes, int parts) {
    if (parts < 1 || bytes < parts) {
      throw new IllegalArgumentException(
          "cannot cut " + bytes + " bytes into " + parts + " non-empty parts");
    }
    long base = bytes / parts;
    long longer = bytes % parts;
    List<SplitFile.Range> ranges = new ArrayList<>(parts);
    long offset = 0;
    for (int i = 0; i < parts; i++) {
      long length = base + (i < longer ? 1 : 0);
      ranges.add(new SplitFile.Range(offset, length, i));
      offset += length;
    }
    return ranges;
  }
}
