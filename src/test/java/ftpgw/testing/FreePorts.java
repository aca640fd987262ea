package ftpgw.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Free loopback ports for servers that cannot take port 0 (passive ranges, a second server's fixed port). */
public final class FreePorts {
  private FreePorts() {
  }

  public static int one() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }

  /** A range of {@code count} consecutive ports that are free now, as "first-last". */
  public static String range(int count) {
    for (int attempt = 0; attempt < 200; attempt++) {
      int first = ThreadLocalRandom.current().nextInt(20_000, 32_000);
      if (allFree(first, count)) {
        return first + "-" + (first + count - 1);
      }
    }
    throw new IllegalStateException("no free range of " + count + " ports");
  }

  private static boolean allFree(int first, int count) {
    for (int port = first; port < first + count; port++) {
      try (ServerSocket ignored = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        // free
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }
}
