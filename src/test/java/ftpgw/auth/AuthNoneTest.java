package ftpgw.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ftpgw.GatewayVerticle;
import ftpgw.config.AuthMode;
import ftpgw.config.GatewayConfig;
import ftpgw.config.Pbkdf2Hash;
import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Http;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Auth mode none: anyone may upload, which is only allowed while the listener is reachable from
 * this host alone.
 */
@ExtendWith(VertxExtension.class)
class AuthNoneTest {
  @TempDir Path dir;

  @Test
  void noneIsTheDefaultAndLetsAnyoneUploadOnLoopback(Vertx vertx) throws Exception {
    assertThat(GatewayConfig.fromJson(new JsonObject()).auth().mode()).isEqualTo(AuthMode.NONE);
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    Http http = new Http(gateway.httpPort());

    assertThat(http.put("/files/anyone.bin", "a").statusCode()).isEqualTo(201);
    // credentials are not asked for, and ignored when sent
    assertThat(
            http.put("/files/creds.bin", "b", "Authorization", Http.basic("who", "ever"))
                .statusCode())
        .isEqualTo(201);
    assertThat(Files.readString(gateway.ftpRoot().resolve("anyone.bin"))).isEqualTo("a");
    assertThat(new JsonObject(http.get("/transfers").body()).getInteger("total")).isEqualTo(2);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"0.0.0.0", "::", "192.168.1.10", "gateway.example"})
  void noneIsRefusedOnANonLoopbackBind(String host) {
    JsonObject config = new JsonObject().put("http", new JsonObject().put("host", host));

    assertThatThrownBy(() -> GatewayConfig.fromJson(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("auth.mode is \"none\" but http.host is " + host)
        .hasMessageContaining("127.0.0.1");
    assertThatThrownBy(
            () ->
                GatewayConfig.fromJson(
                    config.copy().put("auth", new JsonObject().put("mode", "none"))))
        .hasMessageContaining("auth.mode is \"none\"");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"})
  void noneIsAcceptedOnLoopback(String host) {
    assertThat(
            GatewayConfig.fromJson(new JsonObject().put("http", new JsonObject().put("host", host)))
                .auth()
                .mode())
        .isEqualTo(AuthMode.NONE);
  }

  @Test
  void aGatewayWithNoneOnANonLoopbackBindDoesNotStart(Vertx vertx) {
    JsonObject config =
        new JsonObject()
            .put("http", new JsonObject().put("host", "0.0.0.0").put("port", 0))
            .put("spool", new JsonObject().put("dir", dir.resolve("spool").toString()))
            .put(
                "ftpServer",
                new JsonObject().put("port", 0).put("root", dir.resolve("ftp").toString()));

    assertThatThrownBy(
            () ->
                vertx
                    .deployVerticle(
                        new GatewayVerticle(), new DeploymentOptions().setConfig(config))
                    .await())
        .hasMessageContaining("auth.mode is \"none\"");
    assertThat(Files.exists(dir.resolve("spool"))).as("nothing was started").isFalse();
  }

  @Test
  void otherModesMayBindAnyAddress() {
    String hash = Pbkdf2Hash.create("pw".toCharArray(), Pbkdf2Hash.MIN_ITERATIONS).encode();
    JsonObject users =
        new JsonObject()
            .put("http", new JsonObject().put("host", "0.0.0.0"))
            .put(
                "auth",
                new JsonObject()
                    .put("mode", "users")
                    .put("allowPlainHttp", true)
                    .put(
                        "users",
                        new JsonArray()
                            .add(new JsonObject().put("name", "u").put("passwordHash", hash))));
    JsonObject passthrough =
        new JsonObject()
            .put("http", new JsonObject().put("host", "0.0.0.0"))
            .put("auth", new JsonObject().put("mode", "passthrough").put("allowPlainHttp", true));

    assertThat(GatewayConfig.fromJson(users).auth().user("u").folder()).isEqualTo("u");
    assertThat(GatewayConfig.fromJson(passthrough).auth().mode()).isEqualTo(AuthMode.PASSTHROUGH);
  }

  @Test
  void aUserWhosePasswordIsItsNameIsRefusedOffLoopback(Vertx vertx) {
    String demoHash = Pbkdf2Hash.create("demo".toCharArray(), Pbkdf2Hash.MIN_ITERATIONS).encode();
    JsonObject config =
        new JsonObject()
            .put("http", new JsonObject().put("host", "0.0.0.0").put("port", 0))
            .put(
                "auth",
                new JsonObject()
                    .put("mode", "users")
                    .put("allowPlainHttp", true)
                    .put(
                        "users",
                        new JsonArray()
                            .add(
                                new JsonObject()
                                    .put("name", "demo")
                                    .put("passwordHash", demoHash))))
            .put("spool", new JsonObject().put("dir", dir.resolve("spool").toString()))
            .put(
                "ftpServer",
                new JsonObject().put("port", 0).put("root", dir.resolve("ftp").toString()));

    assertThatThrownBy(
            () ->
                vertx
                    .deployVerticle(
                        new GatewayVerticle(), new DeploymentOptions().setConfig(config))
                    .await())
        .hasMessageContaining("auth.users[demo] has its own name as password");
  }

  @Test
  void badAuthSettingsNameTheirKey() {
    assertThatThrownBy(
            () ->
                GatewayConfig.fromJson(
                    new JsonObject().put("auth", new JsonObject().put("mode", "open"))))
        .hasMessageContaining("auth.mode must be");
    assertThatThrownBy(
            () ->
                GatewayConfig.fromJson(
                    new JsonObject().put("auth", new JsonObject().put("mode", "users"))))
        .hasMessageContaining("auth.users is empty");
    assertThatThrownBy(
            () ->
                GatewayConfig.fromJson(
                    new JsonObject()
                        .put(
                            "auth",
                            new JsonObject()
                                .put("mode", "users")
                                .put(
                                    "users",
                                    new JsonArray()
                                        .add(
                                            new JsonObject()
                                                .put("name", "u")
                                                .put("passwordHash", "secret"))))))
        .hasMessageContaining("auth.users[u].passwordHash is not a hash")
        .hasMessageNotContaining("secret\"");
    assertThatThrownBy(
            () ->
                GatewayConfig.fromJson(
                    new JsonObject()
                        .put(
                            "auth",
                            new JsonObject()
                                .put("mode", "users")
                                .put(
                                    "users",
                                    new JsonArray()
                                        .add(
                                            new JsonObject()
                                                .put("name", "u")
                                                .put("passwordHashEnv", "FTPGW_NO_SUCH_VAR"))))))
        .hasMessageContaining("FTPGW_NO_SUCH_VAR");
    String hash = Pbkdf2Hash.create("pw".toCharArray(), Pbkdf2Hash.MIN_ITERATIONS).encode();
    assertThatThrownBy(
            () ->
                GatewayConfig.fromJson(
                    new JsonObject()
                        .put(
                            "auth",
                            new JsonObject()
                                .put("mode", "users")
                                .put(
                                    "users",
                                    new JsonArray()
                                        .add(
                                            new JsonObject()
                                                .put("name", "u")
                                                .put("passwordHash", hash)
                                                .put("folder", "../up"))))))
        .hasMessageContaining("auth.users[u].folder");
    assertThatThrownBy(
            () ->
                GatewayConfig.fromJson(
                    new JsonObject()
                        .put("roles", new JsonArray().add("http"))
                        .put("auth", new JsonObject().put("mode", "passthrough"))))
        .hasMessageContaining("passthrough\" needs the \"relay\" role");
    assertThatThrownBy(
            () ->
                GatewayConfig.fromJson(
                    new JsonObject()
                        .put("roles", new JsonArray().add("ftp"))
                        .put("auth", new JsonObject().put("mode", "passthrough"))))
        .hasMessageContaining("passthrough\" needs the \"relay\" role");
  }

  @Test
  void aHashFileIsReadAndNeverPrinted() throws Exception {
    String hash = Pbkdf2Hash.create("pw".toCharArray(), Pbkdf2Hash.MIN_ITERATIONS).encode();
    Path file = Files.writeString(dir.resolve("u.hash"), hash + "\n");
    GatewayConfig config =
        GatewayConfig.fromJson(
            new JsonObject()
                .put(
                    "auth",
                    new JsonObject()
                        .put("mode", "users")
                        .put(
                            "users",
                            new JsonArray()
                                .add(
                                    new JsonObject()
                                        .put("name", "u")
                                        .put("passwordHashFile", file.toString())))));

    assertThat(Pbkdf2Hash.parse(config.auth().user("u").passwordHash().reveal()).matches("pw"))
        .isTrue();
    assertThat(config.toString()).doesNotContain(hash);
  }
}
