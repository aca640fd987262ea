package ftpgw.config;

import static ftpgw.config.ConfigReader.require;

import java.time.Duration;

/**
 * The FTP relay: where it publishes and how it treats its pooled connections.
 *
 * @param target the FTP server; null means the embedded server (see {@link FtpServerConfig})
 * @param connections most FTP connections open at once (and most transfers in parallel)
 * @param connectTimeout TCP connect to the FTP server
 * @param replyTimeout wait for any control-connection reply
 * @param dataTimeout wait on the data connection
 * @param idleTimeout a pooled connection idle this long is closed (keep it below the server's idle
 *     timeout)
 * @param relayTimeout longest a client waits for one relay, queueing included
 * @param offsetWrites {@code relay.offsetWrites}: "auto" (true) writes a body in several parts (a
 *     tus final concatenation) in parallel when a probe shows the server can write at offsets;
 *     "off" (false) always sends it in one STOR
 */
public record RelayConfig(
    FtpTarget target,
    int connections,
    Duration connectTimeout,
    Duration replyTimeout,
    Duration dataTimeout,
    Duration idleTimeout,
    Duration relayTimeout,
    boolean offsetWrites) {
  public static final RelayConfig DEFAULTS =
      new RelayConfig(
          null,
          8,
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          Duration.ofSeconds(60),
          Duration.ofSeconds(60),
          Duration.ofHours(1),
          true);

  public RelayConfig {
    require(
        connections >= 1 && connections <= 1024,
        "relay.connections must be 1..1024, got " + connections);
    require(positive(connectTimeout), "relay.connectTimeoutMs must be > 0");
    require(positive(replyTimeout), "relay.replyTimeoutMs must be > 0");
    require(positive(dataTimeout), "relay.dataTimeoutMs must be > 0");
    require(positive(idleTimeout), "relay.idleTimeoutMs must be > 0");
    require(positive(relayTimeout), "relay.relayTimeoutMs must be > 0");
  }

  public RelayConfig withTarget(FtpTarget newTarget) {
    return new RelayConfig(
        newTarget,
        connections,
        connectTimeout,
        replyTimeout,
        dataTimeout,
        idleTimeout,
        relayTimeout,
        offsetWrites);
  }

  /**
   * @param loginFromClients auth mode passthrough: the target's login comes from each client
   */
  static RelayConfig fromJson(ConfigReader json, boolean loginFromClients) {
    return new RelayConfig(
        json.has("target") ? FtpTarget.fromJson(json.section("target"), loginFromClients) : null,
        json.integer("connections", DEFAULTS.connections),
        json.millis("connectTimeoutMs", DEFAULTS.connectTimeout),
        json.millis("replyTimeoutMs", DEFAULTS.replyTimeout),
        json.millis("dataTimeoutMs", DEFAULTS.dataTimeout),
        json.millis("idleTimeoutMs", DEFAULTS.idleTimeout),
        json.millis("relayTimeoutMs", DEFAULTS.relayTimeout),
        offsetWrites(json.string("offsetWrites", DEFAULTS.offsetWrites ? "auto" : "off")));
  }

  private static boolean offsetWrites(String value) {
    require(
        "auto".equals(value) || "off".equals(value),
        "relay.offsetWrites must be \"auto\" or \"off\", got \"" + value + "\"");
    return "auto".equals(value);
  }

  private static boolean positive(Duration d) {
    return d != null && !d.isNegative() && !d.isZero();
  }
}
