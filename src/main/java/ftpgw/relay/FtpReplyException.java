package ftpgw.relay;

import java.io.IOException;
import org.apache.commons.net.ftp.FTPClient;

/**
 * The FTP server answered a command with a 4xx/5xx reply (Commons Net reports that as {@code
 * false}).
 */
public final class FtpReplyException extends IOException {
  private final int replyCode;

  public FtpReplyException(String command, int replyCode, String replyText) {
    super(command + " was refused: " + replyText);
    this.replyCode = replyCode;
  }

  public int replyCode() {
    return replyCode;
  }

  /** Turns Commons Net's {@code false} into an exception that carries the reply. */
  static void check(FTPClient ftp, boolean ok, String command) throws FtpReplyException {
    if (!ok) {
      throw refused(ftp, command);
    }
  }

  static FtpReplyException refused(FTPClient ftp, String command) {
    String reply = ftp.getReplyString();
    return new FtpReplyException(
        command, ftp.getReplyCode(), reply == null ? "(no reply)" : reply.trim());
  }
}
