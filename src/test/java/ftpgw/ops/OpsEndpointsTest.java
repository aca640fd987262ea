package ftpgw.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.FreePorts;
import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Http;
import ftpgw.testing.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /ready} tells what is wrong, {@code /metrics} counts what went through; on a real gateway.
 */
@ExtendWith(VertxExtension.class)
class OpsEndpointsTest {
  @TempDir Path dir;

  @Test
  void readyAndMetricsReportAnUploadThatWentThrough(Vertx vertx) throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir);
    Http http = new Http(gateway.httpPort());
    Path file = TestFiles.random(dir, "counted.bin", 300_000);
    assertThat(http.put("/files/ops/counted.bin", file).statusCode()).isEqualTo(201);

    HttpResponse<String> ready = http.get("/ready");
    HttpResponse<String> metrics = http.get("/metrics");

    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    JsonObject readiness = new JsonObject(ready.body());
    assertThat(readiness.getString("status")).isEqualTo("UP");
    assertThat(readiness.getJsonArray("checks").stream().map(c -> ((JsonObject) c).getString("id")))
        .containsExactlyInAnyOrder("cluster", "spool", "ftp");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    assertThat(metrics.body().lines())
        .contains(
            "ftpgw_uploads_total 1.0",
            "ftpgw_bytes_in_total 300000.0",
            "ftpgw_bytes_out_total 300000.0",
            "ftpgw_relay_latency_seconds_count{outcome=\"success\"} 1",
            "ftpgw_retries_total 0.0",
            "ftpgw_queue_depth 0.0",
            "ftpgw_spool_bytes 0.0",
            "ftpgw_cluster_members 1.0")
        .anyMatch(line -> line.startsWith("ftpgw_ftp_connections_in_use "))
        .anyMatch(line -> line.startsWith("ftpgw_ftp_connections_open 1.0"));
    assertThat(http.get("/health").body()).isEqualTo("{\"status\":\"UP\"}\n");
  }

  @Test
  void readyIsDownWithTheReasonWhenTheFtpTargetCannotBeReached(Vertx vertx) throws Exception {
    int nothingListens = FreePorts.one();
    GatewayUnderTest gateway =
        GatewayUnderTest.start(
            vertx,
            dir,
            new JsonObject()
                .put("ftpServer", new JsonObject().put("enabled", false))
                .put(
                    "relay",
                    new JsonObject()
                        .put(
                            "target",
                            new JsonObject()
                                .put("host", "127.0.0.1")
                                .put("port", nothingListens)
                                .put("user", "nobody"))));

    HttpResponse<String> ready = new Http(gateway.httpPort()).get("/ready");

    assertThat(ready.statusCode()).isEqualTo(503);
    JsonObject readiness = new JsonObject(ready.body());
    assertThat(readiness.getString("status")).isEqualTo("DOWN");
    JsonObject ftp =
        readiness.getJsonArray("checks").stream()
            .map(JsonObject.class::cast)
            .filter(c -> c.getString("id").equals("ftp"))
            .findFirst()
            .orElseThrow();
    assertThat(ftp.getString("status")).isEqualTo("DOWN");
    assertThat(ftp.getJsonObject("data").getString("target"))
        .isEqualTo("127.0.0.1:" + nothingListens);
    assertThat(ftp.getJsonObject("data").getString("reason")).startsWith("cannot connect");
    assertThat(gateway.strayFiles()).isEmpty();
  }
}
