package ftpgw.transfer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An expected failure: its {@link Failure} decides the answer, its message tells the client what
 * happened, and its headers (e.g. {@code WWW-Authenticate}, {@code Retry-After}) go into the answer
 * too.
 */
public final class GatewayException extends RuntimeException {
  private final Failure failure;
  private final Map<String, String> headers;

  public GatewayException(Failure failure, String message) {
    this(failure, message, Map.of());
  }

  private GatewayException(Failure failure, String message, Map<String, String> headers) {
    super(message, null, false, false);
    this.failure = failure;
    this.headers = headers;
  }

  public Failure failure() {
    return failure;
  }

  /** Response headers that belong to this failure. */
  public Map<String, String> headers() {
    return headers;
  }

  /** The same failure with one more response header. */
  public GatewayException withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new GatewayException(failure, getMessage(), Map.copyOf(more));
  }
}
