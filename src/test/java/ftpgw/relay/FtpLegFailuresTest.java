package ftpgw.relay;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.GatewayVerticle;
import ftpgw.testing.FreePorts;
import ftpgw.testing.Http;
import ftpgw.testing.LogCapture;
import ftpgw.testing.TestCertificate;
import ftpgw.testing.TestFiles;
import ftpgw.testing.VsftpdServer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the FTP leg is misconfigured or down, the client hears so at once and in plain words: a
 * certificate the relay does not trust fails after one attempt naming the trust setting; a
 * passthrough login that cannot be checked is 502 FTP_UNREACHABLE, not a 500 with a Java exception
 * and a stack trace in the log.
 */
@ExtendWith(VertxExtension.class)
class FtpLegFailuresTest {
  private static VsftpdServer vsftpd;

  @TempDir Path dir;
  private LogCapture logs;
  private Path spool;

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
    spool = dir.resolve("spool");
  }

  @AfterEach
  void nothingStrayAndNoStackTrace() throws Exception {
    try {
      logs.assertNoSecret(vsftpd.password());
      assertThat(logs.lines())
          .as("no stack trace is logged")
          .noneMatch(
              l ->
                  l.startsWith("    at ")
                      || l.matches("\\s+[a-z]+(\\.[a-z0-9_]+)+\\.[A-Z]\\w*(Exception|Error): .*"));
      assertThat(vsftpd.files()).isEmpty();
      assertThat(TestFiles.filesUnder(spool)).isEmpty();
    } finally {
      logs.close();
    }
  }

  @Test
  void anUntrustedCertificateFailsAfterOneAttemptNamingTrustPem(Vertx vertx) throws Exception {
    TestCertificate stranger =
        TestCertificate.create(dir.resolve("stranger"), "127.0.0.1", "IP:127.0.0.1");
    JsonObject target =
        login(
            new JsonObject()
                .put("host", vsftpd.host())
                .put("port", vsftpd.port())
                .put("tls", new JsonObject().put("trustPem", stranger.cert().toString())));
    Http http = new Http(deploy(vertx, target, false));

    long started = System.nanoTime();
    HttpResponse<String> response = http.put("/files/untrusted.bin", "x");
    long millis = (System.nanoTime() - started) / 1_000_000;

    assertThat(response.statusCode()).as(response.body()).isEqualTo(502);
    JsonObject error = new JsonObject(response.body());
    assertThat(error.getString("error")).isEqualTo("FTP_UNTRUSTED");
    assertThat(error.getString("message"))
        .contains("not trusted")
        .contains("relay.target.tls.trustPem " + stranger.cert())
        .doesNotContain("Exception")
        .doesNotContain("sun.security");
    // one attempt, no backoff (initialBackoffMs 2000 would make ten attempts last minutes)
    assertThat(millis).isLessThan(20_000);
    JsonObject failed =
        new JsonObject(http.get("/transfers?state=failed").body())
            .getJsonArray("items")
            .getJsonObject(0);
    assertThat(failed.getInteger("attempts")).isEqualTo(1);
    assertThat(failed.getString("lastError")).contains("relay.target.tls.trustPem");
  }

  @Test
  void passthroughWithTheFtpServerDownAnswers502InPlainWords(Vertx vertx) throws Exception {
    int nobodyListens = FreePorts.one();
    Http http =
        new Http(
            deploy(
                vertx, new JsonObject().put("host", "127.0.0.1").put("port", nobodyListens), true));

    HttpResponse<String> response =
        http.put(
            "/files/down.bin", "x", "Authorization", Http.basic(vsftpd.user(), vsftpd.password()));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(502);
    JsonObject error = new JsonObject(response.body());
    assertThat(error.getString("error")).isEqualTo("FTP_UNREACHABLE");
    assertThat(error.getString("message"))
        .isEqualTo(
            "cannot check the login with the FTP server: FTP server 127.0.0.1:"
                + nobodyListens
                + " refused the connection: is it running, and are relay.target.host/port right?");
  }

  @Test
  void passthroughWithAFailingTlsHandshakeAnswers502NamingTheTrustSetting(Vertx vertx)
      throws Exception {
    TestCertificate stranger =
        TestCertificate.create(dir.resolve("stranger"), "127.0.0.1", "IP:127.0.0.1");
    JsonObject target =
        new JsonObject()
            .put("host", vsftpd.host())
            .put("port", vsftpd.port())
            .put("tls", new JsonObject().put("trustPem", stranger.cert().toString()));
    Http http = new Http(deploy(vertx, target, true));

    HttpResponse<String> response =
        http.put(
            "/files/tls.bin", "x", "Authorization", Http.basic(vsftpd.user(), vsftpd.password()));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(502);
    JsonObject error = new JsonObject(response.body());
    assertThat(error.getString("error")).isEqualTo("FTP_UNREACHABLE");
    assertThat(error.getString("message"))
        .contains("certificate is not trusted")
        .contains("relay.target.tls.trustPem")
        .doesNotContain("Exception")
        .doesNotContain("PKIX");
  }

  private JsonObject login(JsonObject target) throws Exception {
    Path passwordFile = Files.writeString(dir.resolve("ftp.pass"), vsftpd.password() + "\n");
    return target.put("user", vsftpd.user()).put("passwordFile", passwordFile.toString());
  }

  private int deploy(Vertx vertx, JsonObject target, boolean passthrough) {
    JsonObject config =
        new JsonObject()
            .put("http", new JsonObject().put("port", 0))
            .put("spool", new JsonObject().put("dir", spool.toString()))
            .put("ftpServer", new JsonObject().put("enabled", false))
            .put("delivery", new JsonObject().put("maxAttempts", 10).put("initialBackoffMs", 2000))
            .put("relay", new JsonObject().put("target", target).put("connections", 2));
    if (passthrough) {
      config.put("auth", new JsonObject().put("mode", "passthrough").put("failureDelayMs", 0));
    }
    GatewayVerticle gateway = new GatewayVerticle();
    vertx.deployVerticle(gateway, new DeploymentOptions().setConfig(config)).await();
    return gateway.httpPort();
  }
}
