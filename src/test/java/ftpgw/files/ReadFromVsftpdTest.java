package ftpgw.files;

import static ftpgw.testing.TestFiles.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.GatewayVerticle;
import ftpgw.testing.Curl;
import ftpgw.testing.Http;
import ftpgw.testing.TestFiles;
import ftpgw.testing.VsftpdServer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads and changes against vsftpd, which has no MLST/MLSD: stat through SIZE and MDTM, listings
 * parsed from LIST.
 */
@ExtendWith(VertxExtension.class)
class ReadFromVsftpdTest {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static VsftpdServer vsftpd;

  @TempDir Path dir;
  private Http http;
  private int port;

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

  @BeforeEach
  void deploy(Vertx vertx) {
    JsonObject target =
        new JsonObject()
            .put("host", vsftpd.host())
            .put("port", vsftpd.port())
            .put("user", vsftpd.user())
            .put("password", vsftpd.password());
    JsonObject config =
        new JsonObject()
            .put("http", new JsonObject().put("port", 0))
            .put("spool", new JsonObject().put("dir", dir.resolve("spool").toString()))
            .put("ftpServer", new JsonObject().put("enabled", false))
            .put("relay", new JsonObject().put("target", target).put("connections", 3));
    GatewayVerticle gateway = new GatewayVerticle();
    vertx.deployVerticle(gateway, new DeploymentOptions().setConfig(config)).await();
    port = gateway.httpPort();
    http = new Http(port);
  }

  @AfterEach
  void nothingStrayRemains() throws Exception {
    assertThat(vsftpd.temporaryFiles()).isEmpty();
  }

  @Test
  void downloadsRangesResumesAndConditionalsWork() throws Exception {
    Path file = TestFiles.random(dir, "v.bin", 6 * MiB + 1);
    assertThat(http.put("/files/vs/d/v.bin", file).statusCode()).isEqualTo(201);
    String url = "http://127.0.0.1:" + port + "/files/vs/d/v.bin";

    Path got = dir.resolve("got.bin");
    Curl whole = Curl.run("-D", "-", "-o", got.toString(), url);
    assertThat(whole.status()).isEqualTo(200);
    assertThat(TestFiles.sha256(got)).isEqualTo(TestFiles.sha256(file));
    assertThat(whole.header("Last-Modified")).endsWith("GMT");

    Path partial = dir.resolve("partial.bin");
    Files.write(partial, Arrays.copyOf(Files.readAllBytes(file), (int) MiB));
    Curl resumed = Curl.run("-D", "-", "-C", "-", "-o", partial.toString(), url);
    assertThat(resumed.status()).isEqualTo(206);
    assertThat(TestFiles.sha256(partial)).isEqualTo(TestFiles.sha256(file));

    assertThat(http.get("/files/vs/d/v.bin", "If-None-Match", whole.header("ETag")).statusCode())
        .isEqualTo(304);
    assertThat(http.get("/files/vs/d/none.bin").statusCode()).isEqualTo(404);
  }

  @Test
  void listingsAndChangesWorkWithoutMlsd() throws Exception {
    assertThat(http.put("/files/vl/a.txt", "alpha").statusCode()).isEqualTo(201);
    assertThat(http.put("/files/vl/sub/b.txt", "beta").statusCode()).isEqualTo(201);

    JsonArray entries = new JsonObject(http.get("/files/vl/").body()).getJsonArray("entries");
    assertThat(entries).hasSize(2);
    assertThat(entries.getJsonObject(0).getString("name")).isEqualTo("sub");
    assertThat(entries.getJsonObject(0).getString("type")).isEqualTo("folder");
    assertThat(entries.getJsonObject(1).getString("name")).isEqualTo("a.txt");
    assertThat(entries.getJsonObject(1).getLong("size")).isEqualTo(5);

    assertThat(send("MKCOL", "/files/vl/empty/").statusCode()).isEqualTo(201);
    assertThat(new JsonObject(http.get("/files/vl/empty/").body()).getJsonArray("entries"))
        .isEmpty();
    assertThat(http.get("/files/vl/nothing/").statusCode()).isEqualTo(404);

    assertThat(http.delete("/files/vl/sub/").statusCode()).isEqualTo(409);
    assertThat(send("MOVE", "/files/vl/a.txt", "Destination", "/files/vl/sub/c.txt").statusCode())
        .isEqualTo(201);
    assertThat(send("COPY", "/files/vl/sub/c.txt", "Destination", "/files/vl/d.txt").statusCode())
        .isEqualTo(201);
    assertThat(http.get("/files/vl/d.txt").body()).isEqualTo("alpha");
    assertThat(http.delete("/files/vl/empty/").statusCode()).isEqualTo(204);
    assertThat(vsftpd.exists("vl/empty")).isFalse();
    assertThat(vsftpd.exists("vl/a.txt")).isFalse();
  }

  private HttpResponse<String> send(String method, String path, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
