package ftpgw.relay;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.GatewayVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay remembers folders it has stored into (no MKD per level per file), against the embedded
 * Apache FtpServer: that server refuses a STOR into a missing folder only after opening the data
 * connection (150, then 551).
 */
@ExtendWith(VertxExtension.class)
class RelayFolderMemoryTest {
  @TempDir Path ftpRoot;
  @TempDir Path spool;
  private WebClient client;
  private GatewayVerticle gateway;

  @BeforeEach
  void deployGateway(Vertx vertx) throws TimeoutException {
    client = WebClient.create(vertx);
    JsonObject config =
        new JsonObject()
            .put("http", new JsonObject().put("port", 0))
            .put("spool", new JsonObject().put("dir", spool.toString()))
            .put("relay", new JsonObject().put("connections", 1))
            .put(
                "ftpServer",
                new JsonObject()
                    .put("enabled", true)
                    .put("port", 0)
                    .put("root", ftpRoot.toString())
                    .put("passivePorts", "0"));
    gateway = new GatewayVerticle();
    await(vertx.deployVerticle(gateway, new DeploymentOptions().setConfig(config)));
  }

  @Test
  void aFolderRemovedBetweenUploadsIsCreatedAgain() throws Exception {
    Buffer first = randomBody(8 << 20);
    Buffer second = randomBody((8 << 20) + 1);
    assertThat(put("kept/out/first.bin", first).statusCode()).isEqualTo(201);

    deleteRecursively(ftpRoot.resolve("kept"));
    HttpResponse<Buffer> response = put("kept/out/second.bin", second);

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
    assertThat(Files.readAllBytes(ftpRoot.resolve("kept/out/second.bin")))
        .isEqualTo(second.getBytes());
    assertThat(files(ftpRoot)).containsExactly("kept/out/second.bin");
    assertThat(files(spool)).isEmpty();
  }

  @Test
  void aStorRefusedAfterItsDataConnectionOpenedIsReportedWithTheServersReply() throws Exception {
    // a plain file where the folder should be: the server answers 150, then 551 once it tries to
    // create the file
    Files.writeString(ftpRoot.resolve("blocked"), "not a folder");

    HttpResponse<Buffer> response = put("blocked/x.bin", randomBody(8 << 20));

    assertThat(response.statusCode()).isEqualTo(502);
    JsonObject error = response.bodyAsJsonObject();
    assertThat(error.getString("error")).isEqualTo("FTP_REFUSED");
    assertThat(error.getString("message")).contains("551");
    assertThat(files(ftpRoot)).containsExactly("blocked");
    assertThat(files(spool)).isEmpty();
  }

  private HttpResponse<Buffer> put(String path, Buffer body) throws TimeoutException {
    return await(
        client
            .put(gateway.httpPort(), "127.0.0.1", "/files/" + path)
            .putHeader("Accept", "application/json")
            .sendBuffer(body));
  }

  private static <T> T await(Future<T> future) throws TimeoutException {
    return future.await(60, TimeUnit.SECONDS);
  }

  private static Buffer randomBody(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return Buffer.buffer(bytes);
  }

  private static List<String> files(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile)
          .map(p -> dir.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
