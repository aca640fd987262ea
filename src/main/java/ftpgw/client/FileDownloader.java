package ftpgw.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Fetches one file from the gateway ({@code GET /files/{path}}) into {@code <local>.part}, renamed
 * to its name once its size is the one planned (and its SHA-256 the one the gateway states in
 * {@code Repr-Digest}, when it states one). A broken transfer is retried with backoff from where it
 * stopped ({@code Range}).
 */
final class FileDownloader {
  private static final int BUFFER_BYTES = 256 * 1024;

  private final URI gateway;
  private final GatewayLogin credentials;
  private final RetryBackoff backoff;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  FileDownloader(URI gateway, GatewayLogin credentials, RetryBackoff backoff) {
    this.gateway = gateway;
    this.credentials = credentials;
    this.backoff = backoff;
  }

  UploadResult download(PlannedFile file, int rank, ShareProgress progress) {
    long start = System.nanoTime();
    Path target = Path.of(file.localPath());
    Path partial = Path.of(file.localPath() + ".part");
    String firstProblem = null;
    for (int attempt = 1; ; attempt++) {
      try {
        Files.createDirectories(target.toAbsolutePath().getParent());
        String digest = fetch(file, partial, progress);
        long got = Files.size(partial);
        if (got != file.bytes()) {
          throw new IOException("got " + got + " bytes, the gateway listed " + file.bytes());
        }
        if (digest != null && !digest.equals(sha256(partial))) {
          Files.deleteIfExists(partial);
          throw new IOException("the SHA-256 differs from the gateway's Repr-Digest");
        }
        Files.move(
            partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new UploadResult(
            file.remotePath(),
            rank,
            file.bytes(),
            seconds(start),
            true,
            attempt,
            firstProblem == null ? "" : firstProblem);
      } catch (IOException e) {
        String problem =
            e instanceof ConnectException
                ? "gateway " + gateway + " is not reachable (connection refused)"
                : e.getMessage();
        firstProblem = firstProblem == null ? problem : firstProblem;
        if (attempt >= backoff.maxAttempts() || e instanceof NotFound) {
          return new UploadResult(
              file.remotePath(), rank, file.bytes(), seconds(start), false, attempt, problem);
        }
        sleep(backoff.delay(attempt, null).toMillis());
      }
    }
  }

  /**
   * GET into {@code partial}, resuming after what it holds; the gateway's SHA-256 (hex) if it sent
   * one.
   */
  private String fetch(PlannedFile file, Path partial, ShareProgress progress) throws IOException {
    long have = Files.exists(partial) ? Files.size(partial) : 0;
    progress.attemptStarted();
    progress.sent(have);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(gateway.resolve(RemoteNames.urlPath(file.remotePath())))
            .timeout(Duration.ofHours(1));
    credentials.authorizationHeader().ifPresent(value -> request.header("Authorization", value));
    if (have > 0) {
      request.header("Range", "bytes=" + have + "-");
    }
    HttpResponse<InputStream> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    int status = response.statusCode();
    try (InputStream in = response.body()) {
      if (status == 404) {
        throw new NotFound("not found on the gateway (404)");
      }
      if (status == 416 && have == file.bytes()) {
        return null; // a previous attempt got every byte
      }
      if (status != 200 && status != 206) {
        throw new IOException(
            "the gateway answered " + status + ": " + new String(in.readNBytes(500)));
      }
      StandardOpenOption mode =
          status == 206 ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING;
      if (status == 200) {
        progress.attemptStarted();
      }
      try (OutputStream out =
          Files.newOutputStream(
              partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode)) {
        byte[] buffer = new byte[BUFFER_BYTES];
        for (int n; (n = in.read(buffer)) >= 0; ) {
          out.write(buffer, 0, n);
          progress.sent(n);
        }
      }
    }
    return response.headers().firstValue("Repr-Digest").map(FileDownloader::sha256Of).orElse(null);
  }

  /** {@code sha-256=:<base64>:} as hex, or null for any other digest. */
  private static String sha256Of(String header) {
    int at = header.indexOf("sha-256=:");
    if (at < 0) {
      return null;
    }
    int end = header.indexOf(':', at + 9);
    return end < 0
        ? null
        : HexFormat.of().formatHex(Base64.getDecoder().decode(header.substring(at + 9, end)));
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[BUFFER_BYTES];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The file is not on the gateway: retrying will not help. */
  private static final class NotFound extends IOException {
    NotFound(String message) {
      super(message);
    }
  }
}
