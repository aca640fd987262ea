package ftpgw.config;

import static ftpgw.config.ConfigReader.require;

import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;

/**
 * The TLS cipher suites a listener (HTTPS, embedded FTPS) offers. By default only forward-secret
 * AEAD ones: the TLS 1.3 suites, and for TLS 1.2 ECDHE with AES-GCM or ChaCha20-Poly1305. The JDK's
 * own list also offers static-RSA suites (no forward secrecy: a stolen key decrypts recorded
 * sessions) and CBC ones.
 */
public final class TlsSuites {
  /** JDK (IANA) names, strongest first. */
  public static final List<String> FORWARD_SECRET_AEAD =
      List.of(
          "TLS_AES_256_GCM_SHA384",
          "TLS_AES_128_GCM_SHA256",
          "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");

  private TlsSuites() {}

  /**
   * {@code cipherSuites} of a {@code tls} section (key named {@code where} in messages), or the
   * default.
   */
  static List<String> fromJson(ConfigReader json, String where) {
    Object value = json.value("cipherSuites");
    if (value == null) {
      return FORWARD_SECRET_AEAD;
    }
    require(
        value instanceof JsonArray, where + " must be a list of cipher suite names, got " + value);
    List<String> suites = new ArrayList<>();
    for (Object suite : (JsonArray) value) {
      require(
          suite instanceof String s && s.matches("TLS_[A-Z0-9_]+"),
          where
              + " must list JDK cipher suite names such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, got "
              + suite);
      suites.add((String) suite);
    }
    require(!suites.isEmpty(), where + " must not be empty");
    return List.copyOf(suites);
  }
}
