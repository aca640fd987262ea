package ftpgw.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses config keys that no parser read: a typo such as {@code "htpp"} or {@code "conections"}
 * would otherwise start the gateway on its defaults without a word. Each unknown key is named with
 * the nearest known one.
 */
final class UnknownKeys {
  /** Suggestions further than this (edits) from the typo are more confusing than helpful. */
  private static final int MAX_SUGGESTION_DISTANCE = 4;

  private UnknownKeys() {}

  /**
   * Throws {@link IllegalArgumentException} listing every key of {@code input} that is not in
   * {@code read}.
   */
  static void refuse(JsonObject input, Set<String> read) {
    List<String> unknown = new ArrayList<>();
    collect(input, "", read, unknown);
    if (unknown.isEmpty()) {
      return;
    }
    List<String> problems = new ArrayList<>();
    for (String key : unknown) {
      String suggestion = nearest(key, read);
      problems.add(
          "unknown key " + key + (suggestion == null ? "" : " (did you mean " + suggestion + "?)"));
    }
    throw new IllegalArgumentException(
        String.join("; ", problems) + ". The keys are documented in docs/configuration.md");
  }

  private static void collect(
      JsonObject json, String where, Set<String> read, List<String> unknown) {
    for (String key : json.fieldNames()) {
      String path = KeysRead.join(where, key);
      Object value = json.getValue(key);
      if (!read.contains(path)) {
        unknown.add(firstLeaf(path, value));
      } else if (value instanceof JsonObject object) {
        collect(object, path, read, unknown);
      } else if (value instanceof JsonArray array) {
        for (int i = 0; i < array.size(); i++) {
          if (array.getValue(i) instanceof JsonObject element) {
            collect(element, path + "[" + i + "]", read, unknown);
          }
        }
      }
    }
  }

  /** {@code {"htpp": {"port": 1}}} is reported as htpp.port, which is what resembles http.port. */
  private static String firstLeaf(String path, Object value) {
    if (value instanceof JsonObject object && object.size() == 1) {
      String key = object.fieldNames().iterator().next();
      return firstLeaf(path + "." + key, object.getValue(key));
    }
    return path;
  }

  static String nearest(String key, Set<String> known) {
    String plain = key.replaceAll("\\[\\d+]", "[]");
    return known.stream()
        .filter(candidate -> !candidate.isEmpty())
        .min(
            Comparator.comparingInt(
                    (String candidate) -> distance(plain, candidate.replaceAll("\\[\\d+]", "[]")))
                .thenComparing(Comparator.naturalOrder()))
        .filter(
            candidate ->
                distance(plain, candidate.replaceAll("\\[\\d+]", "[]")) <= MAX_SUGGESTION_DISTANCE)
        .orElse(null);
  }

  /**
   * Levenshtein distance, ignoring case ("httpPort" vs "httpport" is one typo less than it looks).
   */
  static int distance(String a, String b) {
    String x = a.toLowerCase(Locale.ROOT);
    String y = b.toLowerCase(Locale.ROOT);
    int[] previous = new int[y.length() + 1];
    int[] current = new int[y.length() + 1];
    for (int j = 0; j <= y.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= x.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= y.length(); j++) {
        int substitution = previous[j - 1] + (x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[y.length()];
  }
}
