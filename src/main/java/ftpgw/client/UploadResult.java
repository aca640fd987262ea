package ftpgw.client;

/**
 * How one planned file ended on its rank: {@code ok} only when the gateway confirmed it with the
 * same SHA-256; {@code message} is why it failed, or, for a file that needed retries, why its first
 * attempts failed.
 *
 * @param lastRank a split file was sent by ranks {@code rank..lastRank}; else {@code rank}
 * @param partUrl for one range of a split file: its tus partial upload's URL once created, which
 *     rank 0 joins (or terminates); else empty
 */
public record UploadResult(
    String remotePath,
    int rank,
    long bytes,
    double seconds,
    boolean ok,
    int attempts,
    String message,
    int lastRank,
    String partUrl) {
  /** A whole file's result. */
  public UploadResult(
      String remotePath,
      int rank,
      long bytes,
      double seconds,
      boolean ok,
      int attempts,
      String message) {
    this(remotePath, rank, bytes, seconds, ok, attempts, message, rank, "");
  }

  /** 0 for a file that did not arrive: its bytes were not delivered. */
  public double megabytesPerSecond() {
    return ok && seconds > 0 ? bytes / seconds / 1e6 : 0;
  }

  public String status() {
    if (ok) {
      return attempts > 1 ? "OK after " + attempts + " attempts (" + message + ")" : "OK";
    }
    return "FAILED: " + message;
  }

  /** The report's rank column: {@code 2}, or {@code 0-3} for a split file. */
  public String ranks() {
    return lastRank == rank ? String.valueOf(rank) : rank + "-" + lastRank;
  }
}
