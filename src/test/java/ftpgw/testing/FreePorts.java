package ftpgw.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for servers that cannot take port 0 (passive ranges, a second server's fixed
 * port). They come from below Linux's ephemeral range (32768-60999): a port the kernel hands out
 * for port 0 may be handed out again to an outgoing connection (the server's own, another test's)
 * before the server that was meant to bind it starts.
 */
public final class FreePorts {
  private FreePorts() {}

  /** A port that is free now. */
  public static int one() {
    return first(1);
  }

  /** A range of {@code count} consecutive ports that are free now, as "first-last". */
  public static String range(int count) {
    int first = first(count);
    return first + "-" + (first + count - 1);
  }

  private static int first(int count) {
    for (int attempt = 0; attempt < 200; attempt++) {
      int first = ThreadLocalRandom.current().nextInt(20_000, 32_000 - count);
      if (allFree(first, count)) {
        return first;
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
