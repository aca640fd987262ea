package ftpgw.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on loopback whose connections a test can cut at once, as a flaky network does: the
 * client sees its upload break, the gateway sees its connection end mid-body. New connections go
 * through again afterwards.
 */
public final class CuttableProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final Set<Socket> stalled = ConcurrentHashMap.newKeySet();

  /** The thread that relays what each open socket reads. */
  private final Map<Socket, Thread> pumps = new ConcurrentHashMap<>();

  /** Bytes the clients sent through the relay (request bodies and heads). */
  public final AtomicLong upstreamBytes = new AtomicLong();

  public CuttableProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "cuttable-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  /**
   * Stops relaying on every connection in flight, without closing any: the other side sees silence,
   * as with a peer that hangs or a network that drops everything. New connections go through.
   */
  public void stall() {
    stalled.addAll(open);
  }

  /**
   * Closes every connection in flight (both sides) and waits until their relaying threads have
   * ended: {@link #upstreamBytes} counts nothing of them afterwards, so a test can measure what the
   * next requests send.
   */
  public void cut() {
    List<Socket> cut = List.copyOf(open);
    open.removeAll(cut);
    for (Socket socket : cut) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing is all we want
      }
    }
    for (Socket socket : cut) {
      Thread pump = pumps.get(socket);
      if (pump != null) {
        try {
          pump.join(5_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    cut();
  }

  /**
   * Until closed: one connection that cannot be relayed (say, cut while it was set up) never stops
   * the next.
   */
  private void accept() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        continue; // closed (the loop ends), or one failed accept
      }
      try {
        Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        open.add(client);
        open.add(target);
        pump(client, target, true);
        pump(target, client, false);
      } catch (IOException e) {
        try {
          client.close();
        } catch (IOException ignored) {
          // the client sees the connection end and tries again
        }
      }
    }
  }

  private void pump(Socket from, Socket to, boolean upstream) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[64 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                  while (stalled.contains(from) && !from.isClosed()) {
                    Thread.sleep(10);
                  }
                  out.write(buffer, 0, n);
                  if (upstream) {
                    upstreamBytes.addAndGet(n);
                  }
                }
              } catch (IOException ignored) {
                // cut, or closed by one side
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                try {
                  to.close();
                  from.close();
                } catch (IOException ignored) {
                  // already closed
                }
                pumps.remove(from);
              }
            },
            "cuttable-proxy-pump");
    thread.setDaemon(true);
    pumps.put(from, thread);
    thread.start();
  }
}
