import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPSClient;

import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.security.KeyStore;
import java.util.Random;

/**
 * Small files over one reused, logged-in FTP connection: the embedded server's per-transfer overhead.
 * <pre>
 *   java -cp target/gateway-fat.jar deploy/bench/FtpSmallFiles.java HOST PORT USER PASSWORD COUNT BYTES [TRUST.p12 PASS]
 * </pre>
 * With a trust store it uses explicit FTPS (AUTH TLS, PROT P) and resumes the control connection's TLS session on
 * every data connection, as vsftpd requires and curl/lftp do. Prints one line: "files/s N".
 */
public class FtpSmallFiles {
  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    int count = Integer.parseInt(args[4]);
    byte[] content = new byte[Integer.parseInt(args[5])];
    new Random(42).nextBytes(content);
    SSLContext context = args.length > 7 ? trusting(args[6], args[7]) : null;
    FTPClient ftp = context == null ? new FTPClient() : new FTPSClient(false, context);
    ftp.setSocketFactory(new NoDelaySockets());
    ftp.setDefaultTimeout(15_000);
    ftp.connect(host, port);
    if (ftp instanceof FTPSClient ftps) {
      ftps.execPBSZ(0);
      ftps.execPROT("P");
      if (!Boolean.getBoolean("noResume")) {
        ftps.setSocketFactory(new ResumingSockets(context, host, port));
      }
    }
    if (!ftp.login(args[2], args[3])) {
      throw new IOException("login refused: " + ftp.getReplyString());
    }
    ftp.setFileType(FTP.BINARY_FILE_TYPE);
    ftp.enterLocalPassiveMode();
    String folder = "small-" + ProcessHandle.current().pid();
    ftp.makeDirectory(folder);
    for (int i = 0; i < Math.min(50, count); i++) { // warm-up
      store(ftp, folder + "/warm-" + i, content);
    }
    long start = System.nanoTime();
    long[] micros = new long[count];
    for (int i = 0; i < count; i++) {
      long t0 = System.nanoTime();
      store(ftp, folder + "/f-" + i, content);
      micros[i] = (System.nanoTime() - t0) / 1_000;
    }
    if (Boolean.getBoolean("histogram")) {
      java.util.Arrays.sort(micros);
      System.err.printf("per file, microseconds: p10 %d, p50 %d, p90 %d, p99 %d, max %d%n", micros[count / 10],
          micros[count / 2], micros[count * 9 / 10], micros[count * 99 / 100], micros[count - 1]);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("files/s %.0f%n", count / seconds);
    ftp.logout();
    ftp.disconnect();
  }

  private static void store(FTPClient ftp, String name, byte[] content) throws IOException {
    if (!ftp.storeFile(name, new ByteArrayInputStream(content))) {
      throw new IOException("STOR " + name + ": " + ftp.getReplyString());
    }
  }

  /** TLS 1.2 trusting the given PKCS#12 store. */
  private static SSLContext trusting(String trustStore, String password) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(trustStore)) {
      trust.load(in, password.toCharArray());
    }
    TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trust);
    SSLContext context = SSLContext.getInstance("TLSv1.2");
    context.init(null, trustManagers.getTrustManagers(), null);
    return context;
  }

  /**
   * Data sockets that resume the control connection's TLS session: JSSE finds a cached client session by host and
   * the port of the socket it is layered over, so the plain data socket reports the control port.
   */
  private static final class ResumingSockets extends SocketFactory {
    private final SSLContext context;
    private final String host;
    private final int controlPort;

    ResumingSockets(SSLContext context, String host, int controlPort) {
      this.context = context;
      this.host = host;
      this.controlPort = controlPort;
    }

    @Override
    public Socket createSocket() {
      return new ResumingSocket(context, host, controlPort);
    }

    @Override
    public Socket createSocket(String host, int port) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress local, int localPort) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Socket createSocket(InetAddress host, int port) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress local, int localPort) {
      throw new UnsupportedOperationException();
    }
  }

  private static final class ResumingSocket extends Socket {
    private final SSLContext context;
    private final String host;
    private final int controlPort;
    private SSLSocket tls;

    ResumingSocket(SSLContext context, String host, int controlPort) {
      this.context = context;
      this.host = host;
      this.controlPort = controlPort;
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
      Socket plain = new Socket() {
        @Override
        public int getPort() {
          return controlPort;
        }
      };
      plain.setTcpNoDelay(true);
      plain.connect(endpoint, timeout);
      tls = (SSLSocket) context.getSocketFactory().createSocket(plain, host, controlPort, true);
      tls.setUseClientMode(true);
      // no handshake here: the server starts its side only after the transfer command, which is sent next
    }

    @Override
    public InetAddress getInetAddress() {
      return tls == null ? null : tls.getInetAddress();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
      return tls == null ? null : tls.getRemoteSocketAddress();
    }

    @Override
    public InputStream getInputStream() throws IOException {
      return tls.getInputStream();
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
      return tls.getOutputStream();
    }

    @Override
    public synchronized void setSoTimeout(int timeout) throws SocketException {
      if (tls != null) {
        tls.setSoTimeout(timeout);
      }
    }

    @Override
    public boolean isConnected() {
      return tls != null && tls.isConnected();
    }

    @Override
    public boolean isClosed() {
      return tls == null || tls.isClosed();
    }

    @Override
    public synchronized void close() throws IOException {
      if (tls != null) {
        tls.close();
      }
      super.close();
    }
  }

  private static final class NoDelaySockets extends SocketFactory {
    @Override
    public Socket createSocket() throws IOException {
      Socket socket = new Socket();
      socket.setTcpNoDelay(true);
      return socket;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      Socket socket = new Socket(host, port);
      socket.setTcpNoDelay(true);
      return socket;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
      Socket socket = new Socket(host, port, local, localPort);
      socket.setTcpNoDelay(true);
      return socket;
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      Socket socket = new Socket(host, port);
      socket.setTcpNoDelay(true);
      return socket;
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress local, int localPort) throws IOException {
      Socket socket = new Socket(address, port, local, localPort);
      socket.setTcpNoDelay(true);
      return socket;
    }
  }
}
