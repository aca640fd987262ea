package ftpgw.webdav;

import static ftpgw.testing.TestFiles.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Third-party WebDAV clients on the share: cadaver (scripted) and rclone's webdav remote. */
@ExtendWith(VertxExtension.class)
class CadaverAndRcloneTest {
  @TempDir Path dir;
  private GatewayUnderTest gateway;

  @BeforeEach
  void startGateway(Vertx vertx) throws Exception {
    gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    Files.createDirectories(gateway.ftpRoot().resolve("share"));
  }

  @Test
  void cadaverPutsListsMovesLocksAndGetsBack() throws Exception {
    Path local = TestFiles.random(dir, "local.bin", 2 * MiB + 3);
    Path back = dir.resolve("back.bin");
    String script =
        String.join(
            "\n",
            "mkcol docs",
            "put " + local + " docs/one.bin",
            "copy docs/one.bin docs/two.bin",
            "move docs/two.bin docs/three.bin",
            "propset docs/one.bin color blue",
            "propget docs/one.bin color",
            "lock docs/one.bin",
            "discover docs/one.bin",
            "unlock docs/one.bin",
            "ls docs",
            "get docs/three.bin " + back,
            "delete docs/one.bin",
            "quit",
            "");
    String out = run(List.of("cadaver", gateway.url("/files/share/")), script);

    assertThat(out).contains("docs/one.bin").contains("three.bin").contains("blue");
    assertThat(out).doesNotContain("failed:");
    assertThat(TestFiles.sha256(back)).isEqualTo(TestFiles.sha256(local));
    assertThat(gateway.ftpRoot().resolve("share/docs/one.bin")).doesNotExist();
    assertThat(gateway.ftpRoot().resolve("share/docs/two.bin")).doesNotExist();
    assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("share/docs/three.bin")))
        .isEqualTo(TestFiles.sha256(local));
  }

  @Test
  void rcloneWebdavRemoteListsAndCopiesBothWays() throws Exception {
    Path up = Files.createDirectories(dir.resolve("up"));
    Path a = TestFiles.random(up, "a.bin", 3 * MiB);
    Files.createDirectories(up.resolve("sub"));
    Path b = TestFiles.random(up.resolve("sub"), "b.bin", 1000);
    Path config = dir.resolve("rclone.conf");
    Files.writeString(
        config, "[gw]\ntype = webdav\nvendor = other\nurl = " + gateway.url("/files/") + "\n");

    String copyUp = run(rclone(config, "copy", up.toString(), "gw:share/up"), "");
    assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("share/up/a.bin")))
        .as(copyUp)
        .isEqualTo(TestFiles.sha256(a));
    assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("share/up/sub/b.bin")))
        .isEqualTo(TestFiles.sha256(b));

    String listing = run(rclone(config, "ls", "gw:share/up"), "");
    assertThat(listing).contains(3 * MiB + " a.bin").contains("1000 sub/b.bin");

    Path down = dir.resolve("down");
    run(rclone(config, "copy", "gw:share/up", down.toString()), "");
    assertThat(TestFiles.sha256(down.resolve("a.bin"))).isEqualTo(TestFiles.sha256(a));
    assertThat(TestFiles.sha256(down.resolve("sub/b.bin"))).isEqualTo(TestFiles.sha256(b));
  }

  private static List<String> rclone(Path config, String... args) {
    List<String> command =
        new ArrayList<>(List.of("rclone", "--config", config.toString(), "--retries", "1"));
    command.addAll(List.of(args));
    return command;
  }

  private String run(List<String> command, String stdin) throws Exception {
    Path out = dir.resolve("out-" + System.nanoTime() + ".txt");
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(command + " finished").isTrue();
    String text = Files.readString(out, StandardCharsets.ISO_8859_1);
    System.out.println(command + ":\n" + text);
    assertThat(process.exitValue()).as(text).isZero();
    return text;
  }
}
