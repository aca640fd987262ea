package ftpgw.config;

import static ftpgw.config.ConfigReader.require;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The FTP server the relay publishes to, and the account it logs in with.
 *
 * @param dir remote folder (relative to the login's home) under which every upload lands; "" is the
 *     home itself
 * @param tls explicit FTPS (AUTH TLS, PROT P); null: plain FTP
 */
public record FtpTarget(
    String host, int port, String user, Secret password, String dir, FtpsConfig tls) {

  public FtpTarget {
    require(host != null && !host.isBlank(), "relay.target.host must not be empty");
    require(port >= 1 && port <= 65_535, "relay.target.port must be 1..65535, got " + port);
    require(user != null && !user.isBlank(), "relay.target.user must not be empty");
    password = password == null ? Secret.NONE : password;
    dir = dir == null ? "" : dir.replaceAll("^/+|/+$", "");
  }

  /** A plain-FTP target. */
  public FtpTarget(String host, int port, String user, Secret password, String dir) {
    this(host, port, user, password, dir, null);
  }

  /** The same server and settings with another login (auth.mode passthrough: the client's own). */
  public FtpTarget withLogin(String newUser, Secret newPassword) {
    return new FtpTarget(host, port, newUser, newPassword, dir, tls);
  }

  /**
   * In auth mode passthrough the login comes from each client: {@code relay.target.user} may then
   * be left out.
   */
  static FtpTarget fromJson(ConfigReader json, boolean loginFromClients) {
    String user = json.string("user", null);
    return new FtpTarget(
        json.string("host", null),
        json.integer("port", 21),
        user == null && loginFromClients ? "(client)" : user,
        json.secret("password"),
        json.string("dir", ""),
        json.has("tls") ? FtpsConfig.fromJson(json.section("tls")) : null);
  }

  @Override
  public String toString() {
    return (tls == null ? "ftp://" : "ftps://")
        + user
        + "@"
        + host
        + ":"
        + port
        + (dir.isEmpty() ? "" : "/" + dir);
  }

  /**
   * Explicit FTPS to the target: AUTH TLS, then PBSZ 0 and PROT P so that data is encrypted too;
   * the data connections resume the control connection's TLS session (vsftpd's require_ssl_reuse).
   *
   * @param trustStore PKCS#12/JKS trust store; null: the CA certificate(s) in {@code trustPem}, or
   *     else the JDK's
   * @param trustPem PEM file of CA certificates to trust (alternative to {@code trustStore})
   * @param verifyHostname check that the server's certificate names {@code relay.target.host}
   * @param protocols TLS versions offered. TLSv1.2 only by default: vsftpd 3.0.3 resets TLS 1.3
   *     data connections even when the session is resumed
   */
  public record FtpsConfig(
      Path trustStore,
      Secret trustStorePassword,
      String trustStoreType,
      Path trustPem,
      boolean verifyHostname,
      List<String> protocols) {
    public FtpsConfig {
      require(
          trustStore == null || trustPem == null,
          "relay.target.tls takes trustStore or trustPem, not both");
      require(
          List.of("PKCS12", "JKS").contains(trustStoreType),
          "relay.target.tls.trustStoreType must be \"PKCS12\" or \"JKS\", got " + trustStoreType);
      trustStorePassword = trustStorePassword == null ? Secret.NONE : trustStorePassword;
      protocols = List.copyOf(protocols);
      require(
          !protocols.isEmpty() && protocols.stream().allMatch(p -> p.matches("TLSv1\\.[23]")),
          "relay.target.tls.protocols must list \"TLSv1.2\" and/or \"TLSv1.3\", got " + protocols);
    }

    static FtpsConfig fromJson(ConfigReader json) {
      List<String> protocols = new ArrayList<>();
      Object value = json.value("protocols");
      if (value == null) {
        protocols.add("TLSv1.2");
      } else if (value instanceof io.vertx.core.json.JsonArray array) {
        array.forEach(p -> protocols.add(String.valueOf(p)));
      } else {
        throw new IllegalArgumentException(
            "relay.target.tls.protocols must be a list, got " + value);
      }
      return new FtpsConfig(
          HttpConfig.path(json, "trustStore"),
          json.secret("trustStorePassword"),
          json.string("trustStoreType", "PKCS12"),
          HttpConfig.path(json, "trustPem"),
          json.bool("verifyHostname", true),
          protocols);
    }
  }
}
