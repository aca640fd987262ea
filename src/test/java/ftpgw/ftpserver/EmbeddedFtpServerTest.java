package ftpgw.ftpserver;

import static ftpgw.ftpserver.EmbeddedServer.ALICE;
import static ftpgw.ftpserver.EmbeddedServer.ALICE_PASSWORD;
import static ftpgw.ftpserver.EmbeddedServer.BOB;
import static ftpgw.ftpserver.EmbeddedServer.BOB_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ftpgw.config.FtpServerConfig;
import ftpgw.testing.Poll;
import ftpgw.testing.TestFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPConnectionClosedException;
import org.apache.commons.net.ftp.FTPFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded server driven by Commons Net, as an FTP client on the network would drive it. */
class EmbeddedFtpServerTest {
  @TempDir Path dir;

  private EmbeddedServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aUserUploadsDownloadsResumesAppendsRenamesAndLists() throws Exception {
    server = EmbeddedServer.start(dir);
    byte[] content = Files.readAllBytes(TestFiles.random(dir, "data.bin", 3 * TestFiles.MiB + 17));
    FTPClient ftp = server.login(ALICE, ALICE_PASSWORD);

    assertThat(ftp.makeDirectory("results")).isTrue();
    assertThat(ftp.changeWorkingDirectory("results")).isTrue();
    assertThat(ftp.printWorkingDirectory()).isEqualTo("/results");
    assertThat(ftp.storeFile("whole.bin", new ByteArrayInputStream(content)))
        .as(ftp.getReplyString())
        .isTrue();
    ByteArrayOutputStream back = new ByteArrayOutputStream();
    assertThat(ftp.retrieveFile("whole.bin", back)).isTrue();
    assertThat(back.toByteArray()).isEqualTo(content);
    assertThat(ftp.getSize("whole.bin")).isEqualTo(String.valueOf(content.length));
    assertThat(ftp.getModificationTime("whole.bin")).matches("\\d{14}(\\.\\d+)?");

    int half = content.length / 2;
    assertThat(ftp.storeFile("resumed.bin", new ByteArrayInputStream(content, 0, half))).isTrue();
    ftp.setRestartOffset(half);
    assertThat(
            ftp.storeFile(
                "resumed.bin", new ByteArrayInputStream(content, half, content.length - half)))
        .as("REST + STOR resumes the upload: " + ftp.getReplyString())
        .isTrue();
    assertThat(Files.readAllBytes(server.home(ALICE).resolve("results/resumed.bin")))
        .isEqualTo(content);

    ftp.setRestartOffset(half);
    ByteArrayOutputStream tail = new ByteArrayOutputStream();
    assertThat(ftp.retrieveFile("whole.bin", tail)).isTrue();
    assertThat(tail.toByteArray()).isEqualTo(Arrays.copyOfRange(content, half, content.length));

    assertThat(ftp.storeFile("log.txt", new ByteArrayInputStream("one\n".getBytes()))).isTrue();
    assertThat(ftp.appendFile("log.txt", new ByteArrayInputStream("two\n".getBytes()))).isTrue();
    assertThat(ftp.rename("log.txt", "journal.txt")).isTrue();
    assertThat(Files.readString(server.home(ALICE).resolve("results/journal.txt")))
        .isEqualTo("one\ntwo\n");

    FTPFile[] listed = ftp.mlistDir();
    assertThat(listed)
        .extracting(FTPFile::getName)
        .containsExactlyInAnyOrder("whole.bin", "resumed.bin", "journal.txt");
    assertThat(
            Arrays.stream(listed)
                .filter(f -> f.getName().equals("whole.bin"))
                .findFirst()
                .orElseThrow()
                .getSize())
        .isEqualTo(content.length);
    assertThat(ftp.mlistFile("whole.bin").getSize()).isEqualTo(content.length);
    assertThat(ftp.listNames()).contains("journal.txt");

    assertThat(ftp.deleteFile("journal.txt")).isTrue();
    assertThat(ftp.changeToParentDirectory()).isTrue();
    assertThat(ftp.makeDirectory("empty")).isTrue();
    assertThat(ftp.removeDirectory("empty")).isTrue();
    assertThat(ftp.features()).isTrue();
    assertThat(ftp.getReplyString()).contains("MLST", "SIZE", "REST STREAM", "UTF8");
    assertThat(ftp.logout()).isTrue();
    ftp.disconnect();
  }

  @Test
  void aStorOverALongerFileReplacesItWholeAndRestWritesInPlaceAsVsftpdDoes() throws Exception {
    server = EmbeddedServer.start(dir);
    byte[] content = Files.readAllBytes(TestFiles.random(dir, "data.bin", 3 * TestFiles.MiB + 17));
    Path stored = server.home(ALICE).resolve("replaced.bin");
    FTPClient ftp = server.login(ALICE, ALICE_PASSWORD);

    assertThat(ftp.storeFile("replaced.bin", new ByteArrayInputStream(content))).isTrue();
    assertThat(ftp.storeFile("replaced.bin", new ByteArrayInputStream("short".getBytes())))
        .isTrue();
    assertThat(Files.readAllBytes(stored))
        .as("a new STOR replaces the whole longer file")
        .isEqualTo("short".getBytes());

    assertThat(ftp.storeFile("replaced.bin", new ByteArrayInputStream(content))).isTrue();
    ftp.setRestartOffset(10);
    assertThat(ftp.storeFile("replaced.bin", new ByteArrayInputStream("end".getBytes()))).isTrue();
    byte[] expected = content.clone();
    System.arraycopy("end".getBytes(), 0, expected, 10, 3);
    assertThat(Files.readAllBytes(stored))
        .as("REST 10 + STOR writes from byte 10 and cuts nothing (vsftpd's semantics)")
        .isEqualTo(expected);

    assertThat(ftp.storeFile("empty.bin", new ByteArrayInputStream(new byte[0]))).isTrue();
    assertThat(ftp.storeFile("empty.bin", new ByteArrayInputStream("filled".getBytes()))).isTrue();
    assertThat(Files.readString(server.home(ALICE).resolve("empty.bin"))).isEqualTo("filled");
    ftp.disconnect();
  }

  @Test
  void aUserCannotLeaveItsHome() throws Exception {
    server = EmbeddedServer.start(dir);
    FTPClient bob = server.login(BOB, BOB_PASSWORD);
    assertThat(bob.storeFile("mine.txt", new ByteArrayInputStream("bob's".getBytes()))).isTrue();
    bob.disconnect();
    Path outside = dir.resolve("outside.txt");
    Files.writeString(outside, "not for alice");

    FTPClient ftp = server.login(ALICE, ALICE_PASSWORD);
    ftp.changeWorkingDirectory("..");
    ftp.changeWorkingDirectory("../../..");
    assertThat(ftp.printWorkingDirectory()).as("CWD .. stops at the home").isEqualTo("/");
    ftp.storeFile("../x.txt", new ByteArrayInputStream("escape?".getBytes()));
    ftp.storeFile("../../bob/mine.txt", new ByteArrayInputStream("overwritten".getBytes()));
    ftp.storeFile("/../../outside.txt", new ByteArrayInputStream("overwritten".getBytes()));
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    assertThat(ftp.retrieveFile("../../outside.txt", read)).isTrue();
    assertThat(read.toString())
        .as("'..' past the root names alice's own copy")
        .isEqualTo("overwritten");
    assertThat(ftp.retrieveFile("/etc/passwd", new ByteArrayOutputStream())).isFalse();
    assertThat(ftp.changeWorkingDirectory("/etc")).isFalse();

    assertThat(Files.readString(server.home(BOB).resolve("mine.txt"))).isEqualTo("bob's");
    assertThat(Files.readString(outside)).isEqualTo("not for alice");
    assertThat(Files.exists(server.root().resolve("x.txt"))).isFalse();
    assertThat(TestFiles.filesUnder(server.root()))
        .as("everything alice wrote is in her home")
        .containsExactlyInAnyOrder("alice/x.txt", "alice/outside.txt", "bob/mine.txt");
    ftp.disconnect();
  }

  @Test
  void wrongPasswordsUnknownUsersAndAnonymousAreRefused() throws Exception {
    server = EmbeddedServer.start(dir);
    for (List<String> login :
        List.of(
            List.of(ALICE, "wrong"),
            List.of("mallory", "x"),
            List.of("anonymous", "guest@example.com"),
            List.of("ftp", ""))) {
      FTPClient ftp = server.connect();
      assertThat(ftp.login(login.get(0), login.get(1))).as(login.toString()).isFalse();
      assertThat(ftp.getReplyCode()).as(login + ": " + ftp.getReplyString()).isEqualTo(530);
      ftp.disconnect();
    }
  }

  @Test
  void moreSessionsFromOneAddressThanAllowedGet421() throws Exception {
    server = EmbeddedServer.start(dir, 100, 2, null);
    FTPClient first = server.login(ALICE, ALICE_PASSWORD);
    FTPClient second = server.login(ALICE, ALICE_PASSWORD);
    FTPClient third = server.connect();
    assertThatThrownBy(() -> third.login(ALICE, ALICE_PASSWORD))
        .isInstanceOf(FTPConnectionClosedException.class)
        .hasMessageContaining("421");
    third.disconnect();

    first.logout();
    first.disconnect();
    awaitLogin(ALICE, ALICE_PASSWORD).disconnect();
    second.disconnect();
  }

  @Test
  void moreSessionsThanTheServerAllowsGet421() throws Exception {
    server = EmbeddedServer.start(dir, 2, 50, null);
    FTPClient alice = server.login(ALICE, ALICE_PASSWORD);
    FTPClient bob = server.login(BOB, BOB_PASSWORD);
    FTPClient third = server.connect();
    assertThatThrownBy(() -> third.login(BOB, BOB_PASSWORD))
        .isInstanceOf(FTPConnectionClosedException.class)
        .hasMessageContaining("421");
    third.disconnect();
    alice.disconnect();
    bob.disconnect();
  }

  @Test
  void aNonAsciiNameIsStoredAsItWasSent() throws Exception {
    server = EmbeddedServer.start(dir);
    FTPClient ftp = server.login(ALICE, ALICE_PASSWORD);
    assertThat(ftp.storeFile("résumé-データ.txt", new ByteArrayInputStream("accents".getBytes())))
        .as(ftp.getReplyString())
        .isTrue();
    assertThat(Files.readString(server.home(ALICE).resolve("résumé-データ.txt"))).isEqualTo("accents");
    assertThat(ftp.listNames()).containsExactly("résumé-データ.txt");
    ftp.disconnect();
  }

  @Test
  void passiveRepliesAnnounceTheConfiguredAddressForNat() throws Exception {
    FtpServerConfig base = EmbeddedServer.config(dir, 0, 10, 10, null);
    server =
        EmbeddedServer.start(
            new FtpServerConfig(
                true,
                base.host(),
                0,
                base.root(),
                base.usersFile(),
                base.passivePorts(),
                "127.0.0.2",
                10,
                10,
                60,
                null));
    FTPClient ftp = server.login(ALICE, ALICE_PASSWORD);
    assertThat(ftp.pasv()).isEqualTo(227);
    assertThat(ftp.getReplyString()).contains("(127,0,0,2,");
    int first = Integer.parseInt(base.passivePorts().split("-")[0]);
    String[] numbers = ftp.getReplyString().replaceAll(".*\\((.*)\\).*\\s*", "$1").split(",");
    int port = Integer.parseInt(numbers[4]) * 256 + Integer.parseInt(numbers[5]);
    assertThat(port).as("from the passive range").isBetween(first, first + 29);
    ftp.disconnect();
  }

  @Test
  void aPortInUseIsAClearStartUpError() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(
              () ->
                  EmbeddedServer.start(
                      EmbeddedServer.config(dir, taken.getLocalPort(), 10, 10, null)))
          .hasMessageContaining("ftpServer.port " + taken.getLocalPort())
          .hasMessageContaining("already in use");
    }
  }

  @Test
  void theShippedDemoPasswordIsRefusedOffLoopback() throws Exception {
    Path users = dir.resolve("ftp-users.properties");
    Files.writeString(
        users,
        String.join(
            "\n",
            "ftpserver.user.demo.userpassword=" + new Pbkdf2PasswordEncryptor().encrypt("demo"),
            "ftpserver.user.demo.homedirectory=.",
            "ftpserver.user.demo.enableflag=true",
            ""));
    FtpServerConfig loopback = EmbeddedServer.config(dir, 0, 10, 10, null);
    FtpServerConfig everywhere =
        new FtpServerConfig(
            true,
            "0.0.0.0",
            0,
            loopback.root(),
            users,
            loopback.passivePorts(),
            null,
            10,
            10,
            60,
            null);

    assertThatThrownBy(() -> EmbeddedServer.start(everywhere))
        .hasMessageContaining("user \"demo\"")
        .hasMessageContaining("FtpUsers add demo");
    server = EmbeddedServer.start(loopback);
    server.login("demo", "demo").disconnect();
  }

  @Test
  void undeployingClosesTheListenerAndEverySession() throws Exception {
    server = EmbeddedServer.start(dir);
    int port = server.port();
    FTPClient open = server.login(ALICE, ALICE_PASSWORD);
    server.close();
    server = null;
    boolean answered;
    try {
      answered = open.sendNoOp();
    } catch (IOException closed) {
      answered = false;
    }
    assertThat(answered).as("a session open at undeploy is closed").isFalse();
    try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertThat(again.getLocalPort()).as("the control port is free again").isEqualTo(port);
    }
  }

  /** A session closed by the client is counted a moment later by the server. */
  private FTPClient awaitLogin(String user, String password) throws Exception {
    return Poll.until(
        "a login after a session ended",
        Duration.ofSeconds(5),
        () -> login(user, password),
        ftp -> ftp != null);
  }

  /**
   * A logged-in client, or null when the server still counts the ended session (421 or a refusal).
   */
  private FTPClient login(String user, String password) throws IOException {
    FTPClient ftp = server.connect();
    try {
      if (ftp.login(user, password)) {
        return ftp;
      }
    } catch (FTPConnectionClosedException stillCounted) {
      // 421: the server has not yet counted the ended session out
    }
    ftp.disconnect();
    return null;
  }
}
