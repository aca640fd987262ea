package ftpgw.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Sends a large file through the gateway's tus endpoint ({@code /tus/}), so that a broken attempt
 * resumes at the offset the gateway holds instead of byte 0. Each unfinished upload's URL is kept
 * in a small file under the state folder beside the job, named after the file (path, size,
 * modification time) and its target: a job started again with the same command resumes its
 * unfinished files. The file is removed once the upload is whole.
 */
final class TusSender {
  /**
   * How the last PATCH ended.
   *
   * @param state the transfer's state ({@code delivered}, {@code queued}, ...), or null when not
   *     known
   * @param transfer its status URL path ({@code /transfers/{id}})
   * @param sha256 the whole file's SHA-256 as the gateway computed it (hex), or null
   * @param refusal the gateway's refusal, or null
   * @param resumedFrom the offset this attempt started at
   */
  record Sent(
      String state,
      String transfer,
      String sha256,
      HttpResponse<String> refusal,
      long resumedFrom) {}

  private final HttpClient http;
  private final URI gateway;
  private final GatewayLogin credentials;
  private final long threshold;
  private final Path stateDir;

  /**
   * @param threshold files larger than this go through tus
   */
  TusSender(HttpClient http, URI gateway, GatewayLogin credentials, long threshold, Path stateDir) {
    this.http = http;
    this.gateway = gateway;
    this.credentials = credentials;
    this.threshold = threshold;
    this.stateDir = stateDir;
  }

  boolean takes(long bytes) {
    return bytes > threshold;
  }

  /**
   * One attempt: resume (or create) and send the rest. IOExceptions and 409/423 mean: try again, it
   * resumes.
   */
  Sent send(Path local, String remotePath, CountingProgress progress)
      throws IOException, InterruptedException {
    long size = Files.size(local);
    Path state = stateDir.resolve(key(local, remotePath, size) + ".url");
    String url =
        Files.exists(state) ? Files.readString(state, StandardCharsets.UTF_8).trim() : null;
    long offset = 0;
    if (url != null) {
      HttpResponse<String> head =
          http.send(
              tus(url).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
              HttpResponse.BodyHandlers.ofString());
      if (head.statusCode() == 200 && header(head, "Upload-Length").equals(String.valueOf(size))) {
        offset = Long.parseLong(header(head, "Upload-Offset"));
        if (offset == size) { // whole already: the last answer was lost
          Files.deleteIfExists(state);
          return new Sent(
              null, head.headers().firstValue("Ftpgw-Transfer").orElse(null), null, null, offset);
        }
      } else {
        url = null; // expired, terminated, or another file now: start again
      }
    }
    if (url == null) {
      HttpResponse<String> created =
          http.send(
              tus(gateway.resolve("/tus/").toString())
                  .header("Upload-Length", String.valueOf(size))
                  .header("Upload-Metadata", metadata(remotePath))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (created.statusCode() != 201) {
        return new Sent(null, null, null, created, 0);
      }
      url = gateway.resolve(header(created, "Location")).toString();
      Files.createDirectories(stateDir);
      Path temp = Files.writeString(stateDir.resolve(state.getFileName() + ".tmp"), url + "\n");
      Files.move(temp, state, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
    long from = offset;
    HttpRequest.BodyPublisher rest =
        HttpRequest.BodyPublishers.fromPublisher(
            HttpRequest.BodyPublishers.ofInputStream(
                () -> {
                  try {
                    return Channels.newInputStream(
                        FileChannel.open(local, StandardOpenOption.READ).position(from));
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                }),
            size - from);
    // Bounded, unlike the other requests: a PATCH whose connection silently died would otherwise
    // wait for ever; one that runs out of time is resumed from the gateway's offset by the next
    // attempt. No Expect: 100-continue: Java 17's client then waits for ever, past its own timeout,
    // when the gateway answers a final 423 (a broken PATCH still holds the upload) instead of 100.
    HttpResponse<String> patched =
        http.send(
            tus(url)
                .timeout(patchTimeout(size - from))
                .header("Upload-Offset", String.valueOf(from))
                .header("Content-Type", "application/offset+octet-stream")
                .method("PATCH", progress.count(rest))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (patched.statusCode() == 409 || patched.statusCode() == 423) {
      throw new IOException(
          "the gateway's offset moved (HTTP " + patched.statusCode() + "); resuming again");
    }
    if (patched.statusCode() / 100 != 2) {
      return new Sent(null, null, null, patched, from);
    }
    Files.deleteIfExists(state);
    return new Sent(
        patched.headers().firstValue("Ftpgw-Transfer-State").orElse(null),
        patched.headers().firstValue("Ftpgw-Transfer").orElse(null),
        sha256Of(patched),
        null,
        from);
  }

  /** Counts the bytes of a body as they leave (the job's progress). */
  interface CountingProgress {
    HttpRequest.BodyPublisher count(HttpRequest.BodyPublisher body);
  }

  /**
   * A minute, plus ten seconds per MiB: an upload slower than 100 KiB/s goes on in the next
   * attempt.
   */
  static Duration patchTimeout(long bytes) {
    return Duration.ofSeconds(60 + 10 * (bytes >> 20));
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

  static String metadata(String remotePath) {
    int slash = remotePath.lastIndexOf('/');
    String name = "filename " + base64(remotePath.substring(slash + 1));
    return slash < 0 ? name : name + ",folder " + base64(remotePath.substring(0, slash));
  }

  static String sha256Of(HttpResponse<String> response) {
    Optional<String> digest = response.headers().firstValue("Repr-Digest");
    if (digest.isEmpty() || !digest.get().startsWith("sha-256=:")) {
      return null;
    }
    String b64 = digest.get().substring("sha-256=:".length(), digest.get().length() - 1);
    return HexFormat.of().formatHex(Base64.getDecoder().decode(b64));
  }

  static String header(HttpResponse<String> response, String name) throws IOException {
    return response
        .headers()
        .firstValue(name)
        .orElseThrow(() -> new IOException("the gateway's answer has no " + name));
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  static String key(Path local, String remotePath, long size) throws IOException {
    String identity =
        local.toAbsolutePath()
            + "\n"
            + remotePath
            + "\n"
            + size
            + "\n"
            + Files.getLastModifiedTime(local).toMillis();
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(identity.getBytes(StandardCharsets.UTF_8)))
          .substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
