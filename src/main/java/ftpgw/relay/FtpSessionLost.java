package ftpgw.relay;

import java.io.IOException;

/**
 * The FTP server answered and then closed the control connection: vsftpd's {@code 500 OOPS:
 * priv_sock_get_int} when its privileged helper dies, or any refusal after which the session no
 * longer answers. A dying session is no verdict on the file, so this is transient: the work is
 * retried on a fresh connection.
 */
public final class FtpSessionLost extends IOException {
  FtpSessionLost(FtpReplyException lastReply) {
    super(
        lastReply.getMessage()
            + " (the FTP server then closed the session: retried on a new connection)",
        lastReply);
  }
}
