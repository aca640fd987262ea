package ftpgw.config;

import java.util.Locale;

/** Who may use the HTTP side ({@code auth.mode}). */
public enum AuthMode {
  /**
   * the gateway's own users (HTTP Basic or bearer tokens), each jailed in a folder of the FTP
   * target
   */
  USERS,
  /** HTTP Basic credentials are the FTP login: the FTP server decides */
  PASSTHROUGH,
  /** anyone who reaches the listener; only allowed on a loopback address */
  NONE;

  public String apiName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static AuthMode fromApiName(String name) {
    for (AuthMode mode : values()) {
      if (mode.apiName().equals(name)) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "auth.mode must be \"users\", \"passthrough\" or \"none\", got \"" + name + "\"");
  }
}
