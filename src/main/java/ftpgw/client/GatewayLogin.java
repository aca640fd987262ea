package ftpgw.client;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** The gateway login: HTTP Basic (user + password) or a Bearer token, or none. Never printed. */
public final class GatewayLogin {
  private final String authorization;
  private final String kind;

  private GatewayLogin(String authorization, String kind) {
    this.authorization = authorization;
    this.kind = kind;
  }

  /**
   * Options win over the environment ({@code FTPGW_USER}, {@code FTPGW_PASSWORD}, {@code
   * FTPGW_TOKEN}).
   */
  public static GatewayLogin resolve(String user, String password, String token) {
    String t = firstNonBlank(token, System.getenv("FTPGW_TOKEN"));
    String u = firstNonBlank(user, System.getenv("FTPGW_USER"));
    String p = firstNonBlank(password, System.getenv("FTPGW_PASSWORD"));
    if (t != null) {
      return new GatewayLogin("Bearer " + t, "bearer token");
    }
    if (u != null) {
      String pair = u + ":" + (p == null ? "" : p);
      return new GatewayLogin(
          "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)),
          "basic (user " + u + ")");
    }
    return new GatewayLogin(null, "none");
  }

  public Optional<String> authorizationHeader() {
    return Optional.ofNullable(authorization);
  }

  /** What {@code status} shows: the kind of login, never the secret. */
  public String describe() {
    return kind;
  }

  @Override
  public String toString() {
    return "GatewayLogin[" + kind + "]";
  }

  private static String firstNonBlank(String a, String b) {
    if (a != null && !a.isBlank()) {
      return a;
    }
    return b != null && !b.isBlank() ? b : null;
  }
}
