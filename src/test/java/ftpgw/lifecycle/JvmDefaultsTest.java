package ftpgw.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.FreePorts;
import ftpgw.testing.GatewayProcess;
import ftpgw.testing.Http;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway started without JVM settings runs with the shipped defaults; settings given are left
 * alone.
 */
class JvmDefaultsTest {
  private static final Path JAVA = Path.of("/usr/bin/java");
  private static final String[] ARGS = {"-conf", "conf/proxy.json"};

  @TempDir Path dir;

  @Test
  void noSettingsGivenMeansARelaunchWithTheDefaultsAndTheUsersProperties() {
    Optional<List<String>> command =
        JvmDefaults.relaunchCommand(
            List.of("-Dlogback.configurationFile=x.xml"),
            Map.of(),
            JAVA,
            "gateway-fat.jar",
            "ftpgw.GatewayLauncher",
            ARGS);

    assertThat(command)
        .hasValueSatisfying(
            c ->
                assertThat(c)
                    .containsSubsequence("/usr/bin/java", "-Xmx128m")
                    .containsSubsequence(
                        "-Dlogback.configurationFile=x.xml",
                        "-cp",
                        "gateway-fat.jar",
                        "ftpgw.GatewayLauncher",
                        "-conf",
                        "conf/proxy.json"));
  }

  @Test
  void settingsGivenOrTheSwitchOffOrARelaunchedJvmRunAsStarted() {
    assertThat(JvmDefaults.relaunchCommand(List.of("-Xmx1g"), Map.of(), JAVA, "g.jar", "M", ARGS))
        .isEmpty();
    assertThat(
            JvmDefaults.relaunchCommand(
                List.of("-XX:+UseG1GC"), Map.of(), JAVA, "g.jar", "M", ARGS))
        .isEmpty();
    assertThat(
            JvmDefaults.relaunchCommand(
                List.of(), Map.of("FTPGW_JVM_DEFAULTS", "off"), JAVA, "g.jar", "M", ARGS))
        .isEmpty();
    assertThat(
            JvmDefaults.relaunchCommand(
                List.of(), Map.of("FTPGW_JVM_RELAUNCHED", "1"), JAVA, "g.jar", "M", ARGS))
        .isEmpty();
  }

  @Test
  void theGatewayStartedWithoutFlagsRunsWithTheDefaultsAndStopsWithItsLauncher() throws Exception {
    int port = FreePorts.one();
    JsonObject config =
        new JsonObject()
            .put("http", new JsonObject().put("port", port))
            .put("spool", new JsonObject().put("dir", dir.resolve("spool").toString()))
            .put("ftpServer", new JsonObject().put("enabled", false))
            .put(
                "relay",
                new JsonObject()
                    .put(
                        "target",
                        new JsonObject()
                            .put("host", "127.0.0.1")
                            .put("port", FreePorts.one())
                            .put("user", "nobody")
                            .put("password", "unused")));
    Map<String, String> environment = new HashMap<>();
    environment.put("JAVA_TOOL_OPTIONS", null);
    environment.put("JDK_JAVA_OPTIONS", null);
    try (GatewayProcess launcher =
        GatewayProcess.startWithoutJvmSettings(config, dir.resolve("gw.json"), environment)) {
      List<ProcessHandle> gateways = launcher.handle().children().toList();
      assertThat(gateways).hasSize(1);
      ProcessHandle gateway = gateways.get(0);
      // ProcessHandle.Info gives no arguments for a command line this long (the test class path):
      // read /proc
      List<String> arguments =
          List.of(
              Files.readString(Path.of("/proc", Long.toString(gateway.pid()), "cmdline"))
                  .split("\0"));
      assertThat(arguments).containsAll(JvmDefaults.FLAGS).contains("ftpgw.GatewayLauncher");
      List<String> gatewayEnvironment =
          List.of(
              Files.readString(Path.of("/proc", Long.toString(gateway.pid()), "environ"))
                  .split("\0"));
      JvmDefaults.ENVIRONMENT.forEach(
          (key, value) -> assertThat(gatewayEnvironment).contains(key + "=" + value));
      assertThat(new Http(port).get("/transfers").statusCode()).isEqualTo(200);

      launcher
          .kill(); // SIGKILL: the launcher's hook never runs, yet the gateway must not stay behind

      assertThat(gateway.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
    }
  }
}
