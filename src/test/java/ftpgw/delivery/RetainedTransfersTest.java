package ftpgw.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.config.DeliveryConfig;
import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Http;
import ftpgw.testing.TestFiles;
import ftpgw.transfer.Transfer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finished transfers stay visible for the retention time, but a node keeps at most {@code
 * delivery.retainedTransfers} of them: without that bound a day of small uploads filled the heap
 * (76 000 uploads of 4 KiB ended the default 128 MiB JVM with an OutOfMemoryError).
 */
@ExtendWith(VertxExtension.class)
class RetainedTransfersTest {
  @TempDir Path dir;

  @Test
  void pastTheLimitTheOldestFinishedTransfersAreForgotten(Vertx vertx) throws Exception {
    GatewayUnderTest gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject().put("delivery", new JsonObject().put("retainedTransfers", 3)));
    Http http = new Http(gateway.httpPort());
    Path file = TestFiles.random(dir, "a.bin", 4096);
    List<String> ids = new ArrayList<>();

    for (int i = 0; i < 5; i++) {
      var response = http.put("/files/kept/" + i + ".bin", file);
      assertThat(response.statusCode()).isEqualTo(201);
      ids.add(new JsonObject(response.body()).getString("id"));
    }

    assertThat(new JsonObject(http.get("/transfers").body()).getInteger("total")).isEqualTo(3);
    assertThat(http.get("/transfers/" + ids.get(0)).statusCode()).isEqualTo(404);
    assertThat(http.get("/transfers/" + ids.get(1)).statusCode()).isEqualTo(404);
    for (String kept : ids.subList(2, 5)) {
      assertThat(new JsonObject(http.get("/transfers/" + kept).body()).getString("state"))
          .isEqualTo("delivered");
    }
  }

  @Test
  void transfersStillUnderWayAreNeverForgottenAndEveryStoreOfANodeSharesTheLimit(Vertx vertx)
      throws Exception {
    DeliveryConfig keepTwo = withRetained(2);
    TransferStatusStore http = new TransferStatusStore(vertx, keepTwo);
    TransferStatusStore delivery = new TransferStatusStore(vertx, keepTwo);
    Transfer underWay = Transfer.queued("under-way", "a.bin", 1, "00", "/spool/a", null);
    http.put(underWay).await();

    for (int i = 0; i < 3; i++) {
      TransferStatusStore store = i % 2 == 0 ? http : delivery;
      store.put(Transfer.queued("done-" + i, "b.bin", 1, "00", "/s", null).delivered()).await();
    }

    assertThat(delivery.get("under-way").await()).isNotNull();
    assertThat(delivery.get("done-0").await()).isNull();
    assertThat(http.get("done-1").await()).isNotNull();
    assertThat(http.get("done-2").await()).isNotNull();
  }

  private static DeliveryConfig withRetained(int retained) {
    DeliveryConfig d = DeliveryConfig.DEFAULTS;
    return new DeliveryConfig(
        d.syncTimeout(),
        d.maxAttempts(),
        d.initialBackoff(),
        d.maxBackoff(),
        d.maxAge(),
        Duration.ofHours(1),
        retained,
        d.shutdownGrace(),
        d.cutThroughBytes(),
        d.smallBodyBytes());
  }
}
