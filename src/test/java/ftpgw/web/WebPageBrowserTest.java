package ftpgw.web;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.config.Pbkdf2Hash;
import ftpgw.testing.Browser;
import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Http;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The web page in a real Chromium, in {@code users} mode: what a person who opens it sees and can
 * do.
 */
@ExtendWith(VertxExtension.class)
class WebPageBrowserTest {
  private static final String ALICE_PASSWORD = "alice-Pa55-" + System.nanoTime();
  private static final String BOB_PASSWORD = "bob-Pa55-" + System.nanoTime();

  @TempDir Path dir;
  private GatewayUnderTest gateway;
  private Browser browser;

  @BeforeEach
  void startGatewayAndBrowser(Vertx vertx) {
    gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject()
                .put(
                    "bridges",
                    new JsonObject().put("sockjs", new JsonObject().put("enabled", true)))
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
                                            Pbkdf2Hash.create(ALICE_PASSWORD.toCharArray(), 1000)
                                                .encode()))
                                .add(
                                    new JsonObject()
                                        .put("name", "bob")
                                        .put(
                                            "passwordHash",
                                            Pbkdf2Hash.create(BOB_PASSWORD.toCharArray(), 1000)
                                                .encode())))));
    browser = Browser.start(dir.resolve("downloads"));
  }

  @AfterEach
  void screenshotAndClose(TestInfo test) {
    try {
      browser.screenshot("WebPageBrowserTest-" + test.getTestMethod().orElseThrow().getName());
    } finally {
      browser.close();
    }
  }

  @Test
  void aWrongPasswordKeepsTheFormAndLogoutBringsItBack() {
    browser.open(gateway.url("/"));
    browser.waitFor(20, ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
    assertThat(browser.find("#app-view").isDisplayed()).isFalse();

    logIn("alice", "not-her-password");
    browser.waitFor(20, ExpectedConditions.visibilityOfElementLocated(By.id("error")));
    assertThat(browser.find("#error").getText()).contains("UNAUTHORIZED");
    assertThat(browser.find("#login-form").isDisplayed()).isTrue();

    logIn("alice", ALICE_PASSWORD);
    browser.waitFor(20, ExpectedConditions.visibilityOfElementLocated(By.id("app-view")));
    assertThat(browser.find("#who-name").getText()).isEqualTo("alice");
    assertThat(browser.script("return document.cookie"))
        .as("the session cookie is HttpOnly")
        .isEqualTo("");

    browser.find("#logout").click();
    browser.waitFor(20, ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
    assertThat(browser.find("#app-view").isDisplayed()).isFalse();
    browser.open(gateway.url("/"));
    browser.waitFor(20, ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
  }

  @Test
  void aUserSeesOnlyItsOwnFilesAndTransfers() throws Exception {
    Http http = new Http(gateway.httpPort());
    assertThat(
            http.put(
                    "/files/alice-report.txt",
                    "alice's",
                    "Authorization",
                    Http.basic("alice", ALICE_PASSWORD))
                .statusCode())
        .isEqualTo(201);
    assertThat(
            http.put(
                    "/files/bob-secret.txt",
                    "bob's",
                    "Authorization",
                    Http.basic("bob", BOB_PASSWORD))
                .statusCode())
        .isEqualTo(201);

    browser.open(gateway.url("/"));
    browser.waitFor(20, ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
    logIn("alice", ALICE_PASSWORD);
    browser.waitFor(20, d -> browser.find("#files").getText().contains("alice-report.txt"));
    browser.waitFor(20, d -> browser.find("#transfers").getText().contains("alice-report.txt"));

    assertThat(
            http.put(
                    "/files/bob-later.txt",
                    "bob's too",
                    "Authorization",
                    Http.basic("bob", BOB_PASSWORD))
                .statusCode())
        .isEqualTo(201);
    assertThat(
            http.put(
                    "/files/alice-later.txt",
                    "alice's too",
                    "Authorization",
                    Http.basic("alice", ALICE_PASSWORD))
                .statusCode())
        .isEqualTo(201);
    browser.waitFor(20, d -> browser.find("#transfers").getText().contains("alice-later.txt"));

    assertThat(browser.find("#files").getText()).doesNotContain("bob");
    assertThat(browser.find("#transfers").getText()).doesNotContain("bob");
  }

  private void logIn(String user, String password) {
    browser.find("#login-user").clear();
    browser.find("#login-user").sendKeys(user);
    browser.find("#login-password").clear();
    browser.find("#login-password").sendKeys(password);
    browser.find("#login-submit").click();
  }
}
