package ftpgw.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Http;
import ftpgw.testing.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An edge that finds no relay node: the upload is refused as retryable, and nothing of it stays.
 */
@ExtendWith(VertxExtension.class)
class EdgeWithoutRelayTest {
  @TempDir Path dir;

  @Test
  void anUploadToAnEdgeWithNoRelayNodeIsAnswered503RelayUnavailable(Vertx vertx) throws Exception {
    GatewayUnderTest edge =
        GatewayUnderTest.start(
            vertx,
            dir,
            new JsonObject()
                .put("roles", new JsonArray().add("http"))
                .put("ftpServer", new JsonObject().put("enabled", false))
                .put("delivery", new JsonObject().put("maxAttempts", 1)));
    Path file = TestFiles.random(dir, "stranded.bin", 100_000);

    HttpResponse<String> response = new Http(edge.httpPort()).put("/files/edge/stranded.bin", file);

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).isPresent();
    assertThat(new JsonObject(response.body()).getString("error")).isEqualTo("RELAY_UNAVAILABLE");
    assertThat(edge.strayFiles()).isEmpty();
  }
}
