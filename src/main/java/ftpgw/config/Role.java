package ftpgw.config;

import java.util.Locale;

/**
 * What a node does in a cluster; the {@code roles} config key lists them, and any combination is
 * allowed.
 */
public enum Role {
  /** accepts uploads over HTTP, spools them and owns their delivery */
  HTTP,
  /**
   * reaches the FTP server and publishes to it (for its own node, and for edges over the clustered
   * event bus)
   */
  RELAY,
  /** runs the embedded FTP server */
  FTP;

  public String apiName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Role fromApiName(String name) {
    for (Role role : values()) {
      if (role.apiName().equals(name)) {
        return role;
      }
    }
    throw new IllegalArgumentException(
        "roles may contain only \"http\", \"relay\" and \"ftp\", got \"" + name + "\"");
  }
}
