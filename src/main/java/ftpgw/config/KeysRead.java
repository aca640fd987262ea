package ftpgw.config;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The config keys the parser asked for while parsing one config, recorded by {@link ConfigReader}'s
 * reads. A key in the input that no parser asked for is unknown (see {@link UnknownKeys}); so a key
 * a new config record reads is known without being listed anywhere else.
 */
final class KeysRead {
  private static final ThreadLocal<Set<String>> CURRENT = new ThreadLocal<>();

  private KeysRead() {}

  /** Runs {@code parse}, recording every key it reads into {@code into}. */
  static <T> T recording(Set<String> into, Supplier<T> parse) {
    Set<String> outer = CURRENT.get();
    CURRENT.set(into);
    try {
      return parse.get();
    } finally {
      if (outer == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(outer);
      }
    }
  }

  /**
   * Notes {@code key} (under {@code where}, "" for the root) as read, when a config is being
   * parsed.
   */
  static void note(String where, String key) {
    Set<String> read = CURRENT.get();
    if (read != null) {
      read.add(join(where, key));
    }
  }

  static String join(String where, String key) {
    return where.isEmpty() ? key : where + "." + key;
  }

  static Set<String> newSet() {
    return new LinkedHashSet<>();
  }
}
