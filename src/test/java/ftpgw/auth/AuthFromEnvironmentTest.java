package ftpgw.auth;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.GatewayLauncher;
import ftpgw.GatewayVerticle;
import ftpgw.config.Pbkdf2Hash;
import ftpgw.testing.FreePorts;
import ftpgw.testing.GatewayProcess;
import ftpgw.testing.Http;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway as an operator starts it (a JVM with -conf): user hashes from environment variables,
 * and auth mode none on a public address refused before anything starts. Its whole output is
 * scanned for the secrets.
 */
class AuthFromEnvironmentTest {
  @TempDir Path dir;

  @Test
  void aUserHashFromAnEnvironmentVariableLetsItsUserInAndNothingLogsTheSecrets() throws Exception {
    String password = "env-pw-" + System.nanoTime();
    String hash = Pbkdf2Hash.create(password.toCharArray(), 1000).encode();
    int port = FreePorts.one();
    JsonObject conf =
        new JsonObject(
            """
        {"http": {"port": %d}, "spool": {"dir": "%s"},
         "ftpServer": {"port": 0, "root": "%s", "passivePorts": "%s"},
         "auth": {"mode": "users", "failureDelayMs": 0,
                  "users": [{"name": "frank", "passwordHashEnv": "FTPGW_TEST_FRANK_HASH", "folder": "f"}]}}"""
                .formatted(port, dir.resolve("spool"), dir.resolve("ftp"), FreePorts.range(10)));
    GatewayProcess gateway =
        GatewayProcess.startWithEnvironment(
            conf, dir.resolve("gateway.json"), Map.of("FTPGW_TEST_FRANK_HASH", hash));
    try {
      Http http = new Http(port);

      assertThat(
              http.put("/files/e.txt", "env", "Authorization", Http.basic("frank", password))
                  .statusCode())
          .isEqualTo(201);
      assertThat(
              http.put("/files/e.txt", "env", "Authorization", Http.basic("frank", "nope"))
                  .statusCode())
          .isEqualTo(401);
      assertThat(dir.resolve("ftp/f/e.txt")).hasContent("env");
      gateway.terminate(); // SIGTERM: the JVM must stop (it throws otherwise)
    } finally {
      gateway.close();
    }
    Thread.sleep(200); // the last lines
    assertThat(String.join("\n", gateway.output()))
        .contains("Failed login as \"frank\"")
        .doesNotContain(password)
        .doesNotContain(hash)
        .doesNotContain(hash.substring(hash.lastIndexOf('$') + 1));
  }

  @Test
  void authModeNoneOnAPublicAddressStopsTheLauncherWithAMessage() throws Exception {
    Process gateway = start(Map.of(), "-conf", "{\"http\":{\"host\":\"0.0.0.0\",\"port\":0}}");
    String output = new String(gateway.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(gateway.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(gateway.exitValue()).isEqualTo(2);
    assertThat(output)
        .contains("invalid configuration: auth.mode is \"none\" but http.host is 0.0.0.0");
  }

  private static Process start(Map<String, String> env, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                GatewayLauncher.class.getName(),
                GatewayVerticle.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    return builder.start();
  }
}
