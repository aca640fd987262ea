package ftpgw.relay;

import ftpgw.config.FtpTarget;
import ftpgw.config.RelayConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.commons.net.ftp.FTPClient;

/**
 * Readiness of a relay: logs in to the FTP target the way the relay does (TLS included) and leaves
 * at once. A TCP connection alone says nothing about a wrong password or a certificate the relay
 * does not trust, which fail every delivery. In passthrough mode the logins are the clients', so
 * only the greeting and the TLS handshake are checked. The session is opened outside the relay's
 * connection budget: callers rate-limit it. Blocking.
 */
public final class FtpLoginProbe {
  private static final Duration MAX_CONNECT = Duration.ofSeconds(2);

  /**
   * vsftpd (PAM) answers a wrong password after 2-4 s: a shorter wait would report a timeout
   * instead of the 530.
   */
  private static final Duration MAX_REPLY = Duration.ofSeconds(10);

  private final FtpTarget target;
  private final boolean logIn;
  private final FtpsContexts ftps;
  private final int connectMillis;
  private final int replyMillis;

  /**
   * @param logIn false when the clients bring their own logins (auth mode passthrough)
   */
  public FtpLoginProbe(RelayConfig config, boolean logIn) {
    this.target = config.target();
    this.logIn = logIn;
    this.ftps = target.tls() == null ? null : new FtpsContexts(target.tls());
    // bounded: /ready must answer within its check timeout (Readiness.FTP_CHECK_TIMEOUT_MILLIS)
    this.connectMillis = (int) Math.min(config.connectTimeout().toMillis(), MAX_CONNECT.toMillis());
    this.replyMillis = (int) Math.min(config.replyTimeout().toMillis(), MAX_REPLY.toMillis());
  }

  public FtpTarget target() {
    return target;
  }

  /**
   * Connects, shakes hands (FTPS) and logs in; throws what went wrong (see {@link
   * FtpFailures#describe}).
   */
  public void check() throws IOException {
    FTPClient ftp = ftps == null ? new ChannelFtpClient() : ftps.newClient();
    ftp.setControlEncoding(StandardCharsets.UTF_8.name());
    ftp.setConnectTimeout(connectMillis);
    ftp.setDefaultTimeout(replyMillis);
    try {
      FtpConnectionFactory.connect(ftp, target, logIn);
      ftp.logout();
    } finally {
      try {
        ftp.disconnect();
      } catch (IOException ignored) {
        // the probe is over either way
      }
    }
  }
}
