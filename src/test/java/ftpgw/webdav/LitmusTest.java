package ftpgw.webdav;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.GatewayUnderTest;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The litmus WebDAV test suite (Debian package litmus) against the gateway over the embedded FTP
 * server. Each suite's failures must be exactly the ones the gateway cannot pass by design (see
 * docs/read-and-webdav.md): any other failing test, or a listed one that starts to pass, fails this
 * test.
 */
@ExtendWith(VertxExtension.class)
class LitmusTest {
  @TempDir Path dir;
  private GatewayUnderTest gateway;

  @BeforeEach
  void startGateway(Vertx vertx) throws Exception {
    gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    Files.createDirectories(gateway.ftpRoot().resolve("litmus"));
  }

  @Test
  void basic() throws Exception {
    assertThat(failures("basic")).isEqualTo(List.of());
  }

  @Test
  void copymove() throws Exception {
    // all three DELETE a folder that still holds files, which the gateway refuses (409) instead of
    // deleting a
    // whole tree on one request; copy_coll and move_coll COPY a folder with Depth: infinity too
    // (403)
    assertThat(failures("copymove")).isEqualTo(List.of("copy_coll", "copy_shallow", "move_coll"));
  }

  @Test
  void props() throws Exception {
    assertThat(failures("props")).isEqualTo(List.of());
  }

  @Test
  void locks() throws Exception {
    // exclusive write locks only: a shared lock is refused (412) and the 7 tests that use it are
    // skipped
    assertThat(failures("locks")).isEqualTo(List.of("lock_shared"));
  }

  /** The names of the tests of {@code suite} that failed (litmus prints "N. name.... FAIL"). */
  private List<String> failures(String suite) throws Exception {
    Path work = Files.createDirectories(dir.resolve("litmus-" + suite));
    ProcessBuilder command =
        new ProcessBuilder("litmus", gateway.url("/files/litmus/"))
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("out.txt").toFile());
    command.environment().put("TESTS", suite);
    Process litmus = command.start();
    litmus.getOutputStream().close();
    assertThat(litmus.waitFor(240, TimeUnit.SECONDS)).as("litmus finished").isTrue();
    String out = Files.readString(work.resolve("out.txt"), StandardCharsets.ISO_8859_1);
    System.out.println("litmus " + suite + ":\n" + out);
    List<String> failed = new ArrayList<>();
    Matcher m =
        Pattern.compile("^\\s*\\d+\\.\\s+(\\S+)\\.*\\s*FAIL", Pattern.MULTILINE).matcher(out);
    while (m.find()) {
      failed.add(m.group(1).replaceAll("\\.+$", ""));
    }
    assertThat(out).contains("summary for `" + suite + "'");
    return failed;
  }
}
