package ftpgw.hooks;

import ftpgw.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a hook call: {@code X-Ftpgw-Signature: sha256=<hex HMAC-SHA256 of
 * "<timestamp>.<body>">} with the timestamp in {@code X-Ftpgw-Timestamp} (Unix seconds), so that a
 * receiver can refuse replays of old calls.
 */
public final class HookSignature {
  public static final String SIGNATURE_HEADER = "X-Ftpgw-Signature";
  public static final String TIMESTAMP_HEADER = "X-Ftpgw-Timestamp";
  public static final String EVENT_ID_HEADER = "X-Ftpgw-Event-Id";
  public static final String HOOK_HEADER = "X-Ftpgw-Hook";

  private final SecretKeySpec key;

  public HookSignature(Secret secret) {
    this.key = new SecretKeySpec(secret.reveal().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  }

  /** The header value for {@code body} sent at {@code timestamp}. */
  public String sign(long timestamp, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] digest = mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
      return "sha256=" + HexFormat.of().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java 17 runtime", e);
    }
  }

  /** Whether {@code signature} is ours for that body and timestamp (compared in constant time). */
  public boolean verifies(long timestamp, String body, String signature) {
    return signature != null
        && MessageDigest.isEqual(
            sign(timestamp, body).getBytes(StandardCharsets.UTF_8),
            signature.getBytes(StandardCharsets.UTF_8));
  }
}
