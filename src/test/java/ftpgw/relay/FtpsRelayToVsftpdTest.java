package ftpgw.relay;

import static ftpgw.testing.TestFiles.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.GatewayVerticle;
import ftpgw.testing.Http;
import ftpgw.testing.LogCapture;
import ftpgw.testing.TestCertificate;
import ftpgw.testing.TestFiles;
import ftpgw.testing.VsftpdServer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.commons.net.ftp.FTPSClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * FTPS to a real vsftpd that requires TLS for logins and data and, as by default, data connections
 * that resume the control connection's TLS session (stock FTPSClient fails there with "522 SSL
 * connection failed").
 */
@ExtendWith(VertxExtension.class)
class FtpsRelayToVsftpdTest {
  private static VsftpdServer vsftpd;

  @TempDir Path dir;
  private GatewayVerticle gateway;
  private Http http;
  private LogCapture logs;

  @BeforeAll
  static void startVsftpd() throws Exception {
    vsftpd = VsftpdServer.startWithTls();
  }

  @AfterAll
  static void stopVsftpd() {
    if (vsftpd != null) {
      vsftpd.close();
    }
  }

  @BeforeEach
  void captureLogs() {
    logs = LogCapture.start();
  }

  @AfterEach
  void noSecretWasLoggedAndNothingStrayRemains() throws Exception {
    try {
      logs.assertNoSecret(vsftpd.password());
      assertThat(vsftpd.temporaryFiles()).isEmpty();
    } finally {
      logs.close();
    }
  }

  @Test
  void uploadsArePublishedOverFtpsWithTheSameSha256(Vertx vertx) throws Exception {
    deploy(vertx, tls(), vsftpd.host(), 4);
    List<Path> files = new ArrayList<>();
    for (long size : new long[] {0, 1, 3 * MiB + 17}) {
      files.add(TestFiles.random(dir, "f" + size + ".bin", size));
    }
    for (Path file : files) {
      HttpResponse<String> response = http.put("/files/ftps/" + file.getFileName(), file);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
      assertThat(TestFiles.sha256(vsftpd.root().resolve("ftps/" + file.getFileName())))
          .isEqualTo(TestFiles.sha256(file));
    }
    // several pooled connections at once: each data connection resumes its own control connection's
    // session
    List<CompletableFuture<Integer>> parallel = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String name = "/files/ftps/parallel-" + i + ".bin";
      Path file = files.get(2);
      parallel.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return http.put(name, file).statusCode();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }));
    }
    for (CompletableFuture<Integer> status : parallel) {
      assertThat(status.get()).isEqualTo(201);
    }
    assertThat(TestFiles.filesUnder(vsftpd.root().resolve("ftps"))).hasSize(11);
    assertThat(Files.readString(vsftpd.log())).contains("AUTH TLS").contains("PROT P");
  }

  @Test
  void aCertificateThatDoesNotNameTheHostIsRefused(Vertx vertx) throws Exception {
    // the certificate names IP 127.0.0.1 only; "localhost" reaches the same server but is not in it
    deploy(vertx, tls(), "localhost", 1);

    HttpResponse<String> response = http.put("/files/ftps/host.bin", "x");

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(new JsonObject(response.body()).getString("message")).contains("TLS");
    assertThat(TestFiles.filesUnder(vsftpd.root())).doesNotContain("ftps/host.bin");
  }

  @Test
  void hostnameVerificationCanBeTurnedOff(Vertx vertx) throws Exception {
    deploy(vertx, tls().put("verifyHostname", false), "localhost", 1);

    assertThat(http.put("/files/ftps/nohost.bin", "x").statusCode()).isEqualTo(201);
  }

  @Test
  void aServerCertificateThatIsNotTrustedIsRefused(Vertx vertx) throws Exception {
    TestCertificate stranger =
        TestCertificate.create(dir.resolve("stranger"), "127.0.0.1", "IP:127.0.0.1");
    deploy(vertx, new JsonObject().put("trustPem", stranger.cert().toString()), vsftpd.host(), 1);

    HttpResponse<String> response = http.put("/files/ftps/untrusted.bin", "x");

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(TestFiles.filesUnder(vsftpd.root())).doesNotContain("ftps/untrusted.bin");
  }

  @Test
  void aTrustStoreInPkcs12WithItsPasswordInAFileWorksToo(Vertx vertx) throws Exception {
    Path trustStore = dir.resolve("trust.p12");
    Process keytool =
        new ProcessBuilder(
                "keytool",
                "-importcert",
                "-noprompt",
                "-alias",
                "vsftpd",
                "-file",
                vsftpd.certificate().cert().toString(),
                "-keystore",
                trustStore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "trust-pass")
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes());
    assertThat(keytool.waitFor()).as(output).isZero();
    Path passwordFile = Files.writeString(dir.resolve("trust.pass"), "trust-pass\n");
    deploy(
        vertx,
        new JsonObject()
            .put("trustStore", trustStore.toString())
            .put("trustStorePasswordFile", passwordFile.toString()),
        vsftpd.host(),
        1);

    assertThat(http.put("/files/ftps/p12.bin", "p12").statusCode()).isEqualTo(201);
    logs.assertNoSecret("trust-pass");
  }

  /**
   * What the relay's client exists for: a stock FTPSClient logs in but cannot store a file on this
   * server.
   */
  @Test
  void aStockFtpsClientIsRefusedTheDataConnection() throws Exception {
    FTPSClient stock = new FTPSClient(false, vsftpd.certificate().trustingContext());
    stock.setEnabledProtocols(new String[] {"TLSv1.2"});
    stock.connect(vsftpd.host(), vsftpd.port());
    try {
      assertThat(stock.login(vsftpd.user(), vsftpd.password())).isTrue();
      stock.execPBSZ(0);
      stock.execPROT("P");
      stock.enterLocalPassiveMode();
      boolean stored;
      try {
        stored = stock.storeFile("stock.bin", new ByteArrayInputStream(new byte[100_000]));
      } catch (IOException e) {
        stored = false;
      }
      assertThat(stored).isFalse();
      assertThat(Files.readString(vsftpd.log())).contains("522");
    } finally {
      stock.disconnect();
    }
    Files.deleteIfExists(
        vsftpd.root().resolve("stock.bin")); // vsftpd may create it before the TLS handshake
  }

  @Test
  void withoutTlsTheServerRefusesTheLogin(Vertx vertx) throws Exception {
    deploy(vertx, null, vsftpd.host(), 1);

    HttpResponse<String> response = http.put("/files/ftps/plain.bin", "x");

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(new JsonObject(response.body()).getString("error")).isEqualTo("FTP_REFUSED");
    assertThat(response.body()).contains("530").doesNotContain(vsftpd.password());
  }

  private static JsonObject tls() {
    return new JsonObject().put("trustPem", vsftpd.certificate().cert().toString());
  }

  /** The FTP password comes from a file, as it should in production. */
  private void deploy(Vertx vertx, JsonObject tls, String host, int connections) throws Exception {
    Path passwordFile = Files.writeString(dir.resolve("ftp.pass"), vsftpd.password() + "\n");
    JsonObject target =
        new JsonObject()
            .put("host", host)
            .put("port", vsftpd.port())
            .put("user", vsftpd.user())
            .put("passwordFile", passwordFile.toString());
    if (tls != null) {
      target.put("tls", tls);
    }
    JsonObject config =
        new JsonObject()
            .put("http", new JsonObject().put("port", 0))
            .put("spool", new JsonObject().put("dir", dir.resolve("spool").toString()))
            .put("ftpServer", new JsonObject().put("enabled", false))
            .put("delivery", new JsonObject().put("maxAttempts", 1))
            .put("relay", new JsonObject().put("target", target).put("connections", connections));
    gateway = new GatewayVerticle();
    vertx.deployVerticle(gateway, new DeploymentOptions().setConfig(config)).await();
    http = new Http(gateway.httpPort());
  }
}
