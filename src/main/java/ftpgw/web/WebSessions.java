package ftpgw.web;

import ftpgw.auth.Caller;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logins made on the web page: each gets a random session id (the cookie) and a CSRF token, kept
 * with its caller in this node's memory, never on disk. A session ends at logout, after {@code
 * idle} without a request, or when the node restarts; behind several edges the page's requests must
 * reach the node that logged it in (or log in again).
 */
public final class WebSessions {
  /** The cookie's name: HttpOnly, SameSite=Strict, Secure under HTTPS. */
  public static final String COOKIE = "ftpgw_session";

  /**
   * The header a cookie-authenticated request that changes something must carry, with the session's
   * token.
   */
  public static final String CSRF_HEADER = "X-CSRF-Token";

  /**
   * A page left alone this long must log in again; every request of an open page (tus PATCHes too)
   * renews it.
   */
  public static final Duration DEFAULT_IDLE = Duration.ofHours(1);

  private static final int MAX_SESSIONS = 10_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One login: who, its CSRF token and when it lapses. */
  public record Session(String id, Caller caller, String csrf, long expiresAtNanos) {
    boolean expired(long now) {
      return expiresAtNanos - now < 0;
    }
  }

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Duration idle;

  public WebSessions(Duration idle) {
    this.idle = idle;
  }

  public Duration idle() {
    return idle;
  }

  /** A new session for {@code caller}; the oldest sessions give way when there are too many. */
  public Session open(Caller caller) {
    long now = System.nanoTime();
    if (sessions.size() >= MAX_SESSIONS) {
      sessions.values().removeIf(s -> s.expired(now));
      sessions.values().stream()
          .sorted(Comparator.comparingLong(Session::expiresAtNanos))
          .limit(Math.max(0, sessions.size() - MAX_SESSIONS + 1))
          .forEach(s -> sessions.remove(s.id()));
    }
    Session session = new Session(randomToken(), caller, randomToken(), now + idle.toNanos());
    sessions.put(session.id(), session);
    return session;
  }

  /** The live session with this id (its idle time starts again), or null. */
  public Session find(String id) {
    if (id == null) {
      return null;
    }
    long now = System.nanoTime();
    Session found = sessions.get(id);
    if (found == null || found.expired(now)) {
      if (found != null) {
        sessions.remove(id, found);
      }
      return null;
    }
    Session renewed = new Session(found.id(), found.caller(), found.csrf(), now + idle.toNanos());
    sessions.replace(id, found, renewed);
    return renewed;
  }

  public void close(String id) {
    if (id != null) {
      sessions.remove(id);
    }
  }

  private static String randomToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
