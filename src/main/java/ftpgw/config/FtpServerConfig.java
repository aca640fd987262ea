package ftpgw.config;

import static ftpgw.config.ConfigReader.require;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The embedded Apache FtpServer.
 *
 * @param enabled start it at all (by default: when no relay target is configured)
 * @param host address to bind
 * @param port control port (0 picks a free one)
 * @param root folder under which users' homes live; the relay's own account is jailed here
 * @param usersFile Apache FtpServer users file (salted hashes); null: only the relay's account
 *     exists
 * @param passivePorts passive data port range, e.g. "40000-40099"
 * @param passiveAddress address announced in PASV replies (set it behind NAT); null: the bind
 *     address
 * @param maxLogins most sessions at once; one more gets 421
 * @param maxLoginsPerIp most sessions from one address
 * @param idleTimeoutSeconds a session idle this long is closed
 * @param tls explicit FTPS; null: plain FTP only
 */
public record FtpServerConfig(
    boolean enabled,
    String host,
    int port,
    Path root,
    Path usersFile,
    String passivePorts,
    String passiveAddress,
    int maxLogins,
    int maxLoginsPerIp,
    int idleTimeoutSeconds,
    FtpTlsConfig tls) {
  public static final FtpServerConfig DEFAULTS =
      new FtpServerConfig(
          false,
          "127.0.0.1",
          2121,
          Path.of("data", "ftp"),
          null,
          "40000-40099",
          null,
          100,
          50,
          300,
          null);

  public FtpServerConfig {
    require(host != null && !host.isBlank(), "ftpServer.host must not be empty");
    require(port >= 0 && port <= 65_535, "ftpServer.port must be 0..65535, got " + port);
    require(root != null, "ftpServer.root must be set");
    require(
        passivePorts != null && passivePorts.matches("\\d+(-\\d+)?(,\\s*\\d+(-\\d+)?)*"),
        "ftpServer.passivePorts must look like \"40000-40099\", got " + passivePorts);
    require(maxLogins >= 1, "ftpServer.maxLogins must be >= 1, got " + maxLogins);
    require(maxLoginsPerIp >= 1, "ftpServer.maxLoginsPerIp must be >= 1, got " + maxLoginsPerIp);
    require(
        idleTimeoutSeconds >= 0,
        "ftpServer.idleTimeoutSeconds must be >= 0, got " + idleTimeoutSeconds);
  }

  /**
   * @param enabledByDefault whether it runs when {@code ftpServer.enabled} is absent (yes, unless a
   *     relay target is set)
   */
  static FtpServerConfig fromJson(ConfigReader json, boolean enabledByDefault) {
    String users = json.string("usersFile", null);
    return new FtpServerConfig(
        json.bool("enabled", enabledByDefault),
        json.string("host", DEFAULTS.host),
        json.integer("port", DEFAULTS.port),
        Path.of(json.string("root", DEFAULTS.root.toString())),
        users == null ? null : Path.of(users),
        json.string("passivePorts", DEFAULTS.passivePorts),
        json.string("passiveAddress", DEFAULTS.passiveAddress),
        json.integer("maxLogins", DEFAULTS.maxLogins),
        json.integer("maxLoginsPerIp", DEFAULTS.maxLoginsPerIp),
        json.integer("idleTimeoutSeconds", DEFAULTS.idleTimeoutSeconds),
        json.has("tls") ? FtpTlsConfig.fromJson(json.section("tls")) : null);
  }

  /**
   * Explicit FTPS (AUTH TLS) from a PKCS#12 or JKS keystore; {@code cipherSuites}: offered suites,
   * by default {@link TlsSuites#FORWARD_SECRET_AEAD}.
   */
  public record FtpTlsConfig(
      Path keystore, Secret keystorePassword, boolean required, List<String> cipherSuites) {
    public FtpTlsConfig(Path keystore, Secret keystorePassword, boolean required) {
      this(keystore, keystorePassword, required, TlsSuites.FORWARD_SECRET_AEAD);
    }

    public FtpTlsConfig {
      cipherSuites =
          cipherSuites == null ? TlsSuites.FORWARD_SECRET_AEAD : List.copyOf(cipherSuites);
      require(keystore != null, "ftpServer.tls.keystore must be set when ftpServer.tls is present");
    }

    /**
     * The keystore's type, from its name: {@code JKS} for a {@code .jks} file, else {@code PKCS12}.
     */
    public String keystoreType() {
      return keystore.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jks")
          ? "JKS"
          : "PKCS12";
    }

    static FtpTlsConfig fromJson(ConfigReader json) {
      String keystore = json.string("keystore", null);
      return new FtpTlsConfig(
          keystore == null ? null : Path.of(keystore),
          json.secret("keystorePassword"),
          json.bool("required", false),
          TlsSuites.fromJson(json, "ftpServer.tls.cipherSuites"));
    }
  }
}
