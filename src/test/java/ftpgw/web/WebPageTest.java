package ftpgw.web;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.config.Pbkdf2Hash;
import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Http;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page and its login over plain HTTP: what a browser is sent, and what a cookie alone may and
 * may not do.
 */
@ExtendWith(VertxExtension.class)
class WebPageTest {
  private static final String PASSWORD = "alice-Pa55-" + System.nanoTime();
  private static final String JSON = "application/json";

  @TempDir Path dir;
  private GatewayUnderTest gateway;
  private Http http;

  @BeforeEach
  void startGateway(Vertx vertx) {
    gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject()
                .put(
                    "auth",
                    new JsonObject()
                        .put("mode", "users")
                        .put("failureDelayMs", 0)
                        .put(
                            "users",
                            new JsonArray()
                                .add(
                                    new JsonObject()
                                        .put("name", "alice")
                                        .put(
                                            "passwordHash",
                                            Pbkdf2Hash.create(PASSWORD.toCharArray(), 1000)
                                                .encode())))));
    http = new Http(gateway.httpPort());
  }

  @AfterEach
  void nothingStrayRemains() throws Exception {
    assertThat(gateway.strayFilesAfterAMoment()).isEmpty();
  }

  @Test
  void thePageLoadsWithoutALoginUnderAStrictContentSecurityPolicy() throws Exception {
    HttpResponse<String> page = http.get("/");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(
            csp ->
                assertThat(csp)
                    .contains("script-src 'self';")
                    .contains("frame-ancestors 'none'")
                    .doesNotContain("unsafe"));
    assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");
    assertThat(page.body())
        .contains("/ui/app.js")
        .doesNotContain("http://")
        .doesNotContain("https://")
        .doesNotContain("<script>");

    for (String asset :
        new String[] {
          "/ui/app.js",
          "/ui/app.css",
          "/ui/vendor/uppy.min.js",
          "/ui/vendor/sockjs.min.js",
          "/ui/vendor/THIRD-PARTY-LICENSES.txt"
        }) {
      HttpResponse<String> served = http.get(asset);
      assertThat(served.statusCode()).as(asset).isEqualTo(200);
      assertThat(served.headers().firstValue("Cache-Control"))
          .as(asset)
          .hasValueSatisfying(c -> assertThat(c).contains("max-age="));
    }
    assertThat(http.get("/ui/").statusCode()).as("no folder listing").isNotEqualTo(200);
  }

  @Test
  void aLoginGivesAStrictHttpOnlyCookieThatNeedsItsCsrfTokenToChangeAnything() throws Exception {
    assertThat(http.get("/session").statusCode()).isEqualTo(401);
    HttpResponse<String> wrong =
        http.post(
            "/login",
            new JsonObject().put("user", "alice").put("password", "nope").encode(),
            "Content-Type",
            JSON,
            "X-Requested-With",
            "ftpgw-page");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(wrong.body()).getString("error")).isEqualTo("UNAUTHORIZED");
    assertThat(wrong.headers().firstValue("WWW-Authenticate"))
        .as("no browser dialog over the page's form")
        .isEmpty();
    HttpResponse<String> asForm =
        http.post(
            "/login",
            "user=alice&password=" + PASSWORD,
            "Content-Type",
            "application/x-www-form-urlencoded");
    assertThat(asForm.statusCode()).as("a cross-site form cannot log in").isEqualTo(415);

    HttpResponse<String> login =
        http.post(
            "/login",
            new JsonObject().put("user", "alice").put("password", PASSWORD).encode(),
            "Content-Type",
            JSON);

    assertThat(login.statusCode()).isEqualTo(200);
    String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie)
        .startsWith(WebSessions.COOKIE + "=")
        .containsIgnoringCase("HttpOnly")
        .contains("SameSite=Strict")
        .contains("Path=/")
        .doesNotContain("Secure");
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    String csrf = new JsonObject(login.body()).getString("csrf");
    assertThat(new JsonObject(login.body()).getString("user")).isEqualTo("alice");
    assertThat(new JsonObject(http.get("/session", "Cookie", cookie).body()).getString("csrf"))
        .isEqualTo(csrf);

    assertThat(http.get("/transfers", "Cookie", cookie).statusCode())
        .as("reading needs the cookie only")
        .isEqualTo(200);
    HttpResponse<String> forged = http.put("/files/forged.txt", "x", "Cookie", cookie);
    assertThat(forged.statusCode()).as("a write without the token").isEqualTo(403);
    assertThat(new JsonObject(forged.body()).getString("error")).isEqualTo("CSRF_TOKEN_MISSING");
    assertThat(
            http.put("/files/forged.txt", "x", "Cookie", cookie, WebSessions.CSRF_HEADER, "wrong")
                .statusCode())
        .isEqualTo(403);
    assertThat(gateway.ftpRoot().resolve("alice/forged.txt")).doesNotExist();

    HttpResponse<String> written =
        http.put(
            "/files/page.txt", "from the page", "Cookie", cookie, WebSessions.CSRF_HEADER, csrf);
    assertThat(written.statusCode()).isEqualTo(201);
    assertThat(gateway.ftpRoot().resolve("alice/page.txt")).hasContent("from the page");

    HttpResponse<String> logout =
        http.post("/logout", "", "Cookie", cookie, WebSessions.CSRF_HEADER, csrf);
    assertThat(logout.statusCode()).isEqualTo(204);
    assertThat(logout.headers().firstValue("Set-Cookie"))
        .hasValueSatisfying(c -> assertThat(c).contains("Max-Age=0"));
    assertThat(http.get("/transfers", "Cookie", cookie).statusCode())
        .as("the session is gone")
        .isEqualTo(401);
  }
}
