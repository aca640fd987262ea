package ftpgw.relay;

import java.io.IOException;
import java.net.Socket;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.apache.commons.net.ftp.FTPSClient;
import org.apache.commons.net.util.SSLSocketUtils;

/**
 * Explicit FTPS (AUTH TLS) whose data connections resume the control connection's TLS session, as
 * vsftpd requires by default; stock {@link FTPSClient} opens each one with a new session. Needs its
 * own {@link SSLContext} per control connection (a session cache shared by a pool would let a data
 * connection resume another connection's session, which the server refuses just the same), TLS 1.2
 * against vsftpd 3.0.3, and the JVM property {@code
 * jdk.tls.client.enableSessionTicketExtension=false} (vsftpd's tickets are not resumable by JSSE).
 * Public for deploy/bench/FtpSmallFiles.java, which measures FTP servers with the client the relay
 * uses.
 */
public final class SessionReusingFtpsClient extends FTPSClient {
  private final SSLContext context;
  private final boolean verifyHostname;
  private final String[] protocols;
  private boolean privateData;

  public SessionReusingFtpsClient(
      SSLContext context, boolean verifyHostname, List<String> protocols) {
    super(false, context);
    this.context = context;
    this.verifyHostname = verifyHostname;
    this.protocols = protocols.toArray(String[]::new);
    setEndpointCheckingEnabled(verifyHostname);
    setEnabledProtocols(this.protocols);
    setSocketFactory(NoDelaySocketFactory.INSTANCE);
  }

  /**
   * PROT P as usual, but data sockets stay plain here: {@link #_openDataConnection_} layers TLS
   * over them.
   */
  @Override
  public void execPROT(String prot) throws SSLException, IOException {
    super.execPROT(prot);
    privateData = "P".equals(prot);
    setSocketFactory(NoDelaySocketFactory.INSTANCE);
    setServerSocketFactory(null);
  }

  @Override
  protected Socket _openDataConnection_(String command, String arg) throws IOException {
    Socket plain = super._openDataConnection_(command, arg);
    if (plain == null || !privateData) {
      return plain;
    }
    int controlPort = getRemotePort();
    SSLSocket tls =
        (SSLSocket)
            context
                .getSocketFactory()
                .createSocket(
                    new PortMaskingSocket(plain, controlPort), _hostname_, controlPort, true);
    try {
      tls.setUseClientMode(true);
      tls.setEnabledProtocols(protocols);
      if (verifyHostname) {
        SSLSocketUtils.enableEndpointNameVerification(tls);
      }
      tls.startHandshake();
      return tls;
    } catch (IOException | RuntimeException e) {
      tls.close();
      throw e;
    }
  }
}
