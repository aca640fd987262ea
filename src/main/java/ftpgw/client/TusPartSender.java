package ftpgw.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

/**
 * The tus side of a split file ({@code --split-above}): each rank sends its range as a partial
 * upload ({@code Upload-Concat: partial}), resuming at the gateway's offset after a break like a
 * whole tus file; rank 0 then joins the partials with a final upload, or terminates them when one
 * failed for good. A partial's URL waits under the state folder, named after the file and its
 * range, until the file is joined: a job started again resumes (or skips) its partials instead of
 * sending them again.
 */
final class TusPartSender {
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final URI gateway;
  private final GatewayLogin credentials;
  private final RetryBackoff backoff;
  private final Path stateDir;

  TusPartSender(URI gateway, GatewayLogin credentials, RetryBackoff backoff, Path stateDir) {
    this.gateway = gateway;
    this.credentials = credentials;
    this.backoff = backoff;
    this.stateDir = stateDir;
  }

  /**
   * Sends {@code range} of {@code file} with up to {@code --attempts} attempts; never throws. The
   * result's {@code partUrl} names the partial once it was created, whole or not, so that rank 0
   * can terminate it.
   */
  UploadResult send(SplitFile file, SplitFile.Range range, ShareProgress progress) {
    long start = System.nanoTime();
    Attempt last = null;
    String firstFailure = "";
    int attempt = 0;
    while (attempt < backoff.maxAttempts()) {
      attempt++;
      progress.attemptStarted();
      last = attempt(file, range, progress, last == null ? "" : last.url());
      if (last.done() || !last.retry() || attempt == backoff.maxAttempts()) {
        break;
      }
      firstFailure = firstFailure.isEmpty() ? last.message() : firstFailure;
      if (!sleep(backoff.delay(attempt, null))) {
        break;
      }
    }
    return new UploadResult(
        file.remotePath(),
        range.rank(),
        range.length(),
        (System.nanoTime() - start) / 1e9,
        last.done(),
        attempt,
        last.done() ? firstFailure : last.message(),
        range.rank(),
        last.url());
  }

  /**
   * One attempt's end: {@code done} when the partial holds the whole range; {@code url} is the
   * partial's once known.
   */
  private record Attempt(boolean done, boolean retry, String url, String message) {}

  private Attempt attempt(
      SplitFile file, SplitFile.Range range, ShareProgress progress, String knownUrl) {
    Path local = Path.of(file.localPath());
    String url = knownUrl;
    try {
      Path state = state(file, range);
      String remembered =
          Files.exists(state) ? Files.readString(state, StandardCharsets.UTF_8).trim() : "";
      url = remembered.isEmpty() ? url : remembered;
      long offset = url.isEmpty() ? -1 : offsetOf(url, range.length());
      boolean resumed = offset >= 0;
      if (offset < 0) {
        HttpResponse<String> created =
            http.send(
                tus(gateway.resolve("/tus/").toString())
                    .header("Upload-Length", String.valueOf(range.length()))
                    .header("Upload-Concat", "partial")
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
          return refused(created, "");
        }
        url = gateway.resolve(TusSender.header(created, "Location")).toString();
        remember(state, url);
        offset = 0;
      }
      if (offset == range.length()) { // whole already: sent by an earlier attempt or job
        return new Attempt(true, false, url, "");
      }
      // HEAD tells the committed offset only: a PATCH that broke may still be closing (even at 0)
      if (resumed && !isFree(url, offset)) {
        return new Attempt(false, true, url, "the gateway still holds the broken PATCH");
      }
      long from = offset;
      HttpRequest.BodyPublisher rest =
          HttpRequest.BodyPublishers.fromPublisher(
              HttpRequest.BodyPublishers.ofInputStream(
                  () -> RangeInputStream.open(local, range.offset() + from, range.length() - from)),
              range.length() - from);
      HttpResponse<String> patched =
          http.send(
              tus(url)
                  .timeout(TusSender.patchTimeout(range.length() - from))
                  .header("Upload-Offset", String.valueOf(from))
                  .header("Content-Type", "application/offset+octet-stream")
                  .method("PATCH", new CountingBodyPublisher(rest, progress))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (patched.statusCode() == 409 || patched.statusCode() == 423) {
        return new Attempt(false, true, url, "the gateway's offset moved; resuming again");
      }
      return patched.statusCode() / 100 == 2
          ? new Attempt(true, false, url, "")
          : refused(patched, url);
    } catch (ConnectException e) {
      return new Attempt(false, true, url, "gateway " + gateway + " " + FileUploader.UNREACHABLE);
    } catch (NoSuchFileException e) {
      return new Attempt(false, false, url, "cannot read " + local + ": no such file");
    } catch (IOException e) {
      return new Attempt(false, true, url, "upload broke off: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Attempt(false, false, url, "interrupted");
    }
  }

  /**
   * Whether a resumed partial takes bytes at {@code offset} now: an empty PATCH, answered 423 while
   * the gateway still closes the PATCH that broke (or 409 while its offset moves). Sending the body
   * straight away would send it in vain then, as the client writes it before it reads the answer.
   */
  private boolean isFree(String url, long offset) throws IOException, InterruptedException {
    return http.send(
                    tus(url)
                        .timeout(Duration.ofSeconds(30))
                        .header("Upload-Offset", String.valueOf(offset))
                        .header("Content-Type", "application/offset+octet-stream")
                        .method("PATCH", HttpRequest.BodyPublishers.noBody())
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode()
            / 100
        == 2;
  }

  /**
   * The partial's offset, or -1 when it is gone (expired, terminated, joined) or not this range.
   */
  private long offsetOf(String url, long length) throws IOException, InterruptedException {
    HttpResponse<String> head =
        http.send(
            tus(url).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
    if (head.statusCode() != 200
        || !TusSender.header(head, "Upload-Length").equals(String.valueOf(length))) {
      return -1;
    }
    return Long.parseLong(TusSender.header(head, "Upload-Offset"));
  }

  /**
   * Rank 0: the final upload of {@code file} from its partials' URLs in file order. It waits for
   * publication like a synchronous PUT; the caller reads its state and digest.
   */
  HttpResponse<String> join(SplitFile file, List<String> partUrls)
      throws IOException, InterruptedException {
    return http.send(
        tus(gateway.resolve("/tus/").toString())
            .header("Upload-Concat", "final;" + String.join(" ", partUrls))
            .header("Upload-Metadata", TusSender.metadata(file.remotePath()))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The whole file's SHA-256 (hex) the gateway reports for a handed-over upload, or null: for a
   * joined file whose delivery was followed after a {@code queued} answer.
   */
  String digestOf(String url) throws IOException, InterruptedException {
    return TusSender.sha256Of(
        http.send(
            tus(url).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString()));
  }

  /**
   * Rank 0: {@code DELETE} on a partial, so that its spool room is not held until it expires;
   * returns the status (0: no answer). 404 is as good: it is gone.
   */
  int terminate(String url) {
    try {
      return http.send(
              tus(url).timeout(Duration.ofSeconds(30)).DELETE().build(),
              HttpResponse.BodyHandlers.ofString())
          .statusCode();
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  /**
   * Forgets the partials of {@code file} that this rank's state folder remembers (joined or
   * terminated). A rank on another host with a folder of its own keeps its entry; its next run
   * finds the partial gone (404) and creates a new one.
   */
  void forget(SplitFile file) {
    for (SplitFile.Range range : file.ranges()) {
      try {
        Files.deleteIfExists(state(file, range));
      } catch (IOException e) {
        // a stale entry only costs a HEAD answered 404 next time
      }
    }
  }

  /** The state file of one range: the file's identity (as for whole tus files) and the range. */
  Path state(SplitFile file, SplitFile.Range range) throws IOException {
    String key = TusSender.key(Path.of(file.localPath()), file.remotePath(), file.bytes());
    return stateDir.resolve(key + "-" + range.offset() + "-" + range.length() + ".url");
  }

  private void remember(Path state, String url) throws IOException {
    Files.createDirectories(stateDir);
    Path temp = Files.writeString(stateDir.resolve(state.getFileName() + ".tmp"), url + "\n");
    Files.move(temp, state, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private Attempt refused(HttpResponse<String> response, String url) {
    int status = response.statusCode();
    String error = JsonFields.string(response.body(), "error").orElse("");
    String text = JsonFields.string(response.body(), "message").orElse(response.body().strip());
    boolean retry =
        status == 429 || (status >= 500 && status != 501 && status != 505 && status != 507);
    return new Attempt(
        false,
        retry,
        url,
        "HTTP "
            + status
            + (error.isEmpty() ? "" : " " + error)
            + (text.isEmpty() ? "" : ": " + text));
  }

  private HttpRequest.Builder tus(String url) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofHours(24))
            .header("Tus-Resumable", "1.0.0")
            .header("Accept", "application/json");
    credentials.authorizationHeader().ifPresent(value -> builder.header("Authorization", value));
    return builder;
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
}
