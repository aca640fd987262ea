package ftpgw.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.Set;

/**
 * The whole gateway configuration, parsed and validated once at start-up from the {@code -conf}
 * JSON.
 */
public record GatewayConfig(
    Set<Role> roles,
    HttpConfig http,
    SpoolConfig spool,
    RelayConfig relay,
    DeliveryConfig delivery,
    FtpServerConfig ftpServer,
    ClusterConfig cluster,
    AuthConfig auth,
    EventsConfig events,
    BridgesConfig bridges,
    HooksConfig hooks,
    TusConfig tus) {
  /** An all-in-one node: it takes uploads, relays them and runs the FTP server. */
  public static final Set<Role> DEFAULT_ROLES = Set.copyOf(EnumSet.allOf(Role.class));

  public GatewayConfig {
    roles = Set.copyOf(roles);
    ConfigReader.require(
        !ftpServer.enabled() || roles.contains(Role.FTP),
        "ftpServer.enabled is true but roles has no \"ftp\": add it or leave ftpServer out");
    ConfigReader.require(
        !roles.contains(Role.RELAY) || relay.target() != null || ftpServer.enabled(),
        "relay.target is not set and ftpServer.enabled is false: the relay has nowhere to publish"
            + " (a node without the \"relay\" role needs neither)");
    ConfigReader.require(
        auth.mode() != AuthMode.NONE || isLoopback(http.host()),
        "auth.mode is \"none\" but http.host is "
            + http.host()
            + ": anyone who reaches it could write to the FTP"
            + " server. Bind http.host to 127.0.0.1, or set auth.mode to \"users\" or \"passthrough\"");
    ConfigReader.require(
        auth.mode() == AuthMode.NONE
            || http.tls() != null
            || isLoopback(http.host())
            || auth.allowPlainHttp(),
        "auth.mode is \""
            + auth.mode().apiName()
            + "\" over plain HTTP on "
            + http.host()
            + ": passwords and tokens"
            + " would cross the network in clear. Set http.tls, bind http.host to 127.0.0.1, or set"
            + " auth.allowPlainHttp to true if the network below is trusted (e.g. TLS ends at a proxy in front)");
    ConfigReader.require(
        auth.mode() != AuthMode.PASSTHROUGH || roles.contains(Role.RELAY),
        "auth.mode \"passthrough\" needs the \"relay\" role: logins are checked by logging in to the FTP server, and"
            + " the clients' FTP passwords stay in the process that checked them (they never cross the cluster)");
  }

  /** Loopback means a literal loopback address or "localhost"; no name is looked up. */
  public static boolean isLoopback(String host) {
    String h =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return h.equalsIgnoreCase("localhost")
        || h.matches("127(\\.\\d{1,3}){3}")
        || h.equals("::1")
        || h.equals("0:0:0:0:0:0:0:1");
  }

  /** The events, bridges and hooks sections together. */
  public LiveConfig live() {
    return new LiveConfig(events, bridges, hooks);
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }

  /**
   * Parses {@code json}; an invalid value throws {@link IllegalArgumentException} naming its key.
   */
  public static GatewayConfig fromJson(JsonObject json) {
    JsonObject input = json == null ? new JsonObject() : json;
    Set<String> read = KeysRead.newSet();
    GatewayConfig config = KeysRead.recording(read, () -> parse(new ConfigReader(input, "")));
    UnknownKeys.refuse(input, read);
    return config;
  }

  private static GatewayConfig parse(ConfigReader root) {
    Set<Role> roles = roles(root.value("roles"));
    AuthConfig auth = AuthConfig.fromJson(ConfigReader.section(root.json(), "auth", "auth"));
    RelayConfig relay =
        RelayConfig.fromJson(
            ConfigReader.section(root.json(), "relay", "relay"),
            auth.mode() == AuthMode.PASSTHROUGH);
    return new GatewayConfig(
        roles,
        HttpConfig.fromJson(ConfigReader.section(root.json(), "http", "http")),
        SpoolConfig.fromJson(ConfigReader.section(root.json(), "spool", "spool")),
        relay,
        DeliveryConfig.fromJson(ConfigReader.section(root.json(), "delivery", "delivery")),
        FtpServerConfig.fromJson(
            ConfigReader.section(root.json(), "ftpServer", "ftpServer"),
            roles.contains(Role.FTP) && relay.target() == null),
        ClusterConfig.fromJson(
            ConfigReader.section(root.json(), "cluster", "cluster"), relay.connections()),
        auth,
        EventsConfig.fromJson(ConfigReader.section(root.json(), "events", "events")),
        BridgesConfig.fromJson(ConfigReader.section(root.json(), "bridges", "bridges")),
        HooksConfig.fromJson(ConfigReader.section(root.json(), "hooks", "hooks")),
        TusConfig.fromJson(ConfigReader.section(root.json(), "tus", "tus")));
  }

  private static Set<Role> roles(Object value) {
    if (value == null) {
      return DEFAULT_ROLES;
    }
    if (!(value instanceof JsonArray array) || array.isEmpty()) {
      throw new IllegalArgumentException(
          "roles must be a non-empty list of \"http\", \"relay\", \"ftp\", got " + value);
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (Object name : array) {
      if (!(name instanceof String s)) {
        throw new IllegalArgumentException(
            "roles may contain only \"http\", \"relay\" and \"ftp\", got " + name);
      }
      if (!roles.add(Role.fromApiName(s))) {
        throw new IllegalArgumentException("roles lists \"" + s + "\" twice");
      }
    }
    return roles;
  }
}
