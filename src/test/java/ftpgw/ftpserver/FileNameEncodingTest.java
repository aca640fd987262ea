package ftpgw.ftpserver;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.FreePorts;
import ftpgw.testing.GatewayProcess;
import ftpgw.testing.TestFiles;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway started under {@code LANG=C} (Java then stores file names as ASCII): it says so at
 * start, and refuses a name it cannot store with 553 instead of writing it as "?" (two different
 * names would land on one file).
 */
class FileNameEncodingTest {
  private static final Pattern LISTENING =
      Pattern.compile("Embedded FTP server listening on [^:]+:(\\d+)");

  @TempDir Path dir;

  @Test
  void underAnAsciiLocaleANameOutsideItIsRefusedWith553() throws Exception {
    Path users = dir.resolve("users.properties");
    Files.writeString(
        users,
        String.join(
            "\n",
            "ftpserver.user.alice.userpassword="
                + new Pbkdf2PasswordEncryptor().encrypt("pw-alice-1"),
            "ftpserver.user.alice.homedirectory=.",
            "ftpserver.user.alice.writepermission=true",
            ""));
    JsonObject config =
        new JsonObject()
            .put("http", new JsonObject().put("port", 0))
            .put("spool", new JsonObject().put("dir", dir.resolve("spool").toString()))
            .put(
                "ftpServer",
                new JsonObject()
                    .put("enabled", true)
                    .put("port", 0)
                    .put("root", dir.resolve("ftp").toString())
                    .put("usersFile", users.toString())
                    .put("passivePorts", FreePorts.range(10)));
    Map<String, String> asciiLocale = new HashMap<>();
    asciiLocale.put("LANG", "C");
    asciiLocale.put("LC_ALL", "C");
    asciiLocale.put("LC_CTYPE", null);

    GatewayProcess gateway =
        GatewayProcess.startWithEnvironment(config, dir.resolve("gateway.json"), asciiLocale);
    try {
      assertThat(gateway.output())
          .anyMatch(line -> line.contains("Start the gateway with LANG=C.UTF-8"));
      int port =
          gateway.output().stream()
              .map(LISTENING::matcher)
              .filter(Matcher::find)
              .mapToInt(m -> Integer.parseInt(m.group(1)))
              .findFirst()
              .orElseThrow();

      FTPClient ftp = new FTPClient();
      EmbeddedServer.configure(ftp);
      ftp.connect("127.0.0.1", port);
      assertThat(ftp.login("alice", "pw-alice-1")).isTrue();
      ftp.setFileType(FTP.BINARY_FILE_TYPE);
      ftp.enterLocalPassiveMode();
      assertThat(
              ftp.storeFile(
                  "résumé.txt", new ByteArrayInputStream("é".getBytes(StandardCharsets.UTF_8))))
          .isFalse();
      assertThat(ftp.getReplyCode()).isEqualTo(553);
      assertThat(ftp.getReplyString()).contains("LANG=C.UTF-8");
      assertThat(ftp.storeFile("plain.txt", new ByteArrayInputStream("ascii".getBytes()))).isTrue();
      ftp.disconnect();

      assertThat(TestFiles.filesUnder(dir.resolve("ftp"))).containsExactly("plain.txt");
    } finally {
      gateway.close();
    }
  }
}
