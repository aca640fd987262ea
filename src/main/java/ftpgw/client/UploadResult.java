package ftpgw.client;

/**
 * How one planned file ended on its rank: {@code ok} only when the gateway confirmed it with the
 * same SHA-256; {@code message} is why it failed, or, for a file that needed retries, why its first
 * attempts failed.
 */
public record UploadResult(
    String remotePath,
    int rank,
    long bytes,
    double seconds,
    boolean ok,
    int attempts,
    String message) {
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
}
