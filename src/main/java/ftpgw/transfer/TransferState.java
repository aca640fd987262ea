package ftpgw.transfer;

import java.util.Locale;

/**
 * Where a transfer is in its life. Only {@link #DELIVERED}, {@link #FAILED} and {@link #CANCELLED}
 * are final.
 */
public enum TransferState {
  /** the body is still arriving */
  RECEIVING,
  /** the body is spooled; waiting for a relay connection (or for its next attempt) */
  QUEUED,
  /** being published on the FTP server */
  RELAYING,
  /** published under its final name */
  DELIVERED,
  /** given up: a permanent FTP refusal, or out of attempts or time */
  FAILED,
  /** cancelled by a client while queued */
  CANCELLED;

  public boolean isFinal() {
    return this == DELIVERED || this == FAILED || this == CANCELLED;
  }

  public String apiName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static TransferState fromApiName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
