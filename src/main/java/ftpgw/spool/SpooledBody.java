package ftpgw.spool;

/**
 * What was received into the spool: the exact size and SHA-256 (hex) of the body, and its CRC-32C
 * (8 hex digits) when the receiver took one (a body that crosses to a relay node as it arrives),
 * else null.
 */
public record SpooledBody(long bytes, String sha256, String crc32c) {
  public SpooledBody(long bytes, String sha256) {
    this(bytes, sha256, null);
  }
}
