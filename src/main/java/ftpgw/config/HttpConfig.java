package ftpgw.config;

import static ftpgw.config.Json.require;

/**
 * The HTTP upload listener.
 *
 * @param host           address to bind; loopback by default so nothing is exposed until an operator says so
 * @param port           port to bind (0 picks a free one)
 * @param instances      how many event-loop verticles serve HTTP (they share one spool)
 * @param maxUploadBytes largest body accepted; larger ones get 413, from Content-Length up front or when crossed
 * @param idleTimeoutSeconds a connection that sends nothing this long is closed (a stalled upload is dropped)
 */
public record HttpConfig(String host, int port, int instances, long maxUploadBytes, int idleTimeoutSeconds) {
  public static final HttpConfig DEFAULTS = new HttpConfig("127.0.0.1", 6969, 1, 16L << 30, 60);

  public HttpConfig {
    require(host != null && !host.isBlank(), "http.host must not be empty");
    require(port >= 0 && port <= 65_535, "http.port must be 0..65535, got " + port);
    require(instances >= 1 && instances <= 64, "http.instances must be 1..64, got " + instances);
    require(maxUploadBytes >= 0, "http.maxUploadBytes must be >= 0, got " + maxUploadBytes);
    require(idleTimeoutSeconds >= 1, "http.idleTimeoutSeconds must be >= 1, got " + idleTimeoutSeconds);
  }

  static HttpConfig fromJson(Json json) {
    return new HttpConfig(
        json.string("host", DEFAULTS.host),
        json.integer("port", DEFAULTS.port),
        json.integer("instances", DEFAULTS.instances),
        json.number("maxUploadBytes", DEFAULTS.maxUploadBytes),
        json.integer("idleTimeoutSeconds", DEFAULTS.idleTimeoutSeconds));
  }
}
