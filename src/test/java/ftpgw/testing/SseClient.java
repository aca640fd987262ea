package ftpgw.testing;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real Server-Sent Events reader for tests: one connection, its events and comments collected as
 * they come.
 */
public final class SseClient implements AutoCloseable {
  /** One event: its {@code id:} and its JSON {@code data:}. */
  public record Event(String id, JsonObject data) {}

  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final List<String> comments = java.util.Collections.synchronizedList(new ArrayList<>());
  private final HttpResponse<java.io.InputStream> response;
  private final Thread reader;

  private SseClient(HttpResponse<java.io.InputStream> response) {
    this.response = response;
    this.reader = new Thread(this::read, "sse-test-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Connects to {@code url}; {@code headers} are name, value pairs (e.g. Last-Event-ID,
   * Authorization).
   */
  public static SseClient open(String url, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    HttpResponse<java.io.InputStream> response =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .build()
            .send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    return new SseClient(response);
  }

  public HttpResponse<java.io.InputStream> response() {
    return response;
  }

  private void read() {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String id = null;
      StringBuilder data = new StringBuilder();
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.isEmpty()) {
          if (data.length() > 0) {
            events.add(new Event(id, new JsonObject(data.toString())));
          }
          id = null;
          data.setLength(0);
        } else if (line.startsWith(":")) {
          comments.add(line.substring(1).trim());
        } else if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("data: ")) {
          data.append(line.substring(6));
        }
      }
    } catch (Exception closed) {
      // the stream ended: the test sees no more events
    }
  }

  /** The next event that satisfies {@code wanted}, skipping others; fails after {@code within}. */
  public Event await(Predicate<JsonObject> wanted, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      Event event = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (event != null && wanted.test(event.data())) {
        return event;
      }
    }
    throw new AssertionError("no matching event within " + within);
  }

  /** Every event received within {@code quiet} of the previous one (and none after). */
  public List<Event> drain(Duration quiet) throws InterruptedException {
    List<Event> all = new ArrayList<>();
    for (Event e = events.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
        e != null;
        e = events.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) {
      all.add(e);
    }
    return all;
  }

  public List<String> comments() {
    return List.copyOf(comments);
  }

  @Override
  public void close() throws Exception {
    response.body().close();
    reader.interrupt();
  }
}
