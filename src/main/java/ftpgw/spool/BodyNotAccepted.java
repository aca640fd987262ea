package ftpgw.spool;

import java.io.IOException;

/**
 * What a relay reading a {@link LiveBody} gets when the upload it follows was refused or broke off:
 * the reason is the upload's (a client gone, a full spool disk, a wrong digest), not the FTP
 * server's, and is reported as such.
 */
public final class BodyNotAccepted extends IOException {
  private final Throwable reason;

  BodyNotAccepted(String id, Throwable reason) {
    super("upload " + id + " was not accepted: " + reason.getMessage());
    this.reason = reason;
  }

  /** The upload's own failure. */
  public Throwable reason() {
    return reason;
  }
}
