package ftpgw.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;

/**
 * Sends one file to the gateway: a streaming SHA-256 pass over the file, then {@code PUT
 * /files/{path}} with the body streamed from disk ({@code BodyPublishers.ofFile}, never whole in
 * memory) and {@code Repr-Digest}, so the gateway refuses a body that changed on the way. Transient
 * failures are retried with backoff; the outcome is always a result, never an exception.
 */
public final class FileUploader {
  /**
   * 502 codes that say the FTP leg refused for good (a reply, an untrusted certificate); other 5xx
   * may pass later.
   */
  private static final Set<String> PERMANENT_BAD_GATEWAY = Set.of("FTP_REFUSED", "FTP_UNTRUSTED");

  private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
  static final String UNREACHABLE = "is not reachable";

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final URI gateway;
  private final GatewayLogin credentials;
  private final RetryBackoff backoff;

  /**
   * Set once a file used up its attempts because the gateway could not be reached: later files try
   * once.
   */
  private boolean gatewayUnreachable;

  /** Large files go through tus and resume at the gateway's offset; null: every file is one PUT. */
  private TusSender tus;

  public FileUploader(URI gateway, GatewayLogin credentials, RetryBackoff backoff) {
    this.gateway = gateway;
    this.credentials = credentials;
    this.backoff = backoff;
  }

  /**
   * Files larger than {@code resumeAbove} bytes go through the gateway's tus endpoint: an attempt
   * that breaks resumes at the gateway's offset, and a job started again resumes them too (their
   * upload URLs wait in {@code stateDir}).
   */
  public FileUploader resumingAbove(long resumeAbove, Path stateDir) {
    tus = new TusSender(http, gateway, credentials, resumeAbove, stateDir);
    return this;
  }

  public UploadResult upload(PlannedFile file) {
    return upload(file, new ShareProgress());
  }

  /** Uploads {@code file}, telling {@code progress} the bytes of each attempt as they leave. */
  public UploadResult upload(PlannedFile file, ShareProgress progress) {
    long start = System.nanoTime();
    Path local = Path.of(file.localPath());
    String sha256;
    try {
      sha256 = sha256(local);
    } catch (IOException e) {
      String why = e instanceof NoSuchFileException ? "no such file" : e.getMessage();
      return result(file, start, false, 0, "cannot read " + file.localPath() + ": " + why);
    }
    int maxAttempts = gatewayUnreachable ? 1 : backoff.maxAttempts();
    Outcome outcome = null;
    String lastFailure = "";
    int attempt = 0;
    while (attempt < maxAttempts) {
      attempt++;
      progress.attemptStarted();
      outcome = attempt(file, local, sha256, progress);
      if (outcome.ok() || !outcome.transient_() || attempt == maxAttempts) {
        break;
      }
      lastFailure = outcome.message();
      if (!sleep(backoff.delay(attempt, outcome.retryAfter()))) {
        break;
      }
    }
    gatewayUnreachable = !outcome.ok() && outcome.unreachable();
    return result(
        file, start, outcome.ok(), attempt, outcome.ok() ? lastFailure : outcome.message());
  }

  /** For {@code status}: what {@code GET /health} says, or why it could not be asked. */
  public String health() {
    Health answer = askHealth();
    if (!answer.answered()) {
      return "not reachable: " + answer.problem();
    }
    return answer.status() == 200 ? "reachable, healthy" : "answers HTTP " + answer.status();
  }

  /** One {@code GET /health}: its status, or 0 and why there was no answer. */
  Health askHealth() {
    try {
      HttpResponse<String> response =
          http.send(
              request("/health").timeout(Duration.ofSeconds(5)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      return new Health(response.statusCode(), "");
    } catch (ConnectException e) {
      return new Health(0, "connection refused");
    } catch (HttpTimeoutException e) {
      return new Health(0, "no answer within 5 s");
    } catch (IOException e) {
      return new Health(0, e.getMessage() == null ? e.toString() : e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Health(0, "interrupted");
    }
  }

  /**
   * The gateway's answer to {@code GET /health}: {@code status} 0 = none, {@code problem} says why.
   */
  record Health(int status, String problem) {
    boolean answered() {
      return status > 0;
    }
  }

  private Outcome attempt(PlannedFile file, Path local, String sha256, ShareProgress progress) {
    HttpRequest.Builder put =
        request(RemoteNames.urlPath(file.remotePath()))
            .header(
                "Repr-Digest",
                "sha-256=:"
                    + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256))
                    + ":")
            .header("Content-Type", "application/octet-stream");
    try {
      if (tus != null && tus.takes(file.bytes())) {
        return viaTus(
            tus.send(local, file.remotePath(), body -> new CountingBodyPublisher(body, progress)),
            sha256);
      }
      HttpRequest.BodyPublisher body =
          new CountingBodyPublisher(HttpRequest.BodyPublishers.ofFile(local), progress);
      HttpResponse<String> response =
          http.send(put.PUT(body).build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 202) {
        return awaitDelivery(response);
      }
      if (response.statusCode() / 100 == 2) {
        return checkDigest(response.body(), sha256);
      }
      return Outcome.refused(response);
    } catch (ConnectException e) {
      return Outcome.unreachable(
          "gateway " + gateway + " " + UNREACHABLE + " (connection refused)");
    } catch (HttpTimeoutException e) {
      return Outcome.retryable("gateway " + gateway + " timed out: " + e.getMessage(), null);
    } catch (NoSuchFileException e) {
      return Outcome.failed("cannot read " + local + ": no such file");
    } catch (IOException e) {
      return Outcome.retryable("upload broke off: " + e, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.failed("interrupted");
    }
  }

  /**
   * The tus upload is whole: delivered with our SHA-256, or followed at /transfers until it is
   * final.
   */
  private Outcome viaTus(TusSender.Sent sent, String sha256)
      throws IOException, InterruptedException {
    if (sent.refusal() != null) {
      return Outcome.refused(sent.refusal());
    }
    if ("delivered".equals(sent.state()) && sent.sha256() != null) {
      return sent.sha256().equalsIgnoreCase(sha256)
          ? Outcome.success()
          : Outcome.failed(
              "the gateway stored SHA-256 " + sent.sha256() + ", the local file has " + sha256);
    }
    if (sent.transfer() == null) {
      return Outcome.failed("the gateway finished the tus upload without naming its transfer");
    }
    return follow(sent.transfer());
  }

  /**
   * Follows a transfer until it is final (rank 0, a joined split file the gateway answered {@code
   * queued}): null once delivered, else why not.
   */
  String awaitTransfer(String location) throws IOException, InterruptedException {
    Outcome outcome = follow(location);
    return outcome.ok() ? null : outcome.message();
  }

  /**
   * A 202 (the gateway journalled the body and delivers later): follow its Location until the
   * transfer is final.
   */
  private Outcome awaitDelivery(HttpResponse<String> accepted)
      throws IOException, InterruptedException {
    return follow(
        accepted
            .headers()
            .firstValue("Location")
            .orElseThrow(() -> new IOException("202 without Location")));
  }

  /**
   * Follows a transfer until it is final: told by the event stream when the gateway has one, else
   * polled.
   */
  private Outcome follow(String location) throws IOException, InterruptedException {
    java.util.Optional<String> watched =
        new DeliveryWatch(http, this::request).awaitFinal(location);
    if (watched.isPresent()) {
      return finalOutcome(watched.get()).orElseThrow();
    }
    while (true) {
      Thread.sleep(POLL_INTERVAL.toMillis());
      HttpResponse<String> status =
          http.send(request(location).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (status.statusCode() != 200) {
        return Outcome.refused(status);
      }
      java.util.Optional<Outcome> outcome = finalOutcome(status.body());
      if (outcome.isPresent()) {
        return outcome.get();
      }
      // receiving, queued, relaying: keep following
    }
  }

  /**
   * The outcome of a transfer whose JSON (status or event) says it is final; empty while it is not.
   */
  private static java.util.Optional<Outcome> finalOutcome(String transfer) {
    String state = JsonFields.string(transfer, "state").orElse("");
    return switch (state) {
      case "delivered" -> java.util.Optional.of(Outcome.success());
      case "failed", "cancelled" ->
          java.util.Optional.of(
              Outcome.failed(
                  "transfer "
                      + state
                      + ": "
                      + JsonFields.string(transfer, "lastError")
                          .or(() -> JsonFields.string(transfer, "error"))
                          .orElse("?")));
      default -> java.util.Optional.empty();
    };
  }

  private static Outcome checkDigest(String body, String sha256) {
    String stored = JsonFields.string(body, "sha256").orElse("");
    return stored.equalsIgnoreCase(sha256)
        ? Outcome.success()
        : Outcome.failed("the gateway stored SHA-256 " + stored + ", the local file has " + sha256);
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(gateway.resolve(path)).header("Accept", "application/json");
    credentials.authorizationHeader().ifPresent(value -> builder.header("Authorization", value));
    return builder;
  }

  static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] block = new byte[1024 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(block)) > 0; ) {
        digest.update(block, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static boolean sleep(Duration delay) {
    try {
      Thread.sleep(delay.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static UploadResult result(
      PlannedFile file, long start, boolean ok, int attempts, String message) {
    double seconds = (System.nanoTime() - start) / 1e9;
    return new UploadResult(
        file.remotePath(), file.rank(), file.bytes(), seconds, ok, attempts, message);
  }

  /** One attempt's outcome; {@code retryAfter} is the server's Retry-After, when it sent one. */
  private record Outcome(
      boolean ok, boolean transient_, boolean unreachable, String message, Duration retryAfter) {
    static Outcome success() {
      return new Outcome(true, false, false, "", null);
    }

    static Outcome failed(String message) {
      return new Outcome(false, false, false, message, null);
    }

    static Outcome retryable(String message, Duration retryAfter) {
      return new Outcome(false, true, false, message, retryAfter);
    }

    static Outcome unreachable(String message) {
      return new Outcome(false, true, true, message, null);
    }

    static Outcome refused(HttpResponse<String> response) {
      int status = response.statusCode();
      String error = JsonFields.string(response.body(), "error").orElse("");
      String text = JsonFields.string(response.body(), "message").orElse(response.body().strip());
      String message =
          "HTTP "
              + status
              + (error.isEmpty() ? "" : " " + error)
              + (text.isEmpty() ? "" : ": " + text);
      boolean retry =
          status == 429
              || (status >= 500
                  && status != 501
                  && status != 505
                  && status != 507
                  && !PERMANENT_BAD_GATEWAY.contains(error));
      Duration retryAfter =
          response
              .headers()
              .firstValue("Retry-After")
              .flatMap(RetryBackoff::parseRetryAfter)
              .orElse(null);
      return retry ? retryable(message, retryAfter) : failed(message);
    }
  }
}
