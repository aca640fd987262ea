package ftpgw.ftpserver;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.listener.Listener;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.mina.transport.socket.SocketAcceptor;
import org.junit.jupiter.api.Test;

/**
 * The Apache FtpServer internal behind {@link FtpServerInternals}: a started listener's MINA
 * acceptor. When an upgrade moves it, this fails naming the listener class and field (the server
 * would otherwise only log a warning and answer every small transfer ~40 ms late).
 */
class FtpServerInternalsTest {
  @Test
  void aStartedListenerShowsItsMinaAcceptor() throws Exception {
    ListenerFactory listeners = new ListenerFactory();
    listeners.setServerAddress("127.0.0.1");
    listeners.setPort(0);
    Listener listener = listeners.createListener();
    FtpServerFactory factory = new FtpServerFactory();
    factory.addListener("default", listener);
    FtpServer server = factory.createServer();
    server.start();
    try {
      SocketAcceptor acceptor;
      try {
        acceptor = FtpServerInternals.acceptorOf(listener);
      } catch (ReflectiveOperationException e) {
        throw new AssertionError(
            "Apache FtpServer moved "
                + listener.getClass().getName()
                + "."
                + FtpServerInternals.ACCEPTOR_FIELD
                + ": "
                + e,
            e);
      }
      acceptor.getSessionConfig().setTcpNoDelay(true);
      assertThat(acceptor.getSessionConfig().isTcpNoDelay()).isTrue();
    } finally {
      server.stop();
    }
  }
}
