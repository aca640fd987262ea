package ftpgw.clients;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.config.Pbkdf2Hash;
import ftpgw.testing.FreePorts;
import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example clients in {@code clients/} run as shipped against a real gateway: each uploads a
 * file and exits 0 once its {@code delivered} event arrived (Python over SSE and over the TCP
 * bridge, Node over the SockJS bridge).
 */
@ExtendWith(VertxExtension.class)
class ClientExamplesTest {
  private static final String PYTHON = "/usr/bin/python3";
  private static final String ALICE_PASSWORD = "alice-Pa55-" + System.nanoTime();

  @TempDir Path dir;

  /** What a process printed and how it ended. */
  private record Run(int exit, String out, String err) {}

  @Test
  void pythonWaitsForDeliveredOverSseAndOverTheTcpBridge(Vertx vertx) throws Exception {
    int bridge = FreePorts.one();
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"), bridges(bridge));
    Path file = TestFiles.random(dir, "py.bin", 3_000_000);

    for (String via : List.of("sse", "tcp")) {
      Run run =
          run(
              List.of(
                  PYTHON,
                  "clients/python/upload_and_wait.py",
                  "--gateway",
                  gateway.url(""),
                  "--file",
                  file.toString(),
                  "--to",
                  "py/" + via + ".bin",
                  "--via",
                  via,
                  "--bridge",
                  "127.0.0.1:" + bridge,
                  "--timeout",
                  "60"));
      assertThat(run.exit()).as(run.err()).isZero();
      JsonObject event = new JsonObject(run.out().trim());
      assertThat(event.getString("state")).isEqualTo("delivered");
      assertThat(event.getString("path")).isEqualTo("py/" + via + ".bin");
      assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("py/" + via + ".bin")))
          .isEqualTo(TestFiles.sha256(file));
    }
    assertThat(gateway.strayFilesAfterAMoment()).isEmpty();
  }

  @Test
  void theTcpBridgeTakesTheSameLoginsAsHttp(Vertx vertx) throws Exception {
    int bridge = FreePorts.one();
    GatewayUnderTest gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            bridges(bridge)
                .put(
                    "auth",
                    new JsonObject()
                        .put("mode", "users")
                        .put(
                            "users",
                            new JsonArray()
                                .add(
                                    new JsonObject()
                                        .put("name", "alice")
                                        .put(
                                            "passwordHash",
                                            Pbkdf2Hash.create(ALICE_PASSWORD.toCharArray(), 1000)
                                                .encode())))));
    Path file = TestFiles.random(dir, "alice.bin", 100_000);
    List<String> command =
        new ArrayList<>(
            List.of(
                PYTHON,
                "clients/python/upload_and_wait.py",
                "--gateway",
                gateway.url(""),
                "--file",
                file.toString(),
                "--to",
                "alice.bin",
                "--via",
                "tcp",
                "--bridge",
                "127.0.0.1:" + bridge,
                "--user",
                "alice",
                "--timeout",
                "60"));

    Run wrong = run(command, "FTPGW_PASSWORD", "not-" + ALICE_PASSWORD);
    assertThat(wrong.exit()).as(wrong.err()).isEqualTo(1);
    // refused by the bridge or, if its answer comes later than the upload, by HTTP: the same login
    // check
    assertThat(wrong.err()).containsAnyOf("blocked by bridgeEvent handler", "upload refused: 401");
    assertThat(Files.exists(gateway.ftpRoot().resolve("alice.bin"))).isFalse();

    Run right = run(command, "FTPGW_PASSWORD", ALICE_PASSWORD);
    assertThat(right.exit()).as(right.err()).isZero();
    assertThat(new JsonObject(right.out().trim()).getString("owner")).isEqualTo("alice");
    assertThat(gateway.strayFilesAfterAMoment()).isEmpty();
  }

  @Test
  void nodeWaitsForDeliveredOverTheSockJsBridge(Vertx vertx) throws Exception {
    Path node = Path.of("clients/node");
    if (!Files.isDirectory(node.resolve("node_modules/@vertx/eventbus-bridge-client.js"))) {
      Run install =
          run(List.of("npm", "ci", "--no-audit", "--no-fund", "--prefix", node.toString()));
      assertThat(install.exit()).as(install.err()).isZero();
    }
    GatewayUnderTest gateway =
        GatewayUnderTest.start(vertx, dir.resolve("gw"), bridges(FreePorts.one()));
    Path file = TestFiles.random(dir, "node.bin", 3_000_000);

    Run run =
        run(
            List.of(
                "node",
                "clients/node/upload-and-wait.js",
                gateway.url(""),
                file.toString(),
                "node/a.bin"),
            "FTPGW_TIMEOUT_MS",
            "60000");

    assertThat(run.exit()).as(run.err()).isZero();
    JsonObject event = new JsonObject(run.out().trim());
    assertThat(event.getString("state")).isEqualTo("delivered");
    assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("node/a.bin")))
        .isEqualTo(TestFiles.sha256(file));
    assertThat(gateway.strayFilesAfterAMoment()).isEmpty();
  }

  private static JsonObject bridges(int tcpPort) {
    return new JsonObject()
        .put(
            "bridges",
            new JsonObject()
                .put("sockjs", new JsonObject().put("enabled", true))
                .put("tcp", new JsonObject().put("host", "127.0.0.1").put("port", tcpPort)));
  }

  private Run run(List<String> command, String... environment)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    for (int i = 0; i + 1 < environment.length; i += 2) {
      builder.environment().put(environment[i], environment[i + 1]);
    }
    Process process = builder.start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(command + " did not end within 120 s: " + Files.readString(err));
    }
    return new Run(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
