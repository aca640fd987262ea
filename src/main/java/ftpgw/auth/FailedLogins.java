package ftpgw.auth;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts failed logins per key (a client address, or a user name) and blocks a key that fails
 * {@code maxFailures} times within a window, for a while. The block is logged once, when it starts.
 * Thread-safe (HTTP instances share one). The authenticator keeps one per address and one per user
 * name, so that neither a valid account (whose success resets only its own user's count) nor many
 * addresses open an unlimited guessing of another user.
 */
final class FailedLogins {
  private static final Logger log = LoggerFactory.getLogger(FailedLogins.class);

  /**
   * Keys tracked at most; past it, entries with nothing recent are dropped (a flood of addresses is
   * bounded).
   */
  private static final int MAX_ADDRESSES = 100_000;

  /**
   * A user name longer than this is counted under its first this many characters (the map's memory
   * stays bounded).
   */
  private static final int MAX_KEY_CHARS = 256;

  private static final class AddressFailures {
    final ArrayDeque<Long> failures = new ArrayDeque<>();
    long blockedUntil;
  }

  private final String label;
  private final int maxFailures;
  private final long windowNanos;
  private final long blockNanos;
  private final Map<String, AddressFailures> byAddress = new ConcurrentHashMap<>();

  /**
   * @param label what a key is, as logged before it ("" for an address, "user" for a user name)
   */
  FailedLogins(String label, int maxFailures, Duration window, Duration blockFor) {
    this.label = label.isEmpty() ? "" : label + " ";
    this.maxFailures = maxFailures;
    this.windowNanos = window.toNanos();
    this.blockNanos = blockFor.toNanos();
  }

  /** Seconds the key stays blocked (rounded up), or 0 when it is not blocked (or is null). */
  long blockedSeconds(String address) {
    if (address == null) {
      return 0;
    }
    AddressFailures record = byAddress.get(address);
    if (record == null) {
      return 0;
    }
    synchronized (record) {
      long left = record.blockedUntil - System.nanoTime();
      return left > 0 ? Math.max(1, (left + 999_999_999L) / 1_000_000_000L) : 0;
    }
  }

  /**
   * Counts one failure (none for a null key); blocks the key (and logs it) when it is one too many.
   */
  void failed(String address) {
    if (address == null) {
      return;
    }
    if (byAddress.size() >= MAX_ADDRESSES) {
      long now = System.nanoTime();
      byAddress
          .values()
          .removeIf(
              r -> {
                synchronized (r) {
                  return r.blockedUntil - now < 0
                      && (r.failures.isEmpty() || now - r.failures.peekLast() > windowNanos);
                }
              });
    }
    AddressFailures record = byAddress.computeIfAbsent(address, a -> new AddressFailures());
    synchronized (record) {
      long now = System.nanoTime();
      while (!record.failures.isEmpty() && now - record.failures.peekFirst() > windowNanos) {
        record.failures.pollFirst();
      }
      record.failures.addLast(now);
      if (record.failures.size() >= maxFailures && record.blockedUntil - now <= 0) {
        record.blockedUntil = now + blockNanos;
        record.failures.clear();
        log.warn(
            "Blocking {}{} for {} s after {} failed logins within {} s",
            label,
            printable(address),
            Duration.ofNanos(blockNanos).toSeconds(),
            maxFailures,
            Duration.ofNanos(windowNanos).toSeconds());
      }
    }
  }

  /** A successful login forgets the key's earlier failures. */
  void succeeded(String address) {
    AddressFailures record = address == null ? null : byAddress.get(address);
    if (record != null) {
      synchronized (record) {
        record.failures.clear();
      }
    }
  }

  private static String printable(String key) {
    String shown = key.length() > 64 ? key.substring(0, 64) + "…" : key;
    return shown.replaceAll("\\p{Cntrl}", "?");
  }

  /** A user name as a key of bounded length (null stays null: nothing is counted). */
  static String key(String userName) {
    return userName == null || userName.length() <= MAX_KEY_CHARS
        ? userName
        : userName.substring(0, MAX_KEY_CHARS);
  }
}
