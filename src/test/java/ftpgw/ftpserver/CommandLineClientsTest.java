package ftpgw.ftpserver;

import static ftpgw.ftpserver.EmbeddedServer.ALICE;
import static ftpgw.ftpserver.EmbeddedServer.ALICE_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.TestCertificate;
import ftpgw.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command-line clients operators reach for, curl and lftp (Debian packages), against the
 * embedded server.
 */
class CommandLineClientsTest {
  @TempDir Path dir;

  private EmbeddedServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void curlUploadsResumesAppendsListsAndDownloads() throws Exception {
    server = EmbeddedServer.start(dir);
    Path file = TestFiles.random(dir, "curl.bin", 5 * TestFiles.MiB + 1);
    Path head = dir.resolve("head.bin");
    Files.write(head, java.util.Arrays.copyOf(Files.readAllBytes(file), 2 * (int) TestFiles.MiB));

    curl(
        "--ftp-create-dirs",
        "-T",
        head.toString(),
        server.url(ALICE, ALICE_PASSWORD, "a/b/curl.bin"));
    curl("-C", "-", "-T", file.toString(), server.url(ALICE, ALICE_PASSWORD, "a/b/curl.bin"));
    assertThat(TestFiles.sha256(server.home(ALICE).resolve("a/b/curl.bin")))
        .as("resumed with REST")
        .isEqualTo(TestFiles.sha256(file));

    Path line = Files.writeString(dir.resolve("line.txt"), "more\n");
    curl("-T", line.toString(), server.url(ALICE, ALICE_PASSWORD, "a/log.txt"));
    curl("--append", "-T", line.toString(), server.url(ALICE, ALICE_PASSWORD, "a/log.txt"));
    assertThat(Files.readString(server.home(ALICE).resolve("a/log.txt"))).isEqualTo("more\nmore\n");

    assertThat(curl("-l", server.url(ALICE, ALICE_PASSWORD, "a/b/"))).contains("curl.bin");
    Path back = dir.resolve("back.bin");
    curl("-o", back.toString(), server.url(ALICE, ALICE_PASSWORD, "a/b/curl.bin"));
    assertThat(TestFiles.sha256(back)).isEqualTo(TestFiles.sha256(file));
    curl("--disable-epsv", "-o", back.toString(), server.url(ALICE, ALICE_PASSWORD, "a/log.txt"));
    assertThat(Files.readString(back)).isEqualTo("more\nmore\n");

    curl(
        "-Q",
        "RNFR a/log.txt",
        "-Q",
        "RNTO a/journal.txt",
        "-Q",
        "DELE a/b/curl.bin",
        "-Q",
        "RMD a/b",
        server.url(ALICE, ALICE_PASSWORD, ""));
    assertThat(TestFiles.filesUnder(server.home(ALICE))).containsExactly("a/journal.txt");
  }

  @Test
  void lftpMirrorsAFolderUpAndBackIdentically() throws Exception {
    server = EmbeddedServer.start(dir);
    Path tree = Files.createDirectories(dir.resolve("tree/sub/deeper"));
    TestFiles.random(tree.getParent().getParent(), "top.bin", 300 * TestFiles.KiB);
    TestFiles.random(tree.getParent(), "mid.bin", TestFiles.MiB);
    TestFiles.random(tree, "low.bin", 1);
    Files.createFile(tree.resolve("empty.txt"));

    lftp(
        null,
        "mirror -R --no-perms " + dir.resolve("tree") + " up; mirror up " + dir.resolve("down"));
    assertThat(TestFiles.filesUnder(server.home(ALICE).resolve("up")))
        .isEqualTo(TestFiles.filesUnder(dir.resolve("tree")));
    for (String name : TestFiles.filesUnder(dir.resolve("tree"))) {
      assertThat(TestFiles.sha256(dir.resolve("down").resolve(name)))
          .as(name)
          .isEqualTo(TestFiles.sha256(dir.resolve("tree").resolve(name)));
    }
    assertThat(lftp(null, "cls -l up/sub")).contains("mid.bin", "deeper");
  }

  @Test
  void lftpWorksOverRequiredTls() throws Exception {
    TestCertificate certificate = TestCertificate.create(dir, "127.0.0.1", "IP:127.0.0.1");
    server =
        EmbeddedServer.start(
            dir,
            100,
            50,
            EmbeddedServer.tls(certificate.pkcs12(), certificate.pkcs12Password(), true));
    Path file = TestFiles.random(dir, "tls.bin", 3 * TestFiles.MiB);

    lftp(certificate, "put " + file + " -o tls.bin; get tls.bin -o " + dir.resolve("tls-back.bin"));
    assertThat(TestFiles.sha256(server.home(ALICE).resolve("tls.bin")))
        .isEqualTo(TestFiles.sha256(file));
    assertThat(TestFiles.sha256(dir.resolve("tls-back.bin"))).isEqualTo(TestFiles.sha256(file));
  }

  private String curl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60"));
    command.addAll(List.of(args));
    return run(command);
  }

  /**
   * lftp with the test's settings: TLS verified against {@code certificate}, or plain FTP when it
   * is null.
   */
  private String lftp(TestCertificate certificate, String commands) throws Exception {
    String tls =
        certificate == null
            ? "set ftp:ssl-allow no; "
            : "set ssl:ca-file "
                + certificate.cert()
                + "; set ftp:ssl-force yes; set ftp:ssl-protect-data yes; ";
    return run(
        List.of(
            "lftp",
            "-c",
            "set net:max-retries 1; set net:timeout 20; set cmd:fail-exit yes; "
                + tls
                + "open -u "
                + ALICE
                + ","
                + ALICE_PASSWORD
                + " ftp://127.0.0.1:"
                + server.port()
                + "; "
                + commands));
  }

  private String run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(command.get(0) + " finished").isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + output).isZero();
    return output;
  }
}
