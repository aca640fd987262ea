package ftpgw.ftpserver;

import static ftpgw.ftpserver.EmbeddedServer.ALICE;
import static ftpgw.ftpserver.EmbeddedServer.ALICE_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.TestCertificate;
import ftpgw.testing.TestFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPSClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Explicit FTPS on the embedded server: offered, or required so that nothing crosses the network in
 * clear.
 */
class FtpsTest {
  @TempDir Path dir;

  private EmbeddedServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aClientLogsInAndTransfersOverTls() throws Exception {
    TestCertificate certificate = TestCertificate.create(dir, "127.0.0.1", "IP:127.0.0.1");
    server =
        EmbeddedServer.start(
            dir,
            100,
            50,
            EmbeddedServer.tls(certificate.pkcs12(), certificate.pkcs12Password(), false));
    byte[] content = Files.readAllBytes(TestFiles.random(dir, "secret.bin", 2 * TestFiles.MiB + 3));

    FTPSClient ftps = tlsLogin(certificate);
    assertThat(ftps.storeFile("secret.bin", new ByteArrayInputStream(content)))
        .as(ftps.getReplyString())
        .isTrue();
    ByteArrayOutputStream back = new ByteArrayOutputStream();
    assertThat(ftps.retrieveFile("secret.bin", back)).isTrue();
    assertThat(back.toByteArray()).isEqualTo(content);
    assertThat(ftps.mlistDir()).extracting(f -> f.getName()).containsExactly("secret.bin");
    ftps.disconnect();
    assertThat(Files.readAllBytes(server.home(ALICE).resolve("secret.bin"))).isEqualTo(content);

    FTPClient plain = server.login(ALICE, ALICE_PASSWORD);
    assertThat(plain.listNames())
        .as("TLS offered, not required: clear text still works")
        .containsExactly("secret.bin");
    plain.disconnect();
  }

  @Test
  void whenTlsIsRequiredClearTextLoginsAndDataAreRefused() throws Exception {
    TestCertificate certificate = TestCertificate.create(dir, "127.0.0.1", "IP:127.0.0.1");
    server =
        EmbeddedServer.start(
            dir,
            100,
            50,
            EmbeddedServer.tls(certificate.pkcs12(), certificate.pkcs12Password(), true));

    FTPClient plain = server.connect();
    assertThat(plain.login(ALICE, ALICE_PASSWORD)).isFalse();
    assertThat(plain.getReplyCode()).isEqualTo(530);
    assertThat(plain.getReplyString()).contains("requires TLS");
    plain.disconnect();

    FTPSClient clearData = trusting(certificate);
    clearData.connect("127.0.0.1", server.port());
    assertThat(clearData.login(ALICE, ALICE_PASSWORD)).as(clearData.getReplyString()).isTrue();
    clearData.setFileType(FTP.BINARY_FILE_TYPE);
    clearData.enterLocalPassiveMode();
    clearData.execPROT("C");
    assertThat(clearData.storeFile("leak.txt", new ByteArrayInputStream("clear".getBytes())))
        .isFalse();
    assertThat(clearData.getReplyCode()).isEqualTo(521);
    clearData.disconnect();
    assertThat(server.home(ALICE).resolve("leak.txt")).doesNotExist();

    FTPSClient ftps = tlsLogin(certificate);
    assertThat(ftps.storeFile("sealed.txt", new ByteArrayInputStream("sealed".getBytes())))
        .isTrue();
    ftps.disconnect();
    assertThat(Files.readString(server.home(ALICE).resolve("sealed.txt"))).isEqualTo("sealed");
  }

  @Test
  void curlUploadsOverRequiredTls() throws Exception {
    TestCertificate certificate = TestCertificate.create(dir, "127.0.0.1", "IP:127.0.0.1");
    server =
        EmbeddedServer.start(
            dir,
            100,
            50,
            EmbeddedServer.tls(certificate.pkcs12(), certificate.pkcs12Password(), true));
    Path file = TestFiles.random(dir, "curl.bin", TestFiles.MiB);

    Process curl =
        new ProcessBuilder(
                "curl",
                "-sS",
                "--ssl-reqd",
                "--cacert",
                certificate.cert().toString(),
                "--ftp-create-dirs",
                "-T",
                file.toString(),
                server.url(ALICE, ALICE_PASSWORD, "tls/curl.bin"))
            .redirectErrorStream(true)
            .start();
    String output = new String(curl.getInputStream().readAllBytes());
    assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(curl.exitValue()).as(output).isZero();
    assertThat(TestFiles.sha256(server.home(ALICE).resolve("tls/curl.bin")))
        .isEqualTo(TestFiles.sha256(file));

    Process clear =
        new ProcessBuilder(
                "curl",
                "-sS",
                "-T",
                file.toString(),
                server.url(ALICE, ALICE_PASSWORD, "clear.bin"))
            .redirectErrorStream(true)
            .start();
    String refused = new String(clear.getInputStream().readAllBytes());
    assertThat(clear.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(clear.exitValue()).as("curl without TLS: " + refused).isNotZero();
    assertThat(server.home(ALICE).resolve("clear.bin")).doesNotExist();
  }

  private FTPSClient tlsLogin(TestCertificate certificate) throws Exception {
    FTPSClient ftps = trusting(certificate);
    ftps.connect("127.0.0.1", server.port());
    ftps.execPBSZ(0);
    ftps.execPROT("P");
    assertThat(ftps.login(ALICE, ALICE_PASSWORD)).as(ftps.getReplyString()).isTrue();
    ftps.setFileType(FTP.BINARY_FILE_TYPE);
    ftps.enterLocalPassiveMode();
    return ftps;
  }

  /**
   * An explicit-TLS client that trusts the test certificate only, and checks the host name against
   * it.
   */
  private static FTPSClient trusting(TestCertificate certificate) throws Exception {
    FTPSClient ftps = new FTPSClient(false, certificate.trustingContext());
    EmbeddedServer.configure(ftps);
    ftps.setEndpointCheckingEnabled(true);
    return ftps;
  }
}
