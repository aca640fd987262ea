package ftpgw.config;

import static ftpgw.config.ConfigReader.require;

import java.nio.file.Path;

/**
 * The event-bus bridges that let programs in any language follow transfers: both off unless
 * configured.
 *
 * @param sockJs whether {@code /eventbus} (SockJS, for browsers) is mounted on the HTTP listener
 * @param tcp the Vert.x TCP event-bus bridge; null: off
 */
public record BridgesConfig(boolean sockJs, TcpBridgeConfig tcp) {
  public static final BridgesConfig DEFAULTS = new BridgesConfig(false, null);

  static BridgesConfig fromJson(ConfigReader json) {
    return new BridgesConfig(
        json.section("sockjs").bool("enabled", false),
        json.has("tcp") && json.section("tcp").bool("enabled", true)
            ? TcpBridgeConfig.fromJson(json.section("tcp"))
            : null);
  }

  /**
   * @param host address to bind; loopback by default
   * @param port port to bind (0 picks a free one)
   * @param keyPath PEM private key for TLS; null with certPath null: plain TCP
   * @param certPath PEM certificate chain for TLS
   */
  public record TcpBridgeConfig(String host, int port, Path keyPath, Path certPath) {
    public TcpBridgeConfig {
      require(host != null && !host.isBlank(), "bridges.tcp.host must not be empty");
      require(port >= 0 && port <= 65_535, "bridges.tcp.port must be 0..65535, got " + port);
      require(
          (keyPath == null) == (certPath == null),
          "bridges.tcp.tls needs both keyPath and certPath");
    }

    public boolean tls() {
      return keyPath != null;
    }

    static TcpBridgeConfig fromJson(ConfigReader json) {
      ConfigReader tls = json.section("tls");
      return new TcpBridgeConfig(
          json.string("host", "127.0.0.1"),
          json.integer("port", 7000),
          HttpConfig.path(tls, "keyPath"),
          HttpConfig.path(tls, "certPath"));
    }
  }
}
