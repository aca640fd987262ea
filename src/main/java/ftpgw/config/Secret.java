package ftpgw.config;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A password or token that never prints itself. It comes from the config value {@code <key>}, from
 * the environment variable named by {@code <key>Env}, or from the file named by {@code <key>File}
 * (first line).
 */
public final class Secret {
  public static final Secret NONE = new Secret("");

  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  public static Secret of(String value) {
    return new Secret(value == null ? "" : value);
  }

  /**
   * Reads {@code key}, {@code keyEnv} or {@code keyFile} from {@code json}; {@code where} names the
   * section in errors.
   */
  static Secret fromJson(JsonObject json, String key, String where) {
    String env = json.getString(key + "Env");
    if (env != null) {
      String value = System.getenv(env);
      if (value == null) {
        throw new IllegalArgumentException(
            where + "." + key + "Env names the environment variable " + env + ", which is not set");
      }
      return new Secret(value);
    }
    String file = json.getString(key + "File");
    if (file != null) {
      try {
        return new Secret(
            Files.readString(Path.of(file), StandardCharsets.UTF_8).lines().findFirst().orElse(""));
      } catch (IOException e) {
        throw new IllegalArgumentException(
            where + "." + key + "File cannot be read: " + file + " (" + e.getMessage() + ")");
      }
    }
    return of(json.getString(key));
  }

  /** The clear value, for the one call that needs it (a login). */
  public String reveal() {
    return value;
  }

  public boolean isEmpty() {
    return value.isEmpty();
  }

  @Override
  public String toString() {
    return value.isEmpty() ? "(none)" : "(secret)";
  }
}
