package ftpgw;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.FreePorts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway as an operator starts it: a JVM with -conf. Bad configs stop it with a message naming
 * the problem.
 */
class GatewayLauncherTest {
  @TempDir Path dir;

  @Test
  void aMissingConfFileIsAStartupError() throws Exception {
    Result result = run("-conf", dir.resolve("nope.json").toString());

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains("nope.json does not exist");
  }

  @Test
  void aConfFileThatIsNotJsonIsAStartupError() throws Exception {
    Path conf = Files.writeString(dir.resolve("bad.json"), "{ \"http\": { \"port\": 6969 ");

    Result result = run("-conf", conf.toString());

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains("bad.json is not valid JSON");
  }

  @Test
  void anInvalidValueIsAStartupErrorThatNamesItsKey() throws Exception {
    Result result = run("-conf", "{\"http\":{\"port\":70000}}");

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains("http.port must be 0..65535, got 70000");
  }

  @Test
  void aValueOfTheWrongTypeNamesItsKey() throws Exception {
    Result result = run("-conf", "{\"relay\":{\"connections\":\"many\"}}");

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains("relay.connections must be a whole number");
  }

  @Test
  void aValidConfStartsTheWholeSystemAndServesUploads() throws Exception {
    int httpPort = FreePorts.one();
    String conf =
        """
        {"http": {"port": %d}, "spool": {"dir": "%s"},
         "ftpServer": {"port": 0, "root": "%s", "passivePorts": "%s"}}"""
            .formatted(httpPort, dir.resolve("spool"), dir.resolve("ftp"), FreePorts.range(10));
    Process gateway = start("-conf", conf);
    try {
      awaitLine(gateway, ReadyLine.PREFIX);
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + httpPort + "/files/hello.txt"))
                      .PUT(HttpRequest.BodyPublishers.ofString("hello"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(201);
      assertThat(dir.resolve("ftp/hello.txt")).hasContent("hello");

      byte[] body = new byte[1 << 20];
      new Random(7).nextBytes(body);
      assertThat(
              HttpClient.newHttpClient()
                  .send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:" + httpPort + "/files/one-mib.bin"))
                          .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(201);
      assertThat(Files.readAllBytes(dir.resolve("ftp/one-mib.bin"))).isEqualTo(body);
      String metrics =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      // Vert.x's own count of the bytes it read, though PUT bodies go around it (http.BodyTap);
      // whole blocks only
      assertThat(
              metrics
                  .lines()
                  .filter(line -> line.startsWith("vertx_http_server_bytes_read_total "))
                  .mapToDouble(line -> Double.parseDouble(line.substring(line.indexOf(' ') + 1)))
                  .sum())
          .isGreaterThanOrEqualTo(1_000_000);
    } finally {
      gateway.destroy();
      assertThat(gateway.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static void awaitLine(Process process, String expected) throws Exception {
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    List<String> seen = new ArrayList<>();
    for (String line; (line = reader.readLine()) != null; ) {
      seen.add(line);
      if (line.contains(expected)) {
        Thread drain = new Thread(() -> reader.lines().forEach(l -> {}));
        drain.setDaemon(true);
        drain.start();
        return;
      }
    }
    throw new AssertionError(
        "the gateway ended without \"" + expected + "\":\n" + String.join("\n", seen));
  }

  private static Process start(String... args) throws Exception {
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
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  private static Result run(String... args) throws Exception {
    Process process = start(args);
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
    return new Result(process.exitValue(), output);
  }

  private record Result(int exitCode, String output) {}
}
