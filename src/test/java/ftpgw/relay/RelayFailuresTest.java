package ftpgw.relay;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.config.FtpServerConfig;
import ftpgw.config.Secret;
import ftpgw.ftpserver.FtpAccount;
import ftpgw.ftpserver.FtpServerVerticle;
import ftpgw.testing.FreePorts;
import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the FTP side fails, the client is told precisely, never with a 2xx, and nothing is left
 * behind.
 */
@ExtendWith(VertxExtension.class)
class RelayFailuresTest {
  private static final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void anFtpServerThatIsDownGives502Unreachable(Vertx vertx) throws Exception {
    int closedPort = FreePorts.one();
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir, relayTo(closedPort, "gw", "pw"));

    HttpResponse<String> response = put(gateway, "/files/x.bin", "payload");

    assertError(response, 502, "FTP_UNREACHABLE");
    assertThat(new JsonObject(response.body()).getString("message"))
        .contains("127.0.0.1:" + closedPort);
    assertThat(gateway.strayFiles()).isEmpty();
  }

  @Test
  void aWrongFtpPasswordGives502WithThe530Reply(Vertx vertx) throws Exception {
    FtpServerVerticle ftp = startFtpServer(vertx, FreePorts.one(), "right-password");
    GatewayUnderTest gateway =
        GatewayUnderTest.start(vertx, dir, relayTo(ftp.actualPort(), "uploader", "wrong"));

    HttpResponse<String> response = put(gateway, "/files/x.bin", "payload");

    assertError(response, 502, "FTP_REFUSED");
    assertThat(new JsonObject(response.body()).getString("message"))
        .contains("530")
        .contains("uploader")
        .doesNotContain("wrong");
    assertThat(TestFiles.filesUnder(dir.resolve("target-root"))).isEmpty();
    assertThat(gateway.strayFiles()).isEmpty();
  }

  @Test
  void aServerThatNeverAnswersGives504(Vertx vertx) throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      JsonObject config = relayTo(silent.getLocalPort(), "gw", "pw");
      config.getJsonObject("relay").put("replyTimeoutMs", 300).put("connectTimeoutMs", 300);
      GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir, config);

      HttpResponse<String> response = put(gateway, "/files/x.bin", "payload");

      assertError(response, 504, "FTP_TIMEOUT");
      assertThat(gateway.strayFiles()).isEmpty();
    }
  }

  @Test
  void aFullSpoolGives503WithRetryAfterBeforeTheBodyIsRead(Vertx vertx) throws Exception {
    GatewayUnderTest gateway =
        GatewayUnderTest.start(
            vertx,
            dir,
            new JsonObject()
                .put("spool", new JsonObject().put("maxBytes", 1000).put("retryAfterSeconds", 7)));

    HttpResponse<String> response = put(gateway, "/files/x.bin", "y".repeat(1001));

    assertError(response, 503, "SPOOL_FULL");
    assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
    assertThat(gateway.strayFiles()).isEmpty();
    assertThat(put(gateway, "/files/small.bin", "y".repeat(1000)).statusCode()).isEqualTo(201);
  }

  @Test
  void aPooledConnectionDroppedByARestartedServerIsReplacedTransparently(Vertx vertx)
      throws Exception {
    int port = FreePorts.one();
    FtpServerVerticle ftp = startFtpServer(vertx, port, "secret");
    GatewayUnderTest gateway =
        GatewayUnderTest.start(vertx, dir, relayTo(port, "uploader", "secret"));
    assertThat(put(gateway, "/files/before.bin", "one").statusCode()).isEqualTo(201);

    vertx.undeploy(ftp.deploymentID()).await();
    startFtpServer(vertx, port, "secret");

    HttpResponse<String> after = put(gateway, "/files/after.bin", "two");
    assertThat(after.statusCode()).as(after.body()).isEqualTo(201);
    assertThat(dir.resolve("target-root/after.bin")).hasContent("two");
  }

  private FtpServerVerticle startFtpServer(Vertx vertx, int port, String password) {
    FtpServerConfig config =
        new FtpServerConfig(
            true,
            "127.0.0.1",
            port,
            dir.resolve("target-root"),
            null,
            FreePorts.range(20),
            null,
            20,
            20,
            60,
            null);
    FtpServerVerticle ftp =
        new FtpServerVerticle(config, new FtpAccount("uploader", Secret.of(password)));
    vertx.deployVerticle(ftp).await();
    return ftp;
  }

  /** One attempt only, so that a failure is answered at once instead of being retried. */
  private static JsonObject relayTo(int port, String user, String password) {
    return new JsonObject()
        .put("ftpServer", new JsonObject().put("enabled", false))
        .put("delivery", new JsonObject().put("maxAttempts", 1))
        .put(
            "relay",
            new JsonObject()
                .put(
                    "target",
                    new JsonObject()
                        .put("host", "127.0.0.1")
                        .put("port", port)
                        .put("user", user)
                        .put("password", password)));
  }

  private static HttpResponse<String> put(GatewayUnderTest gateway, String path, String body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(gateway.url(path)))
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void assertError(HttpResponse<String> response, int status, String error) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonObject json = new JsonObject(response.body());
    assertThat(json.getString("error")).isEqualTo(error);
    assertThat(json.getString("message")).isNotBlank();
  }
}
