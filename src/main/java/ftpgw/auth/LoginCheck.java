package ftpgw.auth;

import ftpgw.config.Secret;
import java.io.IOException;

/**
 * Checks a client's user name and password against the FTP server itself (auth mode passthrough).
 * Blocking.
 */
public interface LoginCheck {
  /**
   * Asks the FTP server whether {@code user} may log in with {@code password}.
   *
   * @return true when the FTP server accepted the login, false when it refused it (530)
   * @throws IOException when the FTP server could not be asked (unreachable, timeout, another
   *     refusal)
   */
  boolean accepts(String user, Secret password) throws IOException;
}
