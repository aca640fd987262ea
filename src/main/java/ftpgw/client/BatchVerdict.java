package ftpgw.client;

import java.io.PrintStream;

/**
 * The last word of a batch upload: its exit code, and one line on stderr when not every file
 * arrived.
 */
final class BatchVerdict {
  private BatchVerdict() {}

  static int exitCode(Coordinator.Round round, String gateway, PrintStream err) {
    if (round.gatewayProblem() != null) {
      return MpjClient
          .EXIT_GATEWAY_UNAVAILABLE; // its message is out already, in place of the table
    }
    if (round.everyFileArrived()) {
      return MpjClient.EXIT_OK;
    }
    if (round.results().isEmpty()) {
      // nothing was attempted: "not every file arrived" would suggest that some did
      err.printf(
          "mpj-client: nothing to upload: %s not found%n",
          Counted.of(round.notFound().size(), "path"));
      return MpjClient.EXIT_FILES_MISSING;
    }
    err.printf(
        "mpj-client: not every file arrived: %d failed, %s not found (see above)%n",
        round.failed(), Counted.of(round.notFound().size(), "path"));
    if (round.results().stream()
        .anyMatch(r -> !r.ok() && r.message().contains(FileUploader.UNREACHABLE))) {
      err.printf(
          "mpj-client: the gateway %s could not be reached: is it running, and is --gateway"
              + " (or FTPGW_GATEWAY) right?%n",
          gateway);
    }
    return MpjClient.EXIT_FILES_MISSING;
  }
}
