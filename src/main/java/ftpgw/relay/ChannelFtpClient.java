package ftpgw.relay;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import javax.net.SocketFactory;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPCmd;
import org.apache.commons.net.io.CopyStreamException;

/**
 * A plain-FTP client whose sockets are socket channels, so that a STOR can send a spool file with
 * {@code FileChannel.transferTo} (sendfile(2)): the bytes go from the page cache to the socket
 * without being copied through the JVM twice, as {@code storeFile(String, InputStream)} does. Every
 * socket has TCP_NODELAY.
 *
 * <p>Only data connections are channels. The control connection is a plain socket: a channel's
 * socket with a read timeout switches its descriptor to non-blocking and back around every read
 * (two fcntl calls and a poll per reply, about 28 fcntl calls per published file), which cost a
 * small-file upload more kernel time than its STOR; a plain socket sets non-blocking once.
 */
final class ChannelFtpClient extends FTPClient {
  /** Writes a body to a data connection, adding what it sent to {@code sent} as it goes. */
  @FunctionalInterface
  interface Body {
    void sendTo(SocketChannel out, long[] sent) throws IOException;
  }

  ChannelFtpClient() {
    setSocketFactory(NoDelaySocketFactory.INSTANCE);
  }

  /** Connected: the control socket exists; every socket from now on is a data connection. */
  @Override
  protected void _connectAction_() throws IOException {
    setSocketFactory(ChannelSocketFactory.INSTANCE);
    super._connectAction_();
  }

  /** The control connection's socket (null before connect): for tests. */
  Socket controlSocket() {
    return _socket_;
  }

  @Override
  public void disconnect() throws IOException {
    setSocketFactory(
        NoDelaySocketFactory.INSTANCE); // a later connect() makes a plain control socket
    super.disconnect();
  }

  /**
   * STOR {@code remote} with the bytes {@code body} sends; false when the server refused the STOR
   * or the transfer. A broken data connection is a {@link CopyStreamException}, as with {@code
   * storeFile}.
   */
  boolean storeFile(String remote, Body body) throws IOException {
    Socket socket = _openDataConnection_(FTPCmd.STOR, remote);
    if (socket == null) {
      return false;
    }
    long[] sent = {0};
    try (socket) {
      body.sendTo(socket.getChannel(), sent);
    } catch (IOException e) {
      throw new CopyStreamException("IOException caught while copying.", sent[0], e);
    }
    return completePendingCommand();
  }

  /**
   * RETR {@code remote} (from the restart offset, if one is set): the data connection's channel, to
   * be closed and followed by {@code completePendingCommand()}; null when the server refused.
   */
  SocketChannel retrieveChannel(String remote) throws IOException {
    Socket socket = _openDataConnection_(FTPCmd.RETR, remote);
    return socket == null ? null : socket.getChannel();
  }

  /** Sockets backed by a {@link SocketChannel}, TCP_NODELAY set before they connect. */
  private static final class ChannelSocketFactory extends SocketFactory {
    static final ChannelSocketFactory INSTANCE = new ChannelSocketFactory();

    @Override
    public Socket createSocket() throws IOException {
      Socket socket = SocketChannel.open().socket();
      socket.setTcpNoDelay(true);
      return socket;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      throw unconnectedOnly();
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
        throws IOException {
      throw unconnectedOnly();
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      throw unconnectedOnly();
    }

    @Override
    public Socket createSocket(
        InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
      throw unconnectedOnly();
    }

    private static UnsupportedOperationException unconnectedOnly() {
      return new UnsupportedOperationException(
          "Commons Net creates unconnected sockets and connects them itself");
    }
  }
}
