package ftpgw.files;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.cluster.ClusterView;
import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Http;
import ftpgw.testing.Poll;
import ftpgw.transfer.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relay hands a same-node download its data connection in a reply; when that reply reaches nobody
 * (the requester gave up meanwhile) nobody would ever end the session, and the pooled FTP
 * connection would be gone for good.
 */
@ExtendWith(VertxExtension.class)
class LostHandOverTest {
  @TempDir Path dir;

  @Test
  void aHandOverNobodyTakesIsTakenBackAndItsConnectionFreed(Vertx vertx) throws Exception {
    GatewayUnderTest gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject()
                .put("relay", new JsonObject().put("connections", 1).put("dataTimeoutMs", 1000)));
    Files.createDirectories(gateway.ftpRoot().resolve("lost"));
    Files.writeString(gateway.ftpRoot().resolve("lost/f.txt"), "x".repeat(100_000));
    FileRequest read =
        new FileRequest(
            FileRequest.Op.READ,
            "/lost/f.txt",
            null,
            false,
            0,
            -1,
            null,
            ClusterView.of(vertx).nodeId());

    vertx.eventBus().send(Addresses.FILES, read.toJson()); // no reply handler: the reply is lost

    Poll.until(
        "the RETR holds the only FTP connection",
        Duration.ofSeconds(10),
        () -> gateway.meter("ftpgw_ftp_connections_in_use"),
        inUse -> inUse == 1);
    Poll.until(
        "the relay took the hand-over back after relay.dataTimeoutMs",
        Duration.ofSeconds(10),
        () -> gateway.meter("ftpgw_ftp_connections_in_use"),
        inUse -> inUse == 0);
    HttpResponse<String> after = new Http(gateway.httpPort()).get("/files/lost/f.txt");
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(after.body()).hasSize(100_000);
  }
}
