package ftpgw.config;

import static ftpgw.config.ConfigReader.require;

import java.nio.file.Path;
import java.util.List;

/**
 * The HTTP upload listener.
 *
 * @param host address to bind; loopback by default so nothing is exposed until an operator says so
 * @param port port to bind (0 picks a free one)
 * @param instances how many event-loop verticles serve HTTP (they share one spool)
 * @param maxUploadBytes largest body accepted; larger ones get 413, from Content-Length up front or
 *     when crossed
 * @param idleTimeoutSeconds a connection that sends nothing this long is closed (a stalled upload
 *     is dropped)
 * @param tls HTTPS; null: plain HTTP
 */
public record HttpConfig(
    String host,
    int port,
    int instances,
    long maxUploadBytes,
    int idleTimeoutSeconds,
    HttpTlsConfig tls) {
  public static final HttpConfig DEFAULTS =
      new HttpConfig("127.0.0.1", 6969, 1, 16L << 30, 60, null);

  public HttpConfig {
    require(host != null && !host.isBlank(), "http.host must not be empty");
    require(port >= 0 && port <= 65_535, "http.port must be 0..65535, got " + port);
    require(instances >= 1 && instances <= 64, "http.instances must be 1..64, got " + instances);
    require(maxUploadBytes >= 0, "http.maxUploadBytes must be >= 0, got " + maxUploadBytes);
    require(
        idleTimeoutSeconds >= 1, "http.idleTimeoutSeconds must be >= 1, got " + idleTimeoutSeconds);
  }

  /** "https" or "http". */
  public String scheme() {
    return tls == null ? "http" : "https";
  }

  static HttpConfig fromJson(ConfigReader json) {
    return new HttpConfig(
        json.string("host", DEFAULTS.host),
        json.integer("port", DEFAULTS.port),
        json.integer("instances", DEFAULTS.instances),
        json.number("maxUploadBytes", DEFAULTS.maxUploadBytes),
        json.integer("idleTimeoutSeconds", DEFAULTS.idleTimeoutSeconds),
        json.has("tls") ? HttpTlsConfig.fromJson(json.section("tls")) : null);
  }

  /**
   * HTTPS from a PEM key and certificate chain ({@code keyPath} + {@code certPath}) or a
   * PKCS#12/JKS keystore ({@code keystore} + {@code keystorePassword}); HTTP/2 is offered through
   * ALPN when {@code http2} is true. Off by default: Java's HttpClient (17) waits forever when an
   * HTTP/2 answer comes before the end of its upload (a 401 or 413 refuses a body unread) and the
   * rest of the body is declined with RST_STREAM; curl copes. {@code cipherSuites}: offered suites,
   * by default {@link TlsSuites#FORWARD_SECRET_AEAD}.
   */
  public record HttpTlsConfig(
      Path keyPath,
      Path certPath,
      Path keystore,
      Secret keystorePassword,
      String keystoreType,
      boolean http2,
      List<String> cipherSuites) {
    public HttpTlsConfig(
        Path keyPath,
        Path certPath,
        Path keystore,
        Secret keystorePassword,
        String keystoreType,
        boolean http2) {
      this(
          keyPath,
          certPath,
          keystore,
          keystorePassword,
          keystoreType,
          http2,
          TlsSuites.FORWARD_SECRET_AEAD);
    }

    public HttpTlsConfig {
      cipherSuites =
          cipherSuites == null ? TlsSuites.FORWARD_SECRET_AEAD : List.copyOf(cipherSuites);
      boolean pem = keyPath != null || certPath != null;
      require(
          pem != (keystore != null),
          "http.tls needs either keyPath + certPath (PEM) or keystore (PKCS#12/JKS), not both and not neither");
      require(
          !pem || (keyPath != null && certPath != null),
          "http.tls needs both keyPath and certPath");
      require(
          List.of("PKCS12", "JKS").contains(keystoreType),
          "http.tls.keystoreType must be \"PKCS12\" or \"JKS\", got " + keystoreType);
      keystorePassword = keystorePassword == null ? Secret.NONE : keystorePassword;
    }

    static HttpTlsConfig fromJson(ConfigReader json) {
      return new HttpTlsConfig(
          path(json, "keyPath"),
          path(json, "certPath"),
          path(json, "keystore"),
          json.secret("keystorePassword"),
          json.string("keystoreType", "PKCS12"),
          json.bool("http2", false),
          TlsSuites.fromJson(json, "http.tls.cipherSuites"));
    }
  }

  static Path path(ConfigReader json, String key) {
    String value = json.string(key, null);
    return value == null ? null : Path.of(value);
  }
}
