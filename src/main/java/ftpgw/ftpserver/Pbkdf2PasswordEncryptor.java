package ftpgw.ftpserver;

import org.apache.ftpserver.usermanager.PasswordEncryptor;
import org.apache.ftpserver.usermanager.SaltedPasswordEncryptor;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Users-file passwords as {@code $pbkdf2-sha256$<iterations>$<salt>$<hash>} (base64), a slow salted hash. Entries
 * written by Apache FtpServer's own tools ({@code salt:md5}) are still accepted, so existing files keep working.
 */
final class Pbkdf2PasswordEncryptor implements PasswordEncryptor {
  static final String PREFIX = "$pbkdf2-sha256$";
  private static final int ITERATIONS = 100_000;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SaltedPasswordEncryptor legacy = new SaltedPasswordEncryptor();

  @Override
  public String encrypt(String password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    Base64.Encoder base64 = Base64.getEncoder().withoutPadding();
    return PREFIX + ITERATIONS + "$" + base64.encodeToString(salt) + "$"
        + base64.encodeToString(derive(password, salt, ITERATIONS));
  }

  @Override
  public boolean matches(String password, String stored) {
    if (password == null || stored == null) {
      return false;
    }
    if (!stored.startsWith(PREFIX)) {
      return legacy.matches(password, stored);
    }
    String[] parts = stored.substring(PREFIX.length()).split("\\$");
    if (parts.length != 3) {
      return false;
    }
    try {
      int iterations = Integer.parseInt(parts[0]);
      byte[] salt = Base64.getDecoder().decode(parts[1]);
      byte[] expected = Base64.getDecoder().decode(parts[2]);
      return iterations > 0 && MessageDigest.isEqual(expected, derive(password, salt, iterations));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static byte[] derive(String password, byte[] salt, int iterations) {
    try {
      PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BITS);
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JVM", e);
    }
  }
}
