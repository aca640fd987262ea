package ftpgw.ftpserver;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.ftpserver.ftplet.DefaultFtpReply;
import org.apache.ftpserver.ftplet.DefaultFtplet;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.FtpFile;
import org.apache.ftpserver.ftplet.FtpRequest;
import org.apache.ftpserver.ftplet.FtpSession;
import org.apache.ftpserver.ftplet.FtpletResult;

/**
 * Makes the embedded server advertise and accept only what works well, as clients trust FEAT
 * blindly:
 *
 * <ul>
 *   <li>no {@code MODE Z}: lftp uses it whenever offered, and FtpServer's deflate made {@code
 *       mirror -R} 6.5x slower (5.9 s against 0.9 s) and downloads 6x slower, so it is neither
 *       advertised nor accepted;
 *   <li>{@code AUTH TLS}/{@code AUTH SSL} only when a keystore is configured (FtpServer offers them
 *       regardless and then answers 431);
 *   <li>{@code SITE CHMOD} accepted as a no-op for an existing file, as vsftpd does: permissions
 *       are the gateway's business, and {@code lftp mirror -R} otherwise exits 1 with a 502 per
 *       file.
 * </ul>
 */
final class HonestFeatures extends DefaultFtplet {
  private final boolean tls;

  HonestFeatures(boolean tls) {
    this.tls = tls;
  }

  /** FtpServer 1.2.1's FEAT list, less what this server does not do well (or at all). */
  List<String> features() {
    List<String> features =
        new ArrayList<>(
            List.of(
                "SIZE",
                "MDTM",
                "REST STREAM",
                "LANG en;zh-tw;ja;is",
                "MLST Size;Modify;Type;Perm"));
    if (tls) {
      features.addAll(List.of("AUTH SSL", "AUTH TLS", "PBSZ", "PROT"));
    }
    features.addAll(List.of("UTF8", "TVFS", "MD5", "MMD5", "MFMT"));
    return features;
  }

  @Override
  public FtpletResult beforeCommand(FtpSession session, FtpRequest request) throws FtpException {
    String command = request.getCommand().toUpperCase(Locale.ROOT);
    String argument = request.hasArgument() ? request.getArgument().trim() : "";
    switch (command) {
      case "FEAT" -> {
        StringBuilder reply = new StringBuilder("Extensions supported\n");
        features().forEach(feature -> reply.append(' ').append(feature).append('\n'));
        return answer(session, 211, reply.append("End").toString());
      }
      case "MODE" -> {
        return argument.equalsIgnoreCase("Z")
            ? answer(session, 504, "MODE Z is not supported; use MODE S.")
            : FtpletResult.DEFAULT;
      }
      case "AUTH", "PBSZ", "PROT" -> {
        return tls
            ? FtpletResult.DEFAULT
            : answer(
                session, 502, command + " is not available: this server has no TLS configured.");
      }
      case "SITE" -> {
        return argument.toUpperCase(Locale.ROOT).startsWith("CHMOD")
            ? chmod(session, argument)
            : FtpletResult.DEFAULT;
      }
      default -> {
        return FtpletResult.DEFAULT;
      }
    }
  }

  /**
   * {@code SITE CHMOD <mode> <path>}: 200 for an existing file or folder (nothing changes), else
   * 550.
   */
  private static FtpletResult chmod(FtpSession session, String argument) throws FtpException {
    String[] parts = argument.split(" +", 3);
    if (parts.length < 3 || !parts[1].matches("[0-7]{3,4}")) {
      return answer(session, 501, "Usage: SITE CHMOD <octal mode> <path>");
    }
    if (session.getUser() == null) {
      return answer(session, 530, "Please log in first.");
    }
    FtpFile file = session.getFileSystemView().getFile(parts[2]);
    if (file == null || !file.doesExist()) {
      return answer(session, 550, "No such file or folder: " + parts[2]);
    }
    return answer(session, 200, "SITE CHMOD accepted; permissions are managed by the server.");
  }

  private static FtpletResult answer(FtpSession session, int code, String message)
      throws FtpException {
    session.write(new DefaultFtpReply(code, message));
    return FtpletResult.SKIP;
  }
}
