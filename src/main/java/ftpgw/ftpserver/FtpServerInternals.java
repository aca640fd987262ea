package ftpgw.ftpserver;

import java.lang.reflect.Field;
import org.apache.ftpserver.listener.Listener;
import org.apache.mina.transport.socket.SocketAcceptor;

/**
 * The Apache FtpServer internal the embedded server relies on and cannot reach through its API: the
 * MINA acceptor of a listener, whose session config sets TCP_NODELAY. {@code
 * FtpServerInternalsTest} fails naming the field and class when an FtpServer upgrade moves it,
 * rather than every small transfer silently taking ~40 ms again.
 */
final class FtpServerInternals {
  /** The private field of FtpServer's NioListener that holds its MINA acceptor. */
  static final String ACCEPTOR_FIELD = "acceptor";

  private FtpServerInternals() {}

  /** The MINA acceptor of a started {@code listener}. */
  static SocketAcceptor acceptorOf(Listener listener) throws ReflectiveOperationException {
    Field field = listener.getClass().getDeclaredField(ACCEPTOR_FIELD);
    field.setAccessible(true);
    Object acceptor = field.get(listener);
    if (!(acceptor instanceof SocketAcceptor socketAcceptor)) {
      throw new NoSuchFieldException(
          listener.getClass().getName()
              + "."
              + ACCEPTOR_FIELD
              + " holds "
              + (acceptor == null ? "null" : acceptor.getClass().getName())
              + ", not a MINA SocketAcceptor");
    }
    return socketAcceptor;
  }
}
