package ftpgw.http;

import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** The RFC 7240 preferences an upload honours: {@code respond-async} and {@code wait=<seconds>}. */
public record Preferences(boolean respondAsync, Optional<Duration> waitAtMost) {

  public static Preferences of(HttpServerRequest request) {
    boolean async = false;
    Optional<Duration> wait = Optional.empty();
    for (String header : request.headers().getAll("Prefer")) {
      for (String preference : header.split(",")) {
        String token = preference.split(";")[0].trim().toLowerCase(Locale.ROOT);
        if (token.equals("respond-async")) {
          async = true;
        } else if (token.startsWith("wait=")) {
          try {
            wait =
                Optional.of(
                    Duration.ofSeconds(Math.max(0, Long.parseLong(token.substring(5).trim()))));
          } catch (NumberFormatException ignored) {
            // RFC 7240: a preference that cannot be understood is ignored
          }
        }
      }
    }
    return new Preferences(async, wait);
  }

  /** How long a synchronous upload waits for delivery before it is answered 202. */
  public Duration syncWait(Duration configured) {
    return waitAtMost.filter(w -> w.compareTo(configured) < 0).orElse(configured);
  }
}
