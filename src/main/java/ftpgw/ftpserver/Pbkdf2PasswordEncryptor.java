package ftpgw.ftpserver;

import ftpgw.config.SecretHash;
import org.apache.ftpserver.usermanager.PasswordEncryptor;
import org.apache.ftpserver.usermanager.SaltedPasswordEncryptor;


/**
 * Users-file passwords as {@code $pbkdf2-sha256$<iterations>$<salt>$<hash>} (base64), a slow salted hash. Entries
 * written by Apache FtpServer's own tools ({@code salt:md5}) are still accepted, so existing files keep working. The
 * hash itself is {@link SecretHash}, as for the gateway's HTTP users.
 */
final class Pbkdf2PasswordEncryptor implements PasswordEncryptor {
  static final String PREFIX = SecretHash.PREFIX;
  private static final int ITERATIONS = 100_000;

  private final SaltedPasswordEncryptor legacy = new SaltedPasswordEncryptor();

  @Override
  public String encrypt(String password) {
    return SecretHash.create(password.toCharArray(), ITERATIONS).encode();
  }

  @Override
  public boolean matches(String password, String stored) {
    if (password == null || stored == null) {
      return false;
    }
    if (!stored.startsWith(PREFIX)) {
      return legacy.matches(password, stored);
    }
    return SecretHash.isWellFormed(stored) && SecretHash.parse(stored).matches(password);
  }
}
