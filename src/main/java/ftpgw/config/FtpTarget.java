package ftpgw.config;

import static ftpgw.config.Json.require;

/**
 * The FTP server the relay publishes to, and the account it logs in with.
 *
 * @param dir remote folder (relative to the login's home) under which every upload lands; "" is the home itself
 */
public record FtpTarget(String host, int port, String user, Secret password, String dir) {

  public FtpTarget {
    require(host != null && !host.isBlank(), "relay.target.host must not be empty");
    require(port >= 1 && port <= 65_535, "relay.target.port must be 1..65535, got " + port);
    require(user != null && !user.isBlank(), "relay.target.user must not be empty");
    password = password == null ? Secret.NONE : password;
    dir = dir == null ? "" : dir.replaceAll("^/+|/+$", "");
  }

  static FtpTarget fromJson(Json json) {
    return new FtpTarget(
        json.string("host", null),
        json.integer("port", 21),
        json.string("user", null),
        json.secret("password"),
        json.string("dir", ""));
  }

  @Override
  public String toString() {
    return user + "@" + host + ":" + port + (dir.isEmpty() ? "" : "/" + dir);
  }
}
