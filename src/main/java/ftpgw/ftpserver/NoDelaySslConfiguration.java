package ftpgw.ftpserver;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import org.apache.ftpserver.ssl.ClientAuth;
import org.apache.ftpserver.ssl.SslConfiguration;

/**
 * The data connections' TLS, with TCP_NODELAY set on each accepted socket before its handshake:
 * without it about half of the PROT P handshakes wait 40-90 ms behind Nagle and the client's
 * delayed ACK.
 */
final class NoDelaySslConfiguration implements SslConfiguration {
  private final SslConfiguration delegate;

  NoDelaySslConfiguration(SslConfiguration delegate) {
    this.delegate = delegate;
  }

  @Override
  public SSLSocketFactory getSocketFactory() throws GeneralSecurityException {
    return new NoDelayFactory(delegate.getSocketFactory());
  }

  @Override
  public SSLContext getSSLContext() throws GeneralSecurityException {
    return delegate.getSSLContext();
  }

  @Override
  public SSLContext getSSLContext(String protocol) throws GeneralSecurityException {
    return delegate.getSSLContext(protocol);
  }

  @Override
  public String[] getEnabledCipherSuites() {
    return delegate.getEnabledCipherSuites();
  }

  @Override
  public String getEnabledProtocol() {
    return delegate.getEnabledProtocol();
  }

  @Override
  public String[] getEnabledProtocols() {
    return delegate.getEnabledProtocols();
  }

  @Override
  public ClientAuth getClientAuth() {
    return delegate.getClientAuth();
  }

  private static final class NoDelayFactory extends SSLSocketFactory {
    private final SSLSocketFactory delegate;

    NoDelayFactory(SSLSocketFactory delegate) {
      this.delegate = delegate;
    }

    @Override
    public Socket createSocket(Socket socket, String host, int port, boolean autoClose)
        throws IOException {
      socket.setTcpNoDelay(true);
      return delegate.createSocket(socket, host, port, autoClose);
    }

    @Override
    public Socket createSocket(Socket socket, InputStream consumed, boolean autoClose)
        throws IOException {
      socket.setTcpNoDelay(true);
      return delegate.createSocket(socket, consumed, autoClose);
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return delegate.createSocket(host, port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress local, int localPort)
        throws IOException {
      return delegate.createSocket(host, port, local, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return delegate.createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress local, int localPort)
        throws IOException {
      return delegate.createSocket(address, port, local, localPort);
    }
  }
}
