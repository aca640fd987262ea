package ftpgw.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * deploy/netns-demo.sh builds the seed's network with namespaces (client, edge, relay, FTP host;
 * the client has no way to the FTP host) and uploads through it. It needs root and iproute2, which
 * CI has: a machine without them fails this test rather than skipping it.
 */
class NetnsDemoTest {

  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void theClientsUploadCrossesEdgeAndRelayToAnFtpHostItCannotReach() throws Exception {
    assertThat(onPath("ip")).as("iproute2's ip is needed (deploy/setup.sh installs it)").isTrue();

    ProcessBuilder builder =
        new ProcessBuilder("bash", "deploy/netns-demo.sh", "--size", "4").redirectErrorStream(true);
    // this build's classes (the fat jar is made after the tests)
    builder.environment().put("FTPGW_CP", System.getProperty("java.class.path"));
    Process demo = builder.start();
    demo.getOutputStream().close();
    String output;
    try {
      output = new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      if (!demo.waitFor(140, TimeUnit.SECONDS)) {
        demo.destroy();
      }
    }

    assertThat(demo.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("the client cannot reach the FTP host 10.200.3.2:2121")
        .contains("HTTP 201")
        .contains("SHA-256 match")
        .containsPattern("netns-demo: took \\d+ s\n")
        .endsWith("netns-demo: OK\n");
  }

  private static boolean onPath(String command) {
    for (String dir :
        (System.getenv("PATH") + File.pathSeparator + "/usr/sbin:/sbin")
            .split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
