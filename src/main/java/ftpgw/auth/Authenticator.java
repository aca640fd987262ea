package ftpgw.auth;

import ftpgw.config.AuthConfig;
import ftpgw.config.AuthMode;
import ftpgw.config.AuthUser;
import ftpgw.config.GatewayConfig;
import ftpgw.config.Pbkdf2Hash;
import ftpgw.config.Secret;
import ftpgw.transfer.Failure;
import ftpgw.transfer.GatewayException;
import ftpgw.transfer.Owner;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides who sent a request from its {@code Authorization} header, per {@code auth.mode}: the
 * gateway's users (Basic or Bearer, checked against PBKDF2 hashes on a worker thread), the FTP
 * server's (passthrough, a real FTP login) or nobody (none). A failure is answered 401 only after
 * {@code auth.failureDelayMs} (a timer: no thread waits), and an address with too many failures is
 * answered 429 for a while. Shared by every HTTP instance.
 */
public final class Authenticator {
  private static final Logger log = LoggerFactory.getLogger(Authenticator.class);
  private static final int MAX_CACHED = 10_000;

  private record Verified(Caller caller, long expiresAt) {}

  private final Vertx vertx;
  private final AuthConfig config;
  private final LoginCheck ftpLogins;
  private final FailedLogins failures;

  /**
   * Failures per user name: an address with one valid account must not guess another user's secret
   * for ever.
   */
  private final FailedLogins userFailures;

  private final Map<String, Pbkdf2Hash> hashes = new ConcurrentHashMap<>();

  /**
   * Logins verified lately, keyed by an HMAC (with a per-process key) of user and secret: never the
   * secret itself.
   */
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  private final byte[] cacheKey = new byte[32];
  private final UploadSlots slots = new UploadSlots();

  /**
   * A hash no secret matches, as costly as the configured ones (made on a worker when first
   * needed).
   */
  private volatile Pbkdf2Hash decoy;

  /**
   * @param ftpLogins checks passthrough logins against the FTP server; null unless auth.mode is
   *     passthrough
   */
  public Authenticator(Vertx vertx, AuthConfig config, LoginCheck ftpLogins) {
    this.vertx = vertx;
    this.config = config;
    this.ftpLogins = ftpLogins;
    this.failures =
        new FailedLogins("", config.maxFailures(), config.failureWindow(), config.blockFor());
    this.userFailures =
        new FailedLogins("user", config.maxFailures(), config.failureWindow(), config.blockFor());
    new SecureRandom().nextBytes(cacheKey);
    if (config.mode() == AuthMode.PASSTHROUGH && ftpLogins == null) {
      throw new IllegalStateException("auth mode passthrough needs the relay's FTP login check");
    }
  }

  public AuthConfig config() {
    return config;
  }

  /**
   * Off loopback, a user whose password is its own name (such as a demo/demo) is a start-up error,
   * as for the embedded FTP server's users: anyone who reads the docs could log in. One slow hash
   * per user (the first 50), on a worker thread.
   */
  public Future<Void> refuseGuessablePasswords(String host) {
    if (config.mode() != AuthMode.USERS || GatewayConfig.isLoopback(host)) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(
        () -> {
          for (AuthUser user : config.users().stream().limit(50).toList()) {
            if (!user.passwordHash().isEmpty()
                && parsed(user.passwordHash()).matches(user.name())) {
              throw new IllegalStateException(
                  "auth.users["
                      + user.name()
                      + "] has its own name as password and"
                      + " http.host is "
                      + host
                      + ", not loopback. Give it a real password (java -cp gateway-fat.jar"
                      + " ftpgw.auth.HashSecret) or remove it.");
            }
          }
          return null;
        },
        false);
  }

  public UploadSlots uploadSlots() {
    return slots;
  }

  /**
   * The caller behind {@code authorization} (the header's value, may be null) sent from {@code
   * address}; fails with {@link Failure#UNAUTHORIZED} or {@link Failure#LOGIN_BLOCKED}.
   */
  public Future<Caller> authenticate(String address, String authorization) {
    if (config.mode() == AuthMode.NONE) {
      return Future.succeededFuture(Caller.ANONYMOUS);
    }
    HeaderCredentials credentials =
        authorization == null || authorization.isBlank()
            ? null
            : HeaderCredentials.parse(authorization);
    String user = credentials == null ? null : FailedLogins.key(credentials.user());
    long blocked = failures.blockedSeconds(address);
    long userBlocked = userFailures.blockedSeconds(user);
    if (blocked > 0 || userBlocked > 0) {
      long seconds = Math.max(blocked, userBlocked);
      return Future.failedFuture(
          Failure.LOGIN_BLOCKED
              .exception(
                  (blocked > 0
                          ? "too many failed logins from " + address
                          : "too many failed logins as \"" + printable(user) + "\"")
                      + "; try again in "
                      + seconds
                      + " s")
              .withHeader("Retry-After", String.valueOf(seconds)));
    }
    if (authorization == null || authorization.isBlank()) {
      return Future.failedFuture(
          unauthorized(
              "this gateway needs a login: send HTTP Basic credentials"
                  + (config.mode() == AuthMode.USERS
                      ? " or a bearer token"
                      : " (your FTP user name and password)")));
    }
    Future<Caller> checked =
        credentials == null
            ? Future.failedFuture(
                unauthorized("the Authorization header is neither Basic nor Bearer credentials"))
            : check(credentials);
    return checked
        .recover(
            e -> {
              if (!(e instanceof GatewayException g) || g.failure() != Failure.UNAUTHORIZED) {
                return Future.failedFuture(e);
              }
              failures.failed(address);
              userFailures.failed(user);
              log.info(
                  "Failed login{} from {}",
                  credentials == null ? "" : " as \"" + printable(credentials.user()) + "\"",
                  address);
              return later(e);
            })
        .onSuccess(
            caller -> userFailures.succeeded(user)); // only this user's count: not the address's
  }

  private Future<Caller> check(HeaderCredentials credentials) {
    if (config.mode() == AuthMode.PASSTHROUGH) {
      if (credentials.bearer()) {
        return Future.failedFuture(
            unauthorized(
                "bearer tokens are not accepted here: send your FTP login as HTTP" + " Basic"));
      }
      String user = credentials.user();
      return cached(credentials)
          .map(Future::succeededFuture)
          .orElseGet(
              () ->
                  vertx
                      .executeBlocking(
                          () -> ftpLogins.accepts(user, Secret.of(credentials.secret())), false)
                      .compose(
                          ok ->
                              ok
                                  ? Future.succeededFuture(
                                      remember(
                                          credentials, new Caller(new Owner(user, "", true), 0, 0)))
                                  : Future.failedFuture(
                                      unauthorized(
                                          "the FTP server refused the login of \""
                                              + user
                                              + "\""))));
    }
    AuthUser user = config.user(credentials.user());
    Secret hash =
        user == null ? Secret.NONE : credentials.bearer() ? user.tokenHash() : user.passwordHash();
    if (hash.isEmpty()) {
      // as slow as a real check, so that the time taken does not tell which user names exist
      return vertx
          .executeBlocking(() -> decoy().matches(credentials.secret()), false)
          .transform(
              done -> Future.failedFuture(unauthorized("wrong user name, password or token")));
    }
    return cached(credentials)
        .map(Future::succeededFuture)
        .orElseGet(
            () ->
                vertx
                    .executeBlocking(() -> parsed(hash).matches(credentials.secret()), false)
                    .compose(
                        ok ->
                            ok
                                ? Future.succeededFuture(
                                    remember(
                                        credentials,
                                        new Caller(
                                            new Owner(user.name(), user.folder(), false),
                                            user.maxUploadBytes(),
                                            user.maxConcurrentUploads())))
                                : Future.failedFuture(
                                    unauthorized("wrong user name, password or token"))));
  }

  private java.util.Optional<Caller> cached(HeaderCredentials credentials) {
    Verified hit = verified.get(cacheKey(credentials));
    if (hit == null || hit.expiresAt - System.nanoTime() < 0) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(hit.caller);
  }

  private Caller remember(HeaderCredentials credentials, Caller caller) {
    if (config.cacheFor().isZero()) {
      return caller;
    }
    if (verified.size() >= MAX_CACHED) {
      verified.clear();
    }
    verified.put(
        cacheKey(credentials),
        new Verified(caller, System.nanoTime() + config.cacheFor().toNanos()));
    return caller;
  }

  private String cacheKey(HeaderCredentials credentials) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(cacheKey, "HmacSHA256"));
      mac.update((credentials.bearer() ? "bearer\0" : "basic\0").getBytes(StandardCharsets.UTF_8));
      mac.update(
          (credentials.user() + "\0" + credentials.secret()).getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }

  private Pbkdf2Hash decoy() {
    Pbkdf2Hash made = decoy;
    if (made == null) {
      int iterations =
          config.users().stream()
              .map(u -> u.passwordHash().isEmpty() ? u.tokenHash() : u.passwordHash())
              .map(h -> parsed(h).iterations())
              .findFirst()
              .orElse(Pbkdf2Hash.MIN_ITERATIONS);
      made = Pbkdf2Hash.create(java.util.UUID.randomUUID().toString().toCharArray(), iterations);
      decoy = made;
    }
    return made;
  }

  /** A client-chosen name, safe for a log line. */
  private static String printable(String name) {
    String shown = name.length() > 64 ? name.substring(0, 64) + "…" : name;
    return shown.replaceAll("\\p{Cntrl}", "?");
  }

  private Pbkdf2Hash parsed(Secret hash) {
    return hashes.computeIfAbsent(hash.reveal(), Pbkdf2Hash::parse);
  }

  private GatewayException unauthorized(String message) {
    String basic = "Basic realm=\"" + config.realm() + "\", charset=\"UTF-8\"";
    return Failure.UNAUTHORIZED
        .exception(message)
        .withHeader(
            "WWW-Authenticate",
            config.mode() == AuthMode.USERS
                ? basic + ", Bearer realm=\"" + config.realm() + "\""
                : basic);
  }

  /** Fails after the configured delay, on a timer. */
  private <T> Future<T> later(Throwable e) {
    long delay = config.failureDelay().toMillis();
    if (delay == 0) {
      return Future.failedFuture(e);
    }
    Promise<T> promise = Promise.promise();
    vertx.setTimer(delay, t -> promise.fail(e));
    return promise.future();
  }
}
