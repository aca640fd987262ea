package ftpgw;

import ftpgw.config.AuthMode;
import ftpgw.config.GatewayConfig;
import ftpgw.config.Role;

/** The last start-up line: the gateway is ready, and the one command that uses it. */
public final class ReadyLine {
  /** Every ready line starts with this (tests and scripts wait for it). */
  public static final String PREFIX = "ftpgw ready";

  private ReadyLine() {}

  static String of(GatewayConfig config, int httpPort) {
    String host = config.http().host();
    // a wildcard bind is reachable on loopback; an IPv6 literal needs brackets in a URL
    String reachable =
        host.equals("0.0.0.0")
            ? "127.0.0.1"
            : host.equals("::")
                ? "[::1]"
                : host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    String base = config.http().scheme() + "://" + reachable + ":" + httpPort;
    String login = config.auth().mode() == AuthMode.NONE ? "" : "-u <user> ";
    if (!config.has(Role.HTTP)) {
      return PREFIX
          + " (no uploads on this node: roles "
          + config.roles()
          + "); transfer status: curl "
          + base
          + "/transfers";
    }
    return PREFIX
        + ": upload with  curl "
        + login
        + "-T <file> "
        + base
        + "/files/  (status: "
        + base
        + "/transfers, health: "
        + base
        + "/health)";
  }
}
