package ftpgw.web;

import ftpgw.auth.Authenticator;
import ftpgw.auth.Caller;
import ftpgw.config.AuthMode;
import ftpgw.transfer.Failure;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The web page: {@code GET /} serves it from the jar, {@code /ui/*} its scripts, styles and
 * vendored libraries, and {@code /session}, {@code /login}, {@code /logout} let it log in with a
 * session cookie. These are the only paths the page adds; everything else it does goes through the
 * API ({@code /files/}, {@code /tus/}, {@code /transfers}, {@code /eventbus}) with the same checks
 * as any client.
 */
public final class WebPageRoutes {
  /**
   * Scripts and styles only from the gateway itself, nothing inline, no frames, no plugins: a file
   * name shown on the page can never run as code. Uppy sets element styles through the DOM and
   * shows thumbnails from blob URLs.
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self';"
          + " img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none';"
          + " form-action 'self'; frame-ancestors 'none'";

  /**
   * The assets change only with the jar; the page itself is checked on every load so a new jar
   * shows at once.
   */
  private static final long ASSET_MAX_AGE_SECONDS = 3600;

  private static final int MAX_LOGIN_BODY = 4096;

  private final Authenticator auth;
  private final WebSessions sessions;
  private final boolean secureCookies;

  public WebPageRoutes(Authenticator auth, WebSessions sessions, boolean secureCookies) {
    this.auth = auth;
    this.sessions = sessions;
    this.secureCookies = secureCookies;
  }

  /** Routes that need no login: the page must load to show its login form. */
  public void mount(Router router) {
    router.route("/").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(this::page);
    router.get("/index.html").handler(ctx -> ctx.redirect("/"));
    router
        .route("/ui/*")
        .handler(
            ctx -> {
              ctx.response().putHeader("X-Content-Type-Options", "nosniff");
              ctx.next();
            })
        .handler(
            StaticHandler.create("webroot/ui")
                .setCachingEnabled(true)
                .setMaxAgeSeconds(ASSET_MAX_AGE_SECONDS)
                .setDirectoryListing(false)
                .setIncludeHidden(false));
    router.get("/session").handler(this::session);
    router
        .post("/login")
        .handler(BodyHandler.create(false).setBodyLimit(MAX_LOGIN_BODY))
        .handler(this::login);
    router.post("/logout").handler(this::logout);
  }

  private void page(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "same-origin")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .sendFile("webroot/index.html");
  }

  /**
   * Who the page is logged in as: {@code {mode, user, csrf}}; 401 in a mode with logins and no live
   * session.
   */
  private void session(RoutingContext ctx) {
    AuthMode mode = auth.config().mode();
    if (mode == AuthMode.NONE) {
      ctx.json(new JsonObject().put("mode", mode.apiName()).putNull("user").putNull("csrf"));
      return;
    }
    WebSessions.Session session = sessions.find(cookie(ctx));
    if (session == null) {
      ctx.fail(Failure.UNAUTHORIZED.exception("log in with your user name and password"));
      return;
    }
    ctx.json(describe(session));
  }

  /**
   * {@code {"user": …, "password": …}} as JSON: a cross-site form cannot send that without the
   * browser asking.
   */
  private void login(RoutingContext ctx) {
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw Failure.UNSUPPORTED_MEDIA_TYPE.exception(
          "send the login as application/json: {\"user\", \"password\"}");
    }
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw Failure.BAD_REQUEST.exception(
          "the login is not a JSON object: {\"user\", \"password\"}");
    }
    String user = body == null ? null : body.getValue("user") instanceof String s ? s : null;
    String password =
        body == null ? null : body.getValue("password") instanceof String s ? s : null;
    if (user == null || password == null || user.isEmpty() || user.contains(":")) {
      throw Failure.BAD_REQUEST.exception(
          "the login needs a \"user\" (without ':') and a \"password\"");
    }
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    auth.authenticate(address(ctx), basic)
        .onSuccess(
            caller -> {
              sessions.close(cookie(ctx));
              WebSessions.Session session = sessions.open(caller);
              ctx.response().addCookie(cookie(session.id(), sessions.idle().toSeconds()));
              ctx.json(describe(session));
            })
        .onFailure(ctx::fail);
  }

  private void logout(RoutingContext ctx) {
    sessions.close(cookie(ctx));
    ctx.response().addCookie(cookie("", 0)).setStatusCode(204).end();
  }

  private JsonObject describe(WebSessions.Session session) {
    Caller caller = session.caller();
    return new JsonObject()
        .put("mode", auth.config().mode().apiName())
        .put("user", caller.name())
        .put("csrf", session.csrf());
  }

  private Cookie cookie(String value, long maxAgeSeconds) {
    return Cookie.cookie(WebSessions.COOKIE, value)
        .setPath("/")
        .setHttpOnly(true)
        .setSameSite(CookieSameSite.STRICT)
        .setSecure(secureCookies)
        .setMaxAge(maxAgeSeconds);
  }

  static String cookie(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(WebSessions.COOKIE);
    return cookie == null ? null : cookie.getValue();
  }

  private static String address(RoutingContext ctx) {
    return ctx.request().remoteAddress() == null
        ? "unknown"
        : ctx.request().remoteAddress().hostAddress();
  }
}
