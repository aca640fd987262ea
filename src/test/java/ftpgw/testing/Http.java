package ftpgw.testing;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;

/** A blocking HTTP client for tests, speaking to one gateway. */
public final class Http {
  private static final HttpClient HTTP_1_1 =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final String base;
  private final HttpClient client;

  public Http(int port) {
    this("http://127.0.0.1:" + port, HTTP_1_1);
  }

  /**
   * @param base e.g. {@code https://127.0.0.1:8443}; @param client one that trusts the server (TLS)
   */
  public Http(String base, HttpClient client) {
    this.base = base;
    this.client = client;
  }

  public HttpResponse<String> put(String path, Path file, String... headers)
      throws IOException, InterruptedException {
    return send(request(path, headers).PUT(HttpRequest.BodyPublishers.ofFile(file)).build());
  }

  public HttpResponse<String> put(String path, String body, String... headers)
      throws IOException, InterruptedException {
    return send(request(path, headers).PUT(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  public HttpResponse<String> post(String path, String body, String... headers)
      throws IOException, InterruptedException {
    return send(request(path, headers).POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  public HttpResponse<String> get(String path, String... headers)
      throws IOException, InterruptedException {
    return send(request(path, headers).GET().build());
  }

  public HttpResponse<String> delete(String path, String... headers)
      throws IOException, InterruptedException {
    return send(request(path, headers).DELETE().build());
  }

  /** The {@code Authorization} header value for HTTP Basic. */
  public static String basic(String user, String password) {
    return "Basic "
        + java.util.Base64.getEncoder()
            .encodeToString(
                (user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * Polls {@code GET path} until its JSON body satisfies {@code done}; fails after {@code within}.
   */
  public JsonObject awaitJson(
      String path, Predicate<JsonObject> done, Duration within, String... headers)
      throws Exception {
    return Poll.until(
        "GET " + path + " reaching the expected state",
        within,
        () -> {
          HttpResponse<String> response = get(path, headers);
          return response.statusCode() == 200 ? new JsonObject(response.body()) : null;
        },
        json -> json != null && done.test(json));
  }

  private HttpRequest.Builder request(String path, String... headers) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(2));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    return builder;
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
