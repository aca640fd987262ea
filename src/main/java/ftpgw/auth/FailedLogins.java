package ftpgw.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed logins per client address and blocks an address that fails {@code maxFailures} times within a
 * window, for a while. The block is logged once, when it starts. Thread-safe (HTTP instances share one).
 */
final class FailedLogins {
  private static final Logger log = LoggerFactory.getLogger(FailedLogins.class);
  /** Addresses tracked at most; past it, entries with nothing recent are dropped (a flood of addresses is bounded). */
  private static final int MAX_ADDRESSES = 100_000;

  private static final class AddressFailures {
    final ArrayDeque<Long> failures = new ArrayDeque<>();
    long blockedUntil;
  }

  private final int maxFailures;
  private final long windowNanos;
  private final long blockNanos;
  private final Map<String, AddressFailures> byAddress = new ConcurrentHashMap<>();

  FailedLogins(int maxFailures, Duration window, Duration blockFor) {
    this.maxFailures = maxFailures;
    this.windowNanos = window.toNanos();
    this.blockNanos = blockFor.toNanos();
  }

  /** Seconds the address stays blocked (rounded up), or 0 when it is not blocked. */
  long blockedSeconds(String address) {
    AddressFailures record = byAddress.get(address);
    if (record == null) {
      return 0;
    }
    synchronized (record) {
      long left = record.blockedUntil - System.nanoTime();
      return left > 0 ? Math.max(1, (left + 999_999_999L) / 1_000_000_000L) : 0;
    }
  }

  /** Counts one failure; blocks the address (and logs it) when it is one too many. */
  void failed(String address) {
    if (byAddress.size() >= MAX_ADDRESSES) {
      long now = System.nanoTime();
      byAddress.values().removeIf(r -> {
        synchronized (r) {
          return r.blockedUntil - now < 0 && (r.failures.isEmpty() || now - r.failures.peekLast() > windowNanos);
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
        log.warn("Blocking {} for {} s after {} failed logins within {} s", address,
            Duration.ofNanos(blockNanos).toSeconds(), maxFailures, Duration.ofNanos(windowNanos).toSeconds());
      }
    }
  }

  /** A successful login forgets the address's earlier failures. */
  void succeeded(String address) {
    AddressFailures record = byAddress.get(address);
    if (record != null) {
      synchronized (record) {
        record.failures.clear();
      }
    }
  }
}
