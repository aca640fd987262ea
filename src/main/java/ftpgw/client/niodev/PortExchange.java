package ftpgw.client.niodev;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * Stands in for the port exchange that MPJ Express 0.44's {@code mpjrun} serves for niodev ranks,
 * so that ranks can start without mpjrun, its daemons or ssh. Protocol (read from
 * MPJRun.collectPortInfo's bytecode): every rank connects and sends {@code writeUTF("Sending
 * Info"), writeInt(writePort), writeInt(readPort), writeInt(rank)}; once all have, each gets {@code
 * writeUTF("#Peer Information;host@readPort@writePort@rank@debugPort;...")} in rank order, host
 * being the address the rank connected from.
 */
public final class PortExchange implements AutoCloseable {
  /** MPJ's debug port field; niodev parses it but nothing listens on it without a debugger. */
  private static final int DEBUG_PORT = 24500;

  private final ServerSocket server;
  private final int ranks;

  private PortExchange(ServerSocket server, int ranks) {
    this.server = server;
    this.ranks = ranks;
  }

  /** Listens on every interface (remote ranks connect too); port 0 picks a free one. */
  public static PortExchange listen(int port, int ranks) throws IOException {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(port), ranks);
    return new PortExchange(server, ranks);
  }

  public int port() {
    return server.getLocalPort();
  }

  /** What a niodev rank takes as its second argument (a string in 0.44, not a file name). */
  public static String confString(int ranks, String serverHost, int serverPort) {
    return "#Number of Processes;"
        + ranks
        + ";#Protocol Switch Limit;131072;#Server Name;"
        + serverHost
        + ";#Server Port;"
        + serverPort;
  }

  /**
   * Collects every rank's ports and answers each with the peer table; fails if they do not all come
   * in time.
   */
  public void exchange(Duration within) throws IOException {
    Socket[] sockets = new Socket[ranks];
    String[] peers = new String[ranks];
    long deadline = System.nanoTime() + within.toNanos();
    try {
      for (int joined = 0; joined < ranks; joined++) {
        server.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        Socket socket = accept(joined);
        DataInputStream in = new DataInputStream(socket.getInputStream());
        String hello = in.readUTF();
        if (!hello.startsWith("Sending Info")) {
          socket.close();
          joined--;
          continue;
        }
        int writePort = in.readInt();
        int readPort = in.readInt();
        int rank = in.readInt();
        if (rank < 0 || rank >= ranks || sockets[rank] != null) {
          socket.close();
          throw new IOException(
              "port exchange: unexpected rank " + rank + " from " + socket.getInetAddress());
        }
        sockets[rank] = socket;
        peers[rank] =
            socket.getInetAddress().getHostAddress()
                + "@"
                + readPort
                + "@"
                + writePort
                + "@"
                + rank
                + "@"
                + DEBUG_PORT;
      }
      String table = "#Peer Information;" + String.join(";", peers);
      for (Socket socket : sockets) {
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeUTF(table);
        out.flush();
      }
    } finally {
      for (Socket socket : sockets) {
        if (socket != null) {
          socket.close();
        }
      }
    }
  }

  private Socket accept(int joined) throws IOException {
    try {
      return server.accept();
    } catch (SocketTimeoutException e) {
      throw new IOException(
          "port exchange: only "
              + joined
              + " of "
              + ranks
              + " ranks connected to port "
              + port()
              + " in time",
          e);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
