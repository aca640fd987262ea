package ftpgw.client;

import java.io.PrintStream;

/**
 * Rank 0's view of the whole job's progress, fed by every rank: a live bar redrawn in place on a
 * terminal (bytes and files done, rate, ETA), or, when the output is not a terminal, a plain line
 * now and then.
 */
final class ProgressView {
  private static final long PLAIN_EVERY_NANOS = 5_000_000_000L;
  private static final int BAR_WIDTH = 30;

  private final PrintStream out;
  private final boolean live;
  private final long totalBytes;
  private final int totalFiles;
  private final long[] bytes;
  private final long[] failedBytes;
  private final int[] files;
  private final long start = System.nanoTime();
  private long lastPlain = start;
  private boolean drawn;

  ProgressView(PrintStream out, boolean live, int ranks, long totalBytes, int totalFiles) {
    this.out = out;
    this.live = live;
    this.totalBytes = totalBytes;
    this.totalFiles = totalFiles;
    this.bytes = new long[ranks];
    this.failedBytes = new long[ranks];
    this.files = new int[ranks];
  }

  /** {@code failed}: the part of {@code bytesDone} that belongs to files that failed. */
  void update(int rank, int filesDone, long bytesDone, long failed) {
    files[rank] = filesDone;
    bytes[rank] = bytesDone;
    failedBytes[rank] = failed;
  }

  void render() {
    long now = System.nanoTime();
    if (live) {
      out.print("\r" + line(now) + "\u001b[K");
      out.flush();
      drawn = true;
    } else if (now - lastPlain >= PLAIN_EVERY_NANOS) {
      out.println("progress: " + line(now));
      lastPlain = now;
    }
  }

  /** Ends the bar's line before the table. */
  void finish() {
    if (drawn) {
      out.print("\r" + line(System.nanoTime()) + "\u001b[K\n");
      out.flush();
    }
  }

  String line(long now) {
    long done = java.util.Arrays.stream(bytes).sum();
    int filesDone = java.util.Arrays.stream(files).sum();
    double seconds = (now - start) / 1e9;
    // the rate (and so the ETA) counts bytes that went out, not the sizes of files that failed:
    // with every file
    // failing there is no rate and no ETA
    long sent = done - java.util.Arrays.stream(failedBytes).sum();
    double rate = seconds > 0 ? sent / seconds : 0;
    double fraction =
        totalBytes > 0
            ? Math.min(1, (double) done / totalBytes)
            : (double) filesDone / Math.max(1, totalFiles);
    int filled = (int) Math.round(fraction * BAR_WIDTH);
    String eta =
        rate > 0 && done < totalBytes && filesDone < totalFiles
            ? String.format("%.0f s", (totalBytes - done) / rate)
            : "-";
    return String.format(
        "[%s%s] %3.0f%% %s of %s, %d/%d files, %.1f MB/s, ETA %s",
        "#".repeat(filled),
        ".".repeat(BAR_WIDTH - filled),
        fraction * 100,
        ReportTable.size(done),
        ReportTable.size(totalBytes),
        filesDone,
        totalFiles,
        rate / 1e6,
        eta);
  }
}
