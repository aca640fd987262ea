package ftpgw.client;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;

/**
 * Rank 0 asks the gateway's {@code /health} once before it deals out the files of an upload, with
 * the same attempts and backoff as a file (a gateway that is still starting is waited for). One
 * clear message then replaces a failed row per file when the gateway cannot be reached or is
 * misnamed.
 */
final class GatewayCheck {
  private final FileUploader uploader;
  private final URI gateway;
  private final RetryBackoff backoff;
  private final PrintStream out;

  GatewayCheck(FileUploader uploader, URI gateway, RetryBackoff backoff, PrintStream out) {
    this.uploader = uploader;
    this.gateway = gateway;
    this.backoff = backoff;
    this.out = out;
  }

  /** Null when the gateway answers; otherwise the message that says why nothing was sent. */
  String problem() {
    for (int attempt = 1; ; attempt++) {
      FileUploader.Health health = uploader.askHealth();
      // any answer below 500 comes from a live HTTP server: the uploads themselves will say what it
      // thinks of them
      if (health.answered() && health.status() < 500) {
        if (health.status() != 200) {
          out.printf(
              "The gateway %s answers HTTP %d on /health; trying the uploads anyway.%n",
              gateway, health.status());
        }
        return null;
      }
      String why =
          health.answered()
              ? "it answers HTTP " + health.status() + " on /health"
              : "it is not reachable: " + health.problem();
      if (attempt >= backoff.maxAttempts()) {
        return String.format(
            "The gateway %s cannot be used (%s; %s): is it running, and is --gateway (or"
                + " FTPGW_GATEWAY) right? Nothing was sent.",
            gateway, why, Counted.of(attempt, "attempt"));
      }
      if (attempt == 1) {
        out.printf(
            "The gateway %s: %s; trying again (%s in all).%n",
            gateway, why, Counted.of(backoff.maxAttempts(), "attempt"));
      }
      Duration wait = backoff.delay(attempt, null);
      try {
        Thread.sleep(wait.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "Interrupted while waiting for the gateway " + gateway + ". Nothing was sent.";
      }
    }
  }
}
