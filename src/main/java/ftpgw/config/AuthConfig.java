package ftpgw.config;

import static ftpgw.config.ConfigReader.require;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Who may use the HTTP listener, and how failed logins are slowed down and blocked.
 *
 * @param mode users, passthrough or none (see {@link AuthMode})
 * @param users the gateway's own users (mode users)
 * @param realm the realm named in {@code WWW-Authenticate}
 * @param failureDelay a failed login is answered 401 only after this long (slows guessing; a timer,
 *     not a sleep)
 * @param maxFailures failed logins from one address within {@code failureWindow} that get it
 *     blocked
 * @param failureWindow the window those failures are counted in
 * @param blockFor how long a blocked address is answered 429
 * @param protectOps whether {@code /health}, {@code /ready} and {@code /metrics} need a login too
 * @param cacheFor a verified login is remembered (as a keyed digest, in memory) this long: no slow
 *     hash or FTP login per request
 * @param allowPlainHttp whether users/passthrough logins may travel over plain HTTP on a
 *     non-loopback {@code http.host}: only for a network below that is trusted or already encrypted
 *     (a TLS terminating proxy, a service mesh, a private link); otherwise start-up refuses it
 */
public record AuthConfig(
    AuthMode mode,
    List<AuthUser> users,
    String realm,
    Duration failureDelay,
    int maxFailures,
    Duration failureWindow,
    Duration blockFor,
    boolean protectOps,
    Duration cacheFor,
    boolean allowPlainHttp) {
  public static final AuthConfig DEFAULTS =
      new AuthConfig(
          AuthMode.NONE,
          List.of(),
          "ftpgw",
          Duration.ofMillis(300),
          10,
          Duration.ofSeconds(60),
          Duration.ofMinutes(5),
          false,
          Duration.ofMinutes(5),
          false);

  public AuthConfig {
    users = List.copyOf(users);
    require(
        realm != null && !realm.isBlank() && !realm.contains("\""),
        "auth.realm must be non-empty, without '\"'");
    require(
        !failureDelay.isNegative() && failureDelay.toMillis() <= 10_000,
        "auth.failureDelayMs must be 0..10000");
    require(maxFailures >= 1, "auth.maxFailures must be >= 1, got " + maxFailures);
    require(failureWindow.toMillis() > 0, "auth.failureWindowMs must be > 0");
    require(blockFor.toMillis() > 0, "auth.blockMs must be > 0");
    require(!cacheFor.isNegative(), "auth.cacheMs must be >= 0");
    require(
        mode != AuthMode.USERS || !users.isEmpty(),
        "auth.mode is \"users\" but auth.users is empty");
    Set<String> names = new HashSet<>();
    for (AuthUser user : users) {
      require(names.add(user.name()), "auth.users lists \"" + user.name() + "\" twice");
    }
  }

  /** The user named {@code name}, or null. */
  public AuthUser user(String name) {
    return users.stream().filter(u -> u.name().equals(name)).findFirst().orElse(null);
  }

  static AuthConfig fromJson(ConfigReader json) {
    return new AuthConfig(
        AuthMode.fromApiName(json.string("mode", DEFAULTS.mode.apiName())),
        users(json),
        json.string("realm", DEFAULTS.realm),
        json.millis("failureDelayMs", DEFAULTS.failureDelay),
        json.integer("maxFailures", DEFAULTS.maxFailures),
        json.millis("failureWindowMs", DEFAULTS.failureWindow),
        json.millis("blockMs", DEFAULTS.blockFor),
        json.bool("protectOps", DEFAULTS.protectOps),
        json.millis("cacheMs", DEFAULTS.cacheFor),
        json.bool("allowPlainHttp", DEFAULTS.allowPlainHttp));
  }

  private static List<AuthUser> users(ConfigReader json) {
    Object value = json.value("users");
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      throw new IllegalArgumentException("auth.users must be a list of users, got " + value);
    }
    List<AuthUser> users = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject user)) {
        throw new IllegalArgumentException("auth.users[" + i + "] must be a JSON object");
      }
      users.add(AuthUser.fromJson(new ConfigReader(user, "auth.users[" + i + "]")));
    }
    return users;
  }
}
