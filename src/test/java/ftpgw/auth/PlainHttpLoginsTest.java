package ftpgw.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ftpgw.GatewayVerticle;
import ftpgw.config.GatewayConfig;
import ftpgw.config.Pbkdf2Hash;
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
 * Logins (users, passthrough) over plain HTTP off loopback are refused at start-up unless
 * auth.allowPlainHttp.
 */
@ExtendWith(VertxExtension.class)
class PlainHttpLoginsTest {
  private static final String HASH =
      Pbkdf2Hash.create("pw".toCharArray(), Pbkdf2Hash.MIN_ITERATIONS).encode();

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"users", "passthrough"})
  void loginsOverPlainHttpOffLoopbackAreRefused(String mode) {
    assertThatThrownBy(() -> GatewayConfig.fromJson(config(mode, "0.0.0.0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("auth.mode is \"" + mode + "\" over plain HTTP on 0.0.0.0")
        .hasMessageContaining("http.tls")
        .hasMessageContaining("auth.allowPlainHttp")
        .hasMessageNotContaining(HASH);
    assertThatThrownBy(() -> GatewayConfig.fromJson(config(mode, "192.168.1.10")))
        .hasMessageContaining("over plain HTTP on 192.168.1.10");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"users", "passthrough"})
  void allowPlainHttpHttpsOrLoopbackLetItStart(String mode) {
    JsonObject allowed = config(mode, "0.0.0.0");
    allowed.getJsonObject("auth").put("allowPlainHttp", true);
    assertThat(GatewayConfig.fromJson(allowed).auth().allowPlainHttp()).isTrue();

    JsonObject https = config(mode, "0.0.0.0");
    https
        .getJsonObject("http")
        .put("tls", new JsonObject().put("keyPath", "k.pem").put("certPath", "c.pem"));
    assertThat(GatewayConfig.fromJson(https).http().tls()).isNotNull();

    assertThat(GatewayConfig.fromJson(config(mode, "127.0.0.1")).auth().allowPlainHttp()).isFalse();
  }

  @Test
  void aGatewayWithUsersOverPlainHttpOffLoopbackDoesNotStart(Vertx vertx) {
    JsonObject config = config("users", "0.0.0.0");
    config.getJsonObject("http").put("port", 0);
    config
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
        .hasMessageContaining("over plain HTTP on 0.0.0.0");
    assertThat(Files.exists(dir.resolve("spool"))).as("nothing was started").isFalse();
  }

  private static JsonObject config(String mode, String host) {
    JsonObject auth = new JsonObject().put("mode", mode);
    if (mode.equals("users")) {
      auth.put(
          "users",
          new JsonArray().add(new JsonObject().put("name", "u").put("passwordHash", HASH)));
    }
    return new JsonObject().put("http", new JsonObject().put("host", host)).put("auth", auth);
  }
}
