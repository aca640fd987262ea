package ftpgw.relay;

import static ftpgw.testing.TestFiles.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Http;
import ftpgw.testing.LogCapture;
import ftpgw.testing.TestCertificate;
import ftpgw.testing.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay reaches the embedded FTP server over FTPS when that server takes nothing else
 * (tls.required).
 */
@ExtendWith(VertxExtension.class)
class FtpsRelayToEmbeddedServerTest {
  @TempDir Path dir;

  @Test
  void uploadsReachTheEmbeddedServerWithTlsRequired(Vertx vertx) throws Exception {
    TestCertificate cert =
        TestCertificate.create(dir.resolve("tls"), "ftp.example", "DNS:ftp.example");
    Path passwordFile =
        Files.writeString(dir.resolve("keystore.pass"), cert.pkcs12Password() + "\n");
    try (LogCapture logs = LogCapture.start()) {
      GatewayUnderTest gateway =
          GatewayUnderTest.start(
              vertx,
              dir.resolve("gw"),
              new JsonObject()
                  .put(
                      "ftpServer",
                      new JsonObject()
                          .put(
                              "tls",
                              new JsonObject()
                                  .put("keystore", cert.pkcs12().toString())
                                  .put("keystorePasswordFile", passwordFile.toString())
                                  .put("required", true))));
      Http http = new Http(gateway.httpPort());
      Path small = TestFiles.random(dir, "small.bin", 10);
      Path large = TestFiles.random(dir, "large.bin", 3 * MiB + 1); // relayed while it arrives

      for (Path file : new Path[] {small, large}) {
        HttpResponse<String> response = http.put("/files/tls/" + file.getFileName(), file);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("tls/" + file.getFileName())))
            .isEqualTo(TestFiles.sha256(file));
      }
      assertThat(gateway.strayFilesAfterAMoment()).isEmpty();
      // the server really refuses clear text
      FTPClient plain = new FTPClient();
      plain.connect("127.0.0.1", gateway.ftpPort());
      try {
        assertThat(plain.user("ftpgw-relay")).as(plain.getReplyString()).isEqualTo(530);
      } finally {
        plain.disconnect();
      }
      logs.assertNoSecret(cert.pkcs12Password());
    }
  }

  @Test
  void manyRelaysOverFtpsLeaveNoFileDescriptorBehind(Vertx vertx) throws Exception {
    TestCertificate cert =
        TestCertificate.create(dir.resolve("tls"), "ftp.example", "DNS:ftp.example");
    Path passwordFile =
        Files.writeString(dir.resolve("keystore.pass"), cert.pkcs12Password() + "\n");
    GatewayUnderTest gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject()
                .put(
                    "ftpServer",
                    new JsonObject()
                        .put(
                            "tls",
                            new JsonObject()
                                .put("keystore", cert.pkcs12().toString())
                                .put("keystorePasswordFile", passwordFile.toString())
                                .put("required", true))));
    Http http = new Http(gateway.httpPort());
    for (int i = 0;
        i < 20;
        i++) { // pooled connections, threads and caches are in place after these
      assertThat(http.put("/files/warm/" + i + ".txt", "x").statusCode()).isEqualTo(201);
    }
    long before = openFileDescriptors();

    for (int i = 0; i < 300; i++) {
      assertThat(http.put("/files/many/" + i + ".txt", "file " + i).statusCode()).isEqualTo(201);
    }

    // each FTPS data connection once left a descriptor open: a relay died after ulimit -n files
    assertThat(openFileDescriptors() - before)
        .as("descriptors left open by 300 FTPS relays")
        .isLessThan(50);
    assertThat(TestFiles.filesUnder(gateway.ftpRoot().resolve("many"))).hasSize(300);
  }

  private static long openFileDescriptors() throws java.io.IOException {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }
}
