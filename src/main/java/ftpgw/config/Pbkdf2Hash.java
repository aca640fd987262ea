package ftpgw.config;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A salted, slow hash of a password or token: {@code $pbkdf2-sha256$<iterations>$<salt>$<hash>}
 * (salt and hash in base64). PBKDF2 because the JDK has it (no native code, no new dependency); the
 * iteration count travels with the hash so that it can be raised later without breaking stored
 * entries. The gateway's HTTP users and the embedded FTP server's users file share it: one hash
 * line serves both.
 */
public final class Pbkdf2Hash {
  /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256. */
  public static final int DEFAULT_ITERATIONS = 600_000;

  /** Below this a hash is too cheap to guess against; tests use it to stay fast. */
  public static final int MIN_ITERATIONS = 1_000;

  public static final String PREFIX = "$pbkdf2-sha256$";
  private static final Pattern FORMAT =
      Pattern.compile(
          "\\$pbkdf2-sha256\\$(\\d{1,9})\\$([A-Za-z0-9+/]{16,}={0,2})\\$([A-Za-z0-9+/]{43,}={0,2})");
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;

  private final int iterations;
  private final byte[] salt;
  private final byte[] hash;

  private Pbkdf2Hash(int iterations, byte[] salt, byte[] hash) {
    this.iterations = iterations;
    this.salt = salt;
    this.hash = hash;
  }

  /** Hashes {@code secret} with a new random salt. */
  public static Pbkdf2Hash create(char[] secret, int iterations) {
    if (iterations < MIN_ITERATIONS) {
      throw new IllegalArgumentException(
          "iterations must be >= " + MIN_ITERATIONS + ", got " + iterations);
    }
    byte[] salt = new byte[SALT_BYTES];
    new SecureRandom().nextBytes(salt);
    return new Pbkdf2Hash(iterations, salt, derive(secret, salt, iterations));
  }

  public static boolean isWellFormed(String encoded) {
    Matcher m = FORMAT.matcher(encoded);
    return m.matches() && Integer.parseInt(m.group(1)) >= MIN_ITERATIONS;
  }

  public static Pbkdf2Hash parse(String encoded) {
    Matcher m = FORMAT.matcher(encoded);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a " + PREFIX + "… hash");
    }
    return new Pbkdf2Hash(
        Integer.parseInt(m.group(1)),
        Base64.getDecoder().decode(m.group(2)),
        Base64.getDecoder().decode(m.group(3)));
  }

  /**
   * Whether {@code secret} is the hashed one. Slow on purpose (blocking: call it from a worker
   * thread).
   */
  public boolean matches(String secret) {
    return MessageDigest.isEqual(hash, derive(secret.toCharArray(), salt, iterations));
  }

  public int iterations() {
    return iterations;
  }

  public String encode() {
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return PREFIX + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
  }

  @Override
  public String toString() {
    return "(hash)";
  }

  private static byte[] derive(char[] secret, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(secret, salt, iterations, HASH_BITS);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JDK", e);
    } finally {
      spec.clearPassword();
    }
  }
}
