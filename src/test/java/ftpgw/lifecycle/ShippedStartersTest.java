package ftpgw.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The systemd unit and the Dockerfile give the JVM its settings on their own command line, so the
 * jar does not relaunch there: they must give the same ones the relaunch would, or a gateway
 * started the shipped way runs with a heap sized from the machine's RAM.
 */
class ShippedStartersTest {
  @ParameterizedTest
  @ValueSource(strings = {"deploy/systemd/ftpgw.service", "deploy/docker/Dockerfile"})
  void theShippedWaysOfStartingTheGatewayGiveTheJarsDefaultSettings(String starter)
      throws IOException {
    String text = Files.readString(Path.of(starter));
    List<String> javaLines =
        text.lines().filter(line -> !line.startsWith("#") && line.contains("java ")).toList();

    assertThat(javaLines).isNotEmpty();
    assertThat(javaLines)
        .allSatisfy(line -> assertThat(line).contains(String.join(" ", JvmDefaults.FLAGS)));
    JvmDefaults.ENVIRONMENT.forEach(
        (key, value) ->
            assertThat(text).containsPattern("(Environment=|ENV .*)" + key + "=" + value));
  }
}
