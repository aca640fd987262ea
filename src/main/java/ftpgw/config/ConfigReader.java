package ftpgw.config;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

/** Typed reads of one config section that name the full key when a value has the wrong type. */
record ConfigReader(JsonObject json, String where) {

  static ConfigReader section(JsonObject parent, String key, String where) {
    KeysRead.note("", where);
    Object value = parent.getValue(key);
    if (value == null) {
      return new ConfigReader(new JsonObject(), where);
    }
    if (!(value instanceof JsonObject object)) {
      throw new IllegalArgumentException(where + " must be a JSON object, got " + value);
    }
    return new ConfigReader(object, where);
  }

  ConfigReader section(String key) {
    return section(json, key, where + "." + key);
  }

  /** The raw value under {@code key} (a list, say), noted as read. */
  Object value(String key) {
    KeysRead.note(where, key);
    return json.getValue(key);
  }

  boolean has(String key) {
    return json.containsKey(key);
  }

  String string(String key, String fallback) {
    KeysRead.note(where, key);
    Object value = json.getValue(key, fallback);
    if (value != null && !(value instanceof String)) {
      throw new IllegalArgumentException(where + "." + key + " must be a string, got " + value);
    }
    return (String) value;
  }

  int integer(String key, int fallback) {
    return (int) number(key, fallback);
  }

  long number(String key, long fallback) {
    KeysRead.note(where, key);
    Object value = json.getValue(key, fallback);
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new IllegalArgumentException(
          where + "." + key + " must be a whole number, got " + value);
    }
    return n.longValue();
  }

  /** A duration given in milliseconds under {@code key}. */
  Duration millis(String key, Duration fallback) {
    return Duration.ofMillis(number(key, fallback.toMillis()));
  }

  boolean bool(String key, boolean fallback) {
    KeysRead.note(where, key);
    Object value = json.getValue(key, fallback);
    if (!(value instanceof Boolean b)) {
      throw new IllegalArgumentException(
          where + "." + key + " must be true or false, got " + value);
    }
    return b;
  }

  Secret secret(String key) {
    for (String variant : new String[] {key, key + "Env", key + "File"}) {
      KeysRead.note(where, variant);
    }
    return Secret.fromJson(json, key, where);
  }

  static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
