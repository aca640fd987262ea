package ftpgw.relay;

import static ftpgw.testing.TestFiles.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.GatewayVerticle;
import ftpgw.testing.Http;
import ftpgw.testing.ObservedFtpServer;
import ftpgw.testing.TestCertificate;
import ftpgw.testing.TestFiles;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FTPS to Apache FtpServer that takes logins and uploads over TLS only (a stand-alone server in the
 * test; the embedded server's own FTPS is tested with it): TLS 1.3 and 1.2, with the data
 * connections' sessions resumed.
 */
@ExtendWith(VertxExtension.class)
class FtpsRelayToFtpServerTest {
  @TempDir Path dir;
  private ObservedFtpServer ftp;
  private TestCertificate cert;
  private Http http;

  @BeforeEach
  void startFtpServer() throws Exception {
    cert = TestCertificate.create(dir.resolve("tls"), "127.0.0.1", "IP:127.0.0.1");
    ftp = ObservedFtpServer.startWithTls(dir, cert);
  }

  @AfterEach
  void stopFtpServer() {
    ftp.close();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void uploadsArePublishedOverFtps(String protocol, Vertx vertx) throws Exception {
    deploy(
        vertx,
        new JsonObject()
            .put("trustPem", cert.cert().toString())
            .put("protocols", new JsonArray().add(protocol)));
    for (long size : new long[] {0, 1, 2 * MiB + 3}) {
      Path file = TestFiles.random(dir, "f" + size + ".bin", size);
      HttpResponse<String> response = http.put("/files/ftps/" + file.getFileName(), file);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
      assertThat(TestFiles.sha256(ftp.root().resolve("ftps/" + file.getFileName())))
          .isEqualTo(TestFiles.sha256(file));
    }
    assertThat(ftp.secureUploads()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void aPlainRelayIsRefusedByAServerThatRequiresTls(Vertx vertx) throws Exception {
    deploy(vertx, null);

    HttpResponse<String> response = http.put("/files/plain.bin", "x");

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.body()).contains("530");
    assertThat(TestFiles.filesUnder(ftp.root())).isEmpty();
  }

  private void deploy(Vertx vertx, JsonObject tls) {
    JsonObject target =
        new JsonObject()
            .put("host", "127.0.0.1")
            .put("port", ftp.port())
            .put("user", ObservedFtpServer.USER)
            .put("password", ObservedFtpServer.PASSWORD);
    if (tls != null) {
      target.put("tls", tls);
    }
    JsonObject config =
        new JsonObject()
            .put("http", new JsonObject().put("port", 0))
            .put("spool", new JsonObject().put("dir", dir.resolve("spool").toString()))
            .put("ftpServer", new JsonObject().put("enabled", false))
            .put("delivery", new JsonObject().put("maxAttempts", 1))
            .put("relay", new JsonObject().put("target", target).put("connections", 2));
    GatewayVerticle gateway = new GatewayVerticle();
    vertx.deployVerticle(gateway, new DeploymentOptions().setConfig(config)).await();
    http = new Http(gateway.httpPort());
  }
}
