package ftpgw.ftpserver;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.apache.ftpserver.ftplet.DefaultFtpReply;
import org.apache.ftpserver.ftplet.DefaultFtplet;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.FtpRequest;
import org.apache.ftpserver.ftplet.FtpSession;
import org.apache.ftpserver.ftplet.FtpletResult;

/**
 * What the embedded server refuses before Apache FtpServer sees a command: logins and transfers in
 * clear text when TLS is required (as vsftpd's {@code force_local_logins_ssl}/{@code
 * force_local_data_ssl}), and file names that the JVM's file-name encoding cannot store (with
 * {@code LANG=C} Java would write them as "?" and mix them up).
 */
final class SessionPolicy extends DefaultFtplet {
  private static final Set<String> LOGIN = Set.of("USER", "PASS");
  private static final Set<String> DATA =
      Set.of("STOR", "STOU", "APPE", "RETR", "LIST", "NLST", "MLSD");
  private static final Set<String> NAMING = Set.of("STOR", "STOU", "APPE", "MKD", "XMKD", "RNTO");

  private final boolean tlsRequired;
  private final Charset fileNames;

  SessionPolicy(boolean tlsRequired, Charset fileNames) {
    this.tlsRequired = tlsRequired;
    this.fileNames = fileNames;
  }

  /**
   * The charset Java uses for file names on this JVM (fixed at start-up by the locale: LANG /
   * LC_ALL).
   */
  static Charset fileNameCharset() {
    try {
      return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
    } catch (RuntimeException e) {
      return StandardCharsets.UTF_8;
    }
  }

  @Override
  public FtpletResult beforeCommand(FtpSession session, FtpRequest request) throws FtpException {
    String command = request.getCommand().toUpperCase(Locale.ROOT);
    if (tlsRequired && LOGIN.contains(command) && !session.isSecure()) {
      return refuse(session, 530, "This server requires TLS: send AUTH TLS before logging in.");
    }
    if (tlsRequired && DATA.contains(command) && !session.getDataConnection().isSecure()) {
      return refuse(
          session, 521, "This server requires encrypted data connections: send PBSZ 0 and PROT P.");
    }
    if (NAMING.contains(command)
        && request.hasArgument()
        && !fileNames.newEncoder().canEncode(request.getArgument())) {
      return refuse(
          session,
          553,
          "File name not allowed: this server stores names as "
              + fileNames
              + " (start it with LANG=C.UTF-8 for any name).");
    }
    return FtpletResult.DEFAULT;
  }

  private static FtpletResult refuse(FtpSession session, int code, String message)
      throws FtpException {
    session.write(new DefaultFtpReply(code, message));
    return FtpletResult.SKIP;
  }
}
