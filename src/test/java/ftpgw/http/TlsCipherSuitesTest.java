package ftpgw.http;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Http;
import ftpgw.testing.TestCertificate;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS and the embedded FTPS offer only forward-secret AEAD suites by default (a TLS 1.2 client
 * offering only static RSA key exchange is refused), and the list is configurable. Checked with
 * openssl s_client, a third-party client.
 */
@ExtendWith(VertxExtension.class)
class TlsCipherSuitesTest {
  private static final String STATIC_RSA = "AES256-GCM-SHA384";
  private static final String ECDHE = "ECDHE-RSA-AES128-GCM-SHA256";

  @TempDir Path dir;

  @Test
  void httpsAndFtpsRefuseATls12ClientWithoutForwardSecrecy(Vertx vertx) throws Exception {
    TestCertificate cert = TestCertificate.create(dir.resolve("tls"), "127.0.0.1", "IP:127.0.0.1");
    GatewayUnderTest gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject()
                .put("http", new JsonObject().put("tls", cert.pemSettings()))
                .put(
                    "ftpServer",
                    new JsonObject()
                        .put(
                            "tls",
                            new JsonObject()
                                .put("keystore", cert.pkcs12().toString())
                                .put("keystorePassword", cert.pkcs12Password()))));

    for (boolean ftps : List.of(false, true)) {
      int port = ftps ? gateway.ftpPort() : gateway.httpPort();
      Handshake refused = handshake(port, ftps, STATIC_RSA);
      Handshake taken = handshake(port, ftps, ECDHE);

      assertThat(refused.ok()).as((ftps ? "FTPS " : "HTTPS ") + refused.output()).isFalse();
      assertThat(refused.output()).containsIgnoringCase("alert handshake failure");
      assertThat(taken.ok()).as((ftps ? "FTPS " : "HTTPS ") + taken.output()).isTrue();
      assertThat(taken.output()).contains("Cipher is " + ECDHE);
    }
    // still a working HTTPS gateway
    Http https =
        new Http(
            "https://127.0.0.1:" + gateway.httpPort(),
            HttpClient.newBuilder().sslContext(cert.trustingContext()).build());
    assertThat(https.put("/files/fs.bin", "x").statusCode()).isEqualTo(201);
    assertThat(gateway.strayFilesAfterAMoment()).isEmpty();
  }

  @Test
  void theSuitesAreConfigurable(Vertx vertx) throws Exception {
    TestCertificate cert = TestCertificate.create(dir.resolve("tls"), "127.0.0.1", "IP:127.0.0.1");
    JsonArray legacy = new JsonArray().add("TLS_RSA_WITH_AES_256_GCM_SHA384");
    GatewayUnderTest gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject()
                .put(
                    "http",
                    new JsonObject()
                        .put(
                            "tls",
                            new JsonObject()
                                .put("cipherSuites", legacy)
                                .put("keyPath", cert.key().toString())
                                .put("certPath", cert.cert().toString())))
                .put(
                    "ftpServer",
                    new JsonObject()
                        .put(
                            "tls",
                            new JsonObject()
                                .put("cipherSuites", legacy)
                                .put("keystore", cert.pkcs12().toString())
                                .put("keystorePassword", cert.pkcs12Password()))));

    for (boolean ftps : List.of(false, true)) {
      int port = ftps ? gateway.ftpPort() : gateway.httpPort();
      assertThat(handshake(port, ftps, STATIC_RSA).ok()).as(ftps ? "FTPS" : "HTTPS").isTrue();
      assertThat(handshake(port, ftps, ECDHE).ok()).as(ftps ? "FTPS" : "HTTPS").isFalse();
    }
  }

  private record Handshake(boolean ok, String output) {}

  private static Handshake handshake(int port, boolean ftps, String cipher) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + port,
                "-tls1_2",
                "-cipher",
                cipher));
    if (ftps) {
      command.addAll(List.of("-starttls", "ftp"));
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Handshake(
        process.exitValue() == 0 && output.contains("Cipher is " + cipher), output);
  }
}
