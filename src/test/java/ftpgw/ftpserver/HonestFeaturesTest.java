package ftpgw.ftpserver;

import static ftpgw.ftpserver.EmbeddedServer.ALICE;
import static ftpgw.ftpserver.EmbeddedServer.ALICE_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.TestCertificate;
import ftpgw.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded server advertises only what works: no MODE Z, AUTH only with TLS, and SITE CHMOD is
 * accepted.
 */
class HonestFeaturesTest {
  @TempDir Path dir;

  private EmbeddedServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void withoutTlsNeitherModeZNorAuthIsOfferedOrAccepted() throws Exception {
    server = EmbeddedServer.start(dir);
    FTPClient client = server.connect();
    try {
      assertThat(client.sendCommand("AUTH", "TLS")).isEqualTo(502);
      assertThat(client.login(ALICE, ALICE_PASSWORD)).isTrue();
      assertThat(client.features()).as(client.getReplyString()).isTrue();
      String feat = client.getReplyString();
      assertThat(feat)
          .startsWith("211-")
          .contains(" SIZE", " MLST ", " UTF8")
          .doesNotContain("MODE Z", "AUTH", "PROT");
      assertThat(client.sendCommand("MODE", "Z")).isEqualTo(504);
      assertThat(client.sendCommand("MODE", "S")).isEqualTo(200);
    } finally {
      client.disconnect();
    }
  }

  @Test
  void withTlsAuthIsOfferedButModeZIsNot() throws Exception {
    TestCertificate certificate = TestCertificate.create(dir, "127.0.0.1", "IP:127.0.0.1");
    server =
        EmbeddedServer.start(
            dir,
            100,
            50,
            EmbeddedServer.tls(certificate.pkcs12(), certificate.pkcs12Password(), false));
    FTPClient client = server.login(ALICE, ALICE_PASSWORD);
    try {
      assertThat(client.features()).as(client.getReplyString()).isTrue();
      assertThat(client.getReplyString())
          .contains(" AUTH TLS", " AUTH SSL")
          .doesNotContain("MODE Z");
    } finally {
      client.disconnect();
    }
  }

  @Test
  void siteChmodIsANoOpForAnExistingFileAnd550ForAMissingOne() throws Exception {
    server = EmbeddedServer.start(dir);
    Files.createDirectories(server.home(ALICE));
    Files.writeString(server.home(ALICE).resolve("there.txt"), "x");
    FTPClient client = server.login(ALICE, ALICE_PASSWORD);
    try {
      assertThat(client.sendSiteCommand("CHMOD 644 there.txt")).isTrue();
      assertThat(client.sendCommand("SITE", "CHMOD 644 missing.txt")).isEqualTo(550);
      assertThat(client.sendCommand("SITE", "CHMOD rwx there.txt")).isEqualTo(501);
    } finally {
      client.disconnect();
    }
  }

  /**
   * lftp with its defaults (it tries TLS, uses MODE Z when offered, sends SITE CHMOD) mirrors up
   * and exits 0.
   */
  @Test
  void lftpMirrorUpWithDefaultSettingsExitsZeroWithoutNoise() throws Exception {
    server = EmbeddedServer.start(dir);
    Path tree = Files.createDirectories(dir.resolve("tree/sub"));
    TestFiles.random(tree, "a.bin", 200 * TestFiles.KiB);
    TestFiles.random(tree.getParent(), "b.bin", 3 * TestFiles.KiB);

    String output =
        lftp(
            "debug -o "
                + dir.resolve("lftp-debug.log")
                + " 9; mirror -R --verbose "
                + dir.resolve("tree")
                + " up");

    assertThat(output).doesNotContain("SITE CHMOD", "502", "not implemented");
    assertThat(TestFiles.filesUnder(server.home(ALICE).resolve("up")))
        .isEqualTo(TestFiles.filesUnder(dir.resolve("tree")));
    String protocol = Files.readString(dir.resolve("lftp-debug.log"));
    assertThat(protocol).contains("---> SITE CHMOD").doesNotContain("---> MODE Z");
  }

  private String lftp(String commands) throws Exception {
    List<String> command =
        List.of(
            "lftp",
            "-c",
            "set net:max-retries 1; set net:timeout 20; set cmd:fail-exit yes; "
                + "open -u "
                + ALICE
                + ","
                + ALICE_PASSWORD
                + " ftp://127.0.0.1:"
                + server.port()
                + "; "
                + commands);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }
}
