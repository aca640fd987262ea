package ftpgw.relay;

import ftpgw.transfer.RelayRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fencing of superseded attempts: an attempt whose body comes from elsewhere (a relay node pulling
 * an edge's body) may have been given up on while it ran (the node was paused, or the edge
 * restarted) and a newer attempt started. Before the rename that publishes, the attempt asks
 * whoever owns the transfer whether it is still the current one; a stale attempt removes only its
 * own temporary file and never publishes over, or deletes, a newer one's result. Attempts without a
 * registered fence (local bodies: this node owns the transfer) are always current.
 */
public final class PublishFence {
  /**
   * Asks the transfer's owner, blocking (FTP threads may block), whether this attempt is still the
   * current one.
   */
  @FunctionalInterface
  public interface Check {
    boolean current() throws IOException;
  }

  /**
   * The attempt was superseded by a newer one: it did not publish and removed its own temporary
   * file.
   */
  public static final class Superseded extends IOException {
    Superseded(String message) {
      super(message);
    }
  }

  private static final Map<Path, Check> FENCES = new ConcurrentHashMap<>();

  private PublishFence() {}

  /**
   * Guards the attempt that publishes the body being written to {@code body}, until {@link
   * #remove}.
   */
  public static void register(Path body, Check check) {
    FENCES.put(body.toAbsolutePath(), check);
  }

  public static void remove(Path body) {
    FENCES.remove(body.toAbsolutePath());
  }

  /** Throws {@link Superseded} unless {@code request}'s attempt is still the current one. */
  static void confirm(RelayRequest request) throws Superseded {
    Check check =
        request.spoolFile() == null
            ? null
            : FENCES.get(Path.of(request.spoolFile()).toAbsolutePath());
    if (check == null) {
      return;
    }
    boolean current;
    try {
      current = check.current();
    } catch (IOException e) {
      current =
          false; // the owner cannot be asked: it retries on its side, so this attempt must not
      // publish
    }
    if (!current) {
      throw new Superseded(
          "attempt at transfer "
              + request.transferId()
              + " was superseded (or its edge is gone)"
              + " before it published; its temporary file is removed");
    }
  }
}
