package ftpgw.client;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The client's command line, the same on every rank (MPI hands each rank the user's arguments). */
@Command(
    name = "mpj-client",
    mixinStandardHelpOptions = true,
    version = "ftpgw mpj-client 0.1",
    description = {
      "Uploads files to the ftpgw gateway from the ranks of an MPJ Express job, sharing the work.",
      "Batch:       mpj-client [options] upload <path>... --to <remote folder>",
      "             mpj-client [options] download <remote>... --to <local folder>  |  ls [<remote folder>]",
      "Interactive: mpj-client [options]   (rank 0 prompts: upload <path>..., status, help, quit)"
    })
final class ClientOptions {
  @Option(
      names = "--gateway",
      paramLabel = "URL",
      defaultValue = "${env:FTPGW_GATEWAY:-http://127.0.0.1:6969}",
      description =
          "gateway base URL; host:port means http://host:port (env FTPGW_GATEWAY; default ${DEFAULT-VALUE})")
  String gateway;

  @Option(
      names = "--to",
      paramLabel = "FOLDER",
      defaultValue = "",
      description =
          "remote folder the files land under, keeping their relative folders (default: the root)")
  String remoteFolder;

  @Option(names = "--user", description = "HTTP Basic user (env FTPGW_USER)")
  String user;

  @Option(
      names = "--password",
      description = "HTTP Basic password (env FTPGW_PASSWORD; prefer the env: options show in ps)")
  String password;

  @Option(names = "--token", description = "Bearer token (env FTPGW_TOKEN)")
  String token;

  @Option(
      names = "--attempts",
      defaultValue = "4",
      description =
          "attempts per file for transient failures (connection refused, 5xx, 503 + Retry-After); default ${DEFAULT-VALUE}")
  int attempts;

  @Option(
      names = "--retry-delay-ms",
      defaultValue = "500",
      description =
          "wait before the 2nd attempt, doubled each time up to 8 s (±25 %% jitter); default ${DEFAULT-VALUE}")
  long retryDelayMs;

  @Option(
      names = "--resume-above",
      paramLabel = "BYTES",
      defaultValue = "67108864",
      description =
          "files larger than this go through tus and resume where a broken upload stopped; default ${DEFAULT-VALUE}")
  long resumeAbove;

  @Option(
      names = "--split-above",
      paramLabel = "BYTES|off",
      defaultValue = "1073741824",
      description =
          "files larger than this are cut into one tus partial upload per rank (each at least 8 MiB)"
              + " and joined by rank 0; 0 or off: never; default ${DEFAULT-VALUE}")
  String splitAbove;

  @Option(
      names = "--resume-state",
      paramLabel = "DIR",
      defaultValue = ".ftpgw-resume",
      description =
          "where unfinished resumable uploads are remembered (a job run again resumes them); default ${DEFAULT-VALUE}")
  String resumeState;

  @Option(
      names = "--progress",
      defaultValue = "auto",
      paramLabel = "auto|bar|lines",
      description = "auto (default): a live bar on a terminal, plain lines otherwise")
  String progress;

  @Parameters(
      paramLabel = "COMMAND",
      description = "upload <path>... (files, folders, globs); none: interactive")
  List<String> command = new ArrayList<>();

  boolean interactive() {
    return command.isEmpty();
  }

  /** The paths of a batch {@code upload}; the caller checked {@link #badCommand()} first. */
  List<String> uploadPaths() {
    return command.subList(1, command.size());
  }

  /** Why the positional command is unusable, or null. */
  String badCommand() {
    // checked on every rank alike, so that every rank stops with the same usage error before any
    // MPI traffic
    if (!List.of("auto", "bar", "lines").contains(progress)) {
      return "--progress is auto, bar or lines, got '" + progress + "'";
    }
    if (attempts < 1) {
      return "--attempts must be at least 1, got " + attempts;
    }
    if (splitAboveBytes() < 0) {
      return "--split-above is a number of bytes, 0 or off, got '" + splitAbove + "'";
    }
    if (retryDelayMs < 0) {
      return "--retry-delay-ms must not be negative, got " + retryDelayMs;
    }
    try {
      GatewayAddress.parse(gateway);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    if (interactive()) {
      return null;
    }
    if (command.get(0).equals("ls")) {
      return command.size() > 2 ? "ls takes at most one remote folder" : null;
    }
    if (command.get(0).equals("download")) {
      return command.size() < 2 ? "download needs at least one remote path" : null;
    }
    if (!command.get(0).equals("upload")) {
      return "unknown command '"
          + command.get(0)
          + "': the commands are upload <path>..., download <remote>..."
          + " and ls [<remote folder>]";
    }
    return command.size() < 2 ? "upload needs at least one path: " + Prompt.UPLOAD_USAGE : null;
  }

  /**
   * {@code --split-above} in bytes: {@code Long.MAX_VALUE} for 0 or off (never split), -1 when it
   * is neither a number nor off.
   */
  long splitAboveBytes() {
    String value = splitAbove.trim();
    if (value.equalsIgnoreCase("off") || value.equals("0")) {
      return Long.MAX_VALUE;
    }
    try {
      long bytes = Long.parseLong(value);
      return bytes > 0 ? bytes : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The caller checked {@link #badCommand()} first. */
  URI gatewayUri() {
    return GatewayAddress.parse(gateway);
  }

  GatewayLogin credentials() {
    return GatewayLogin.resolve(user, password, token);
  }

  RetryBackoff backoff() {
    return new RetryBackoff(attempts, Duration.ofMillis(retryDelayMs), Duration.ofSeconds(8));
  }
}
