package ftpgw.http;

import ftpgw.auth.Authenticator;
import ftpgw.auth.Caller;
import ftpgw.transfer.Failure;
import ftpgw.web.WebSessions;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

/**
 * The router's side of authentication: every route after {@link #authenticate} knows its {@link
 * Caller}, found before a byte of the body is read; uploads also take one of their user's upload
 * slots for as long as they run.
 */
final class AuthRoutes {
  /**
   * Routing-context key of the error of a connection lost while its upload waited (set by the first
   * route, since a paused request reports it once and at once).
   */
  static final String BROKEN_OFF = "brokenOff";

  private static final String CALLER = "caller";

  /**
   * Methods that only read: a cookie is enough for them, the others need the session's CSRF token
   * too.
   */
  private static final Set<HttpMethod> READ_ONLY =
      Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.PROPFIND);

  /**
   * The SockJS bridge's own transports post frames that no page script can add a header to;
   * SameSite=Strict keeps another site's requests from carrying the cookie there, as everywhere.
   */
  private static final String EVENT_BUS_PREFIX = "/eventbus/";

  private final Authenticator auth;
  private final WebSessions sessions;

  /** For a listener without the web page: no session cookie lets anyone in. */
  AuthRoutes(Authenticator auth) {
    this(auth, new WebSessions(WebSessions.DEFAULT_IDLE));
  }

  AuthRoutes(Authenticator auth, WebSessions sessions) {
    this.auth = auth;
    this.sessions = sessions;
  }

  void authenticate(RoutingContext ctx) {
    if (ctx.request().getHeader(HttpHeaders.AUTHORIZATION) == null && loggedInOnThePage(ctx)) {
      return;
    }
    String address =
        ctx.request().remoteAddress() == null
            ? "unknown"
            : ctx.request().remoteAddress().hostAddress();
    auth.authenticate(address, ctx.request().getHeader(HttpHeaders.AUTHORIZATION))
        .onSuccess(
            caller -> {
              ctx.put(CALLER, caller);
              ctx.next();
            })
        .onFailure(ctx::fail);
  }

  /**
   * A request with the web page's session cookie: let in as its session's caller, or refused
   * without its token.
   */
  private boolean loggedInOnThePage(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(WebSessions.COOKIE);
    WebSessions.Session session = cookie == null ? null : sessions.find(cookie.getValue());
    if (session == null) {
      return false;
    }
    String token = ctx.request().getHeader(WebSessions.CSRF_HEADER);
    if (!READ_ONLY.contains(ctx.request().method())
        && !ctx.request().path().startsWith(EVENT_BUS_PREFIX)
        && (token == null
            || !MessageDigest.isEqual(
                token.getBytes(StandardCharsets.UTF_8),
                session.csrf().getBytes(StandardCharsets.UTF_8)))) {
      ctx.fail(
          Failure.CSRF_TOKEN_MISSING.exception(
              "a request that changes something needs the page's "
                  + WebSessions.CSRF_HEADER
                  + " header; reload the page"));
      return true;
    }
    ctx.put(CALLER, session.caller());
    ctx.next();
    return true;
  }

  /**
   * Refuses (429) an upload of a user that has its most uploads in progress; the slot is freed when
   * it ends.
   */
  void claimUploadSlot(RoutingContext ctx) {
    Throwable broken = ctx.get(BROKEN_OFF);
    if (broken != null) { // while authentication ran: nothing to receive, no slot to take
      throw Failure.CLIENT_ABORTED.exception(
          "the upload broke off before it started: " + broken.getMessage());
    }
    Caller caller = caller(ctx);
    if (!auth.uploadSlots().tryAcquire(caller)) {
      throw Failure.TOO_MANY_UPLOADS
          .exception(
              "user \""
                  + caller.name()
                  + "\" already has "
                  + caller.maxConcurrentUploads()
                  + " upload(s) in progress; retry once one has finished")
          .withHeader("Retry-After", "1");
    }
    try {
      ctx.addEndHandler(done -> auth.uploadSlots().release(caller));
    } catch (
        IllegalStateException closed) { // the response is closed: the connection is gone already
      auth.uploadSlots().release(caller);
      throw Failure.CLIENT_ABORTED.exception(
          "the upload broke off before it started: " + closed.getMessage());
    }
    ctx.next();
  }

  /** The request's caller ({@link Caller#ANONYMOUS} when the gateway has no authentication). */
  static Caller caller(RoutingContext ctx) {
    Caller caller = ctx.get(CALLER);
    return caller == null ? Caller.ANONYMOUS : caller;
  }
}
