package ftpgw.tus;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;

/**
 * Raw tus requests over Java's HttpClient: every header as the test writes it, nothing added but
 * Tus-Resumable.
 */
final class TusRequests {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final String base;
  private final String[] always;

  /**
   * @param always headers sent with every request (e.g. Authorization)
   */
  TusRequests(int port, String... always) {
    this.base = "http://127.0.0.1:" + port;
    this.always = always;
  }

  HttpResponse<String> options() throws IOException, InterruptedException {
    return send("OPTIONS", "/tus/", null, false);
  }

  HttpResponse<String> create(long length, String metadata, String... headers)
      throws IOException, InterruptedException {
    String[] all = concat(headers, "Upload-Length", String.valueOf(length));
    return send(
        "POST",
        "/tus/",
        null,
        true,
        metadata == null ? all : concat(all, "Upload-Metadata", metadata));
  }

  HttpResponse<String> head(String location) throws IOException, InterruptedException {
    return send("HEAD", path(location), null, true);
  }

  HttpResponse<String> patch(String location, long offset, byte[] body, String... headers)
      throws IOException, InterruptedException {
    return send(
        "PATCH",
        path(location),
        body,
        true,
        concat(
            concat(headers, "Upload-Offset", String.valueOf(offset)),
            "Content-Type",
            "application/offset+octet-stream"));
  }

  HttpResponse<String> delete(String location) throws IOException, InterruptedException {
    return send("DELETE", path(location), null, true);
  }

  HttpResponse<String> send(String method, String path, byte[] body, boolean tus, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofMinutes(2))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (tus) {
      builder.header("Tus-Resumable", "1.0.0");
    }
    for (String[] list : new String[][] {always, headers}) {
      for (int i = 0; i + 1 < list.length; i += 2) {
        builder.header(list[i], list[i + 1]);
      }
    }
    return CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** "key base64(value)" pairs, as Upload-Metadata wants them. */
  static String metadata(String... pairs) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      out.append(out.length() == 0 ? "" : ",")
          .append(pairs[i])
          .append(' ')
          .append(
              Base64.getEncoder().encodeToString(pairs[i + 1].getBytes(StandardCharsets.UTF_8)));
    }
    return out.toString();
  }

  static String checksum(String algorithm, String jdkName, byte[] body) throws Exception {
    return algorithm
        + " "
        + Base64.getEncoder().encodeToString(MessageDigest.getInstance(jdkName).digest(body));
  }

  private static String path(String location) {
    return URI.create(location).getPath();
  }

  private static String[] concat(String[] headers, String name, String value) {
    String[] all = java.util.Arrays.copyOf(headers, headers.length + 2);
    all[headers.length] = name;
    all[headers.length + 1] = value;
    return all;
  }
}
