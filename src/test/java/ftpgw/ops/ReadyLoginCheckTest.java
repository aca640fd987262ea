package ftpgw.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.GatewayVerticle;
import ftpgw.config.Pbkdf2Hash;
import ftpgw.testing.Http;
import ftpgw.testing.LogCapture;
import ftpgw.testing.TestCertificate;
import ftpgw.testing.VsftpdServer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
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
 * {@code /ready} on a relay node logs in to the FTP target (TLS included), so a wrong trust setting
 * or password shows as 503 with the reason; the login is cached (one per {@link
 * FtpLoginCheck#RECHECK_AFTER}); with logins on, the detail is for logged-in callers only.
 */
@ExtendWith(VertxExtension.class)
class ReadyLoginCheckTest {
  private static final String OPS_PASSWORD = "ops-pw-" + System.nanoTime();
  private static VsftpdServer vsftpd;

  @TempDir Path dir;
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
  void noSecretWasLogged() {
    try {
      logs.assertNoSecret(vsftpd.password(), OPS_PASSWORD);
    } finally {
      logs.close();
    }
  }

  @Test
  void anUntrustedCertificateMakesTheRelayNodeNotReadyWithTheReason(Vertx vertx) throws Exception {
    TestCertificate stranger =
        TestCertificate.create(dir.resolve("stranger"), "127.0.0.1", "IP:127.0.0.1");
    Http http = new Http(deploy(vertx, stranger.cert(), vsftpd.password(), null));

    JsonObject ftp = ftpCheck(http.get("/ready"), 503);

    assertThat(ftp.getString("status")).isEqualTo("DOWN");
    assertThat(ftp.getJsonObject("data").getString("reason"))
        .contains("certificate is not trusted")
        .contains("relay.target.tls.trustPem " + stranger.cert())
        .doesNotContain("Exception");
  }

  @Test
  void aWrongRelayPasswordMakesTheRelayNodeNotReady(Vertx vertx) throws Exception {
    Http http = new Http(deploy(vertx, vsftpd.certificate().cert(), "not-the-password", null));

    JsonObject ftp = ftpCheck(http.get("/ready"), 503);

    assertThat(ftp.getJsonObject("data").getString("reason"))
        .contains("530")
        .contains("check relay.target.user/password")
        .doesNotContain("not-the-password");
  }

  @Test
  void aGoodLoginIsReadyAndCheckedOncePerInterval(Vertx vertx) throws Exception {
    Http http = new Http(deploy(vertx, vsftpd.certificate().cert(), vsftpd.password(), null));
    long loginsBefore = logins();

    for (int i = 0; i < 5; i++) {
      assertThat(ftpCheck(http.get("/ready"), 200).getString("status")).isEqualTo("UP");
    }

    assertThat(logins() - loginsBefore).as("FTP logins for 5 readiness checks").isEqualTo(1);
  }

  @Test
  void withLoginsOnTheDetailNeedsALogin(Vertx vertx) throws Exception {
    TestCertificate stranger =
        TestCertificate.create(dir.resolve("stranger"), "127.0.0.1", "IP:127.0.0.1");
    JsonObject auth =
        new JsonObject()
            .put("mode", "users")
            .put("failureDelayMs", 0)
            .put(
                "users",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("name", "ops")
                            .put(
                                "passwordHash",
                                Pbkdf2Hash.create(
                                        OPS_PASSWORD.toCharArray(), Pbkdf2Hash.MIN_ITERATIONS)
                                    .encode())));
    Http http = new Http(deploy(vertx, stranger.cert(), vsftpd.password(), auth));

    HttpResponse<String> anonymous = http.get("/ready");
    assertThat(anonymous.statusCode()).isEqualTo(503);
    assertThat(new JsonObject(anonymous.body())).isEqualTo(new JsonObject().put("status", "DOWN"));
    assertThat(anonymous.body())
        .doesNotContain("127.0.0.1")
        .doesNotContain(String.valueOf(vsftpd.port()));

    HttpResponse<String> wrong = http.get("/ready", "Authorization", Http.basic("ops", "wrong"));
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(wrong.body()).getString("error")).isEqualTo("UNAUTHORIZED");

    JsonObject ftp =
        ftpCheck(http.get("/ready", "Authorization", Http.basic("ops", OPS_PASSWORD)), 503);
    assertThat(ftp.getJsonObject("data").getString("target"))
        .isEqualTo(vsftpd.host() + ":" + vsftpd.port());
    assertThat(ftp.getJsonObject("data").getString("reason")).contains("relay.target.tls.trustPem");
    assertThat(http.get("/health").statusCode()).isEqualTo(200);
  }

  private static JsonObject ftpCheck(HttpResponse<String> ready, int status) {
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(status);
    return new JsonObject(ready.body())
        .getJsonArray("checks").stream()
            .map(JsonObject.class::cast)
            .filter(c -> c.getString("id").equals("ftp"))
            .findFirst()
            .orElseThrow();
  }

  /** Successful logins in vsftpd's log so far. */
  private static long logins() throws Exception {
    return Files.readAllLines(vsftpd.log()).stream().filter(l -> l.contains("OK LOGIN")).count();
  }

  private int deploy(Vertx vertx, Path trustPem, String password, JsonObject auth)
      throws Exception {
    Path passwordFile = Files.writeString(dir.resolve("ftp.pass"), password + "\n");
    JsonObject config =
        new JsonObject()
            .put("http", new JsonObject().put("port", 0))
            .put("spool", new JsonObject().put("dir", dir.resolve("spool").toString()))
            .put("ftpServer", new JsonObject().put("enabled", false))
            .put(
                "relay",
                new JsonObject()
                    .put(
                        "target",
                        new JsonObject()
                            .put("host", vsftpd.host())
                            .put("port", vsftpd.port())
                            .put("user", vsftpd.user())
                            .put("passwordFile", passwordFile.toString())
                            .put("tls", new JsonObject().put("trustPem", trustPem.toString()))));
    if (auth != null) {
      config.put("auth", auth);
    }
    GatewayVerticle gateway = new GatewayVerticle();
    vertx.deployVerticle(gateway, new DeploymentOptions().setConfig(config)).await();
    return gateway.httpPort();
  }
}
