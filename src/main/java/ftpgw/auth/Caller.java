package ftpgw.auth;

import ftpgw.transfer.Owner;

/**
 * Who sent a request, once authenticated, and what it may do.
 *
 * @param owner null when the gateway has no authentication (auth mode none)
 * @param maxUploadBytes its own upload limit; 0: only {@code http.maxUploadBytes}
 * @param maxConcurrentUploads its uploads in progress at once; 0: no limit of its own
 */
public record Caller(Owner owner, long maxUploadBytes, int maxConcurrentUploads) {
  public static final Caller ANONYMOUS = new Caller(null, 0, 0);

  /** The largest upload it may send, given the listener's own limit. */
  public long uploadLimit(long listenerLimit) {
    return maxUploadBytes > 0 ? Math.min(maxUploadBytes, listenerLimit) : listenerLimit;
  }

  public String name() {
    return owner == null ? null : owner.name();
  }
}
