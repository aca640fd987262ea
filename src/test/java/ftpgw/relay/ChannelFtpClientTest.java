package ftpgw.relay;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.spool.Spool;
import ftpgw.testing.VsftpdServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.net.ftp.FTP;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against vsftpd: the control connection is a plain socket (a channel's socket toggles blocking
 * mode around every reply read), data connections are channels that STOR with sendfile, and both
 * stay so across a reconnect of the same client.
 */
class ChannelFtpClientTest {
  private static VsftpdServer vsftpd;

  @TempDir Path dir;

  @BeforeAll
  static void startVsftpd() throws Exception {
    vsftpd = VsftpdServer.start();
  }

  @AfterAll
  static void stopVsftpd() {
    if (vsftpd != null) {
      vsftpd.close();
    }
  }

  @Test
  void controlIsPlainDataIsAChannelBeforeAndAfterAReconnect() throws Exception {
    Path body = Files.writeString(dir.resolve("body"), "small file\n", StandardCharsets.UTF_8);
    ChannelFtpClient ftp = new ChannelFtpClient();
    for (String name : new String[] {"first.txt", "second.txt"}) {
      ftp.connect(vsftpd.host(), vsftpd.port());
      assertThat(ftp.controlSocket().getChannel()).as("control socket's channel").isNull();
      assertThat(ftp.controlSocket().getTcpNoDelay()).isTrue();
      assertThat(ftp.login(vsftpd.user(), vsftpd.password())).isTrue();
      assertThat(ftp.setFileType(FTP.BINARY_FILE_TYPE)).isTrue();
      ftp.enterLocalPassiveMode();

      // storeFile(String, Body) hands the data socket's channel to sendfile: a plain one has none
      boolean stored = ftp.storeFile(name, (out, sent) -> Spool.sendBody(body, out, sent));

      assertThat(stored).as(ftp.getReplyString()).isTrue();
      assertThat(vsftpd.sha256(name)).isEqualTo(sha256(body));
      assertThat(ftp.deleteFile(name)).isTrue();
      ftp.logout();
      ftp.disconnect();
    }
    assertThat(vsftpd.files()).isEmpty();
  }

  private static String sha256(Path file) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(
            java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
