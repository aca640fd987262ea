package ftpgw.client;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Waits for an accepted (202) transfer's final state on the gateway's event stream ({@code GET
 * /events?transfer=<id>}) instead of polling its status: one connection per waiting file, told at
 * once. A gateway without {@code /events}, or a stream that ends early, leaves the caller to poll
 * as before.
 */
final class DeliveryWatch {
  private static final Set<String> FINAL = Set.of("delivered", "failed", "cancelled");
  private static final String TRANSFERS = "/transfers/";

  private final HttpClient http;
  private final Function<String, HttpRequest.Builder> request;

  /**
   * @param request builds a request to a gateway path, with the caller's credentials
   */
  DeliveryWatch(HttpClient http, Function<String, HttpRequest.Builder> request) {
    this.http = http;
    this.request = request;
  }

  /**
   * The JSON of the transfer at {@code location} ({@code /transfers/<id>}) once it is final (its
   * {@code state} is delivered, failed or cancelled), or empty when the events cannot tell (the
   * caller then polls).
   */
  Optional<String> awaitFinal(String location) throws IOException, InterruptedException {
    int at = location.lastIndexOf(TRANSFERS);
    if (at < 0) {
      return Optional.empty();
    }
    String id = location.substring(at + TRANSFERS.length());
    HttpResponse<Stream<String>> events =
        http.send(
            request
                .apply("/events?transfer=" + id)
                .header("Accept", "text/event-stream")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    try (Stream<String> lines = events.body()) {
      if (events.statusCode() != 200) {
        return Optional.empty();
      }
      // listening now: a transfer that became final before is found by asking once
      HttpResponse<String> now =
          http.send(request.apply(location).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (now.statusCode() == 200 && isFinal(now.body())) {
        return Optional.of(now.body());
      }
      for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
        String line = it.next();
        if (line.startsWith("data:") && isFinal(line)) {
          return Optional.of(line.substring(5).trim());
        }
      }
      return Optional.empty();
    }
  }

  private static boolean isFinal(String json) {
    return JsonFields.string(json, "state").map(FINAL::contains).orElse(false);
  }
}
