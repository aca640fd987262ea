package ftpgw.http;

import static ftpgw.testing.TestFiles.MiB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ftpgw.config.Pbkdf2Hash;
import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Http;
import ftpgw.testing.LogCapture;
import ftpgw.testing.TestCertificate;
import ftpgw.testing.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS on the upload listener, from a PEM key and certificate or a PKCS#12 keystore; HTTP/2
 * through ALPN.
 */
@ExtendWith(VertxExtension.class)
class HttpsUploadTest {
  @TempDir Path dir;

  @Test
  void anUploadOverHttpsWithAPemCertificateUsesHttp2AndLandsWhole(Vertx vertx) throws Exception {
    TestCertificate cert = TestCertificate.create(dir.resolve("tls"), "127.0.0.1", "IP:127.0.0.1");
    GatewayUnderTest gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject()
                .put("http", new JsonObject().put("tls", cert.pemSettings().put("http2", true))));
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(cert.trustingContext())
            .version(HttpClient.Version.HTTP_2)
            .build();
    Http https = new Http("https://127.0.0.1:" + gateway.httpPort(), client);
    Path file = TestFiles.random(dir, "big.bin", 5 * MiB + 7);

    HttpResponse<String> response = https.put("/files/tls/big.bin", file);

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(new JsonObject(response.body()).getString("sha256"))
        .isEqualTo(TestFiles.sha256(file));
    assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("tls/big.bin")))
        .isEqualTo(TestFiles.sha256(file));
    // errors keep their JSON over HTTP/2 too, and the connection survives them
    HttpResponse<String> bad = https.put("/files/a/%2e%2e/x", "x");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(bad.body()).getString("error")).isEqualTo("BAD_PATH");
    assertThat(https.put("/files/tls/after.bin", "after").statusCode()).isEqualTo(201);
    assertThat(gateway.strayFiles()).isEmpty();
    // a refused body that was not read ends its HTTP/2 stream only: the next upload takes the same
    // connection
    String url = "https://127.0.0.1:" + gateway.httpPort();
    Process curl =
        new ProcessBuilder(
                "curl",
                "-sS",
                "--http2",
                "--cacert",
                cert.cert().toString(),
                "-m",
                "30",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code} %{http_version} %{num_connects}\\n",
                "-T",
                file.toString(),
                url + "/files/a/%2e%2e/x",
                "--next",
                "--http2",
                "--cacert",
                cert.cert().toString(),
                "-m",
                "30",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code} %{http_version} %{num_connects}\\n",
                "-T",
                file.toString(),
                url + "/files/tls/curl.bin")
            .redirectErrorStream(true)
            .start();
    String answers = new String(curl.getInputStream().readAllBytes());
    assertThat(curl.waitFor()).as(answers).isZero();
    assertThat(answers.lines()).containsExactly("400 2 1", "201 2 0");
    assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("tls/curl.bin")))
        .isEqualTo(TestFiles.sha256(file));
    // plain HTTP to the HTTPS port gets nowhere
    assertThatThrownBy(() -> new Http(gateway.httpPort()).put("/files/plain.bin", "x"))
        .isInstanceOf(java.io.IOException.class);
  }

  @Test
  void aPkcs12KeystoreWithItsPasswordInAFileServesHttp11ByDefaultAndAuthOverTls(Vertx vertx)
      throws Exception {
    TestCertificate cert = TestCertificate.create(dir.resolve("tls"), "127.0.0.1", "IP:127.0.0.1");
    Path passwordFile =
        Files.writeString(dir.resolve("keystore.pass"), cert.pkcs12Password() + "\n");
    String password = "user-pw-" + System.nanoTime();
    try (LogCapture logs = LogCapture.start()) {
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
                                  .put("keystore", cert.pkcs12().toString())
                                  .put("keystorePasswordFile", passwordFile.toString())))
                  .put(
                      "auth",
                      new JsonObject()
                          .put("mode", "users")
                          .put("failureDelayMs", 0)
                          .put(
                              "users",
                              new JsonArray()
                                  .add(
                                      new JsonObject()
                                          .put("name", "erin")
                                          .put("folder", "")
                                          .put(
                                              "passwordHash",
                                              Pbkdf2Hash.create(password.toCharArray(), 1000)
                                                  .encode())))));
      // the client would take HTTP/2 if it were offered
      HttpClient client =
          HttpClient.newBuilder()
              .sslContext(cert.trustingContext())
              .version(HttpClient.Version.HTTP_2)
              .build();
      Http https = new Http("https://127.0.0.1:" + gateway.httpPort(), client);

      HttpResponse<String> refused = https.put("/files/x.bin", "x");
      HttpResponse<String> stored =
          https.put("/files/x.bin", "x", "Authorization", Http.basic("erin", password));

      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
      assertThat(stored.statusCode()).isEqualTo(201);
      assertThat(Files.readString(gateway.ftpRoot().resolve("x.bin"))).isEqualTo("x");
      logs.assertNoSecret(cert.pkcs12Password(), password);
    }
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateIsRefused(Vertx vertx) throws Exception {
    TestCertificate cert = TestCertificate.create(dir.resolve("tls"), "127.0.0.1", "IP:127.0.0.1");
    TestCertificate other =
        TestCertificate.create(dir.resolve("other"), "127.0.0.1", "IP:127.0.0.1");
    GatewayUnderTest gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject().put("http", new JsonObject().put("tls", cert.pemSettings())));
    HttpClient client = HttpClient.newBuilder().sslContext(other.trustingContext()).build();

    assertThatThrownBy(
            () ->
                new Http("https://127.0.0.1:" + gateway.httpPort(), client)
                    .put("/files/x.bin", "x"))
        .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    assertThat(TestFiles.filesUnder(gateway.ftpRoot())).isEmpty();
  }
}
