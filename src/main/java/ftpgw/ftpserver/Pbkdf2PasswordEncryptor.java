package ftpgw.ftpserver;

import ftpgw.config.Pbkdf2Hash;
import org.apache.ftpserver.usermanager.PasswordEncryptor;
import org.apache.ftpserver.usermanager.SaltedPasswordEncryptor;

/**
 * Users-file passwords as {@code $pbkdf2-sha256$<iterations>$<salt>$<hash>} (base64), a slow salted
 * hash. Entries written by Apache FtpServer's own tools ({@code salt:md5}) are still accepted, so
 * existing files keep working. The hash itself is {@link Pbkdf2Hash}, as for the gateway's HTTP
 * users.
 */
final class Pbkdf2PasswordEncryptor implements PasswordEncryptor {
  static final String PREFIX = Pbkdf2Hash.PREFIX;
  private static final int ITERATIONS = 100_000;

  private final SaltedPasswordEncryptor legacy = new SaltedPasswordEncryptor();

  @Override
  public String encrypt(String password) {
    return Pbkdf2Hash.create(password.toCharArray(), ITERATIONS).encode();
  }

  @Override
  public boolean matches(String password, String stored) {
    if (password == null || stored == null) {
      return false;
    }
    if (!stored.startsWith(PREFIX)) {
      return legacy.matches(password, stored);
    }
    return Pbkdf2Hash.isWellFormed(stored) && Pbkdf2Hash.parse(stored).matches(password);
  }
}
