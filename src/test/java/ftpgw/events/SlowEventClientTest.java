package ftpgw.events;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.LogCapture;
import ftpgw.testing.SseClient;
import ftpgw.transfer.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SSE client that stops reading is dropped once its queue is full; a client that reads keeps up
 * to the last.
 */
@ExtendWith(VertxExtension.class)
class SlowEventClientTest {
  private static final int EVENTS = 20_000;
  private static final int BATCH = 8;

  @TempDir Path dir;

  @Test
  void aClientThatStopsReadingIsDroppedAndTheOthersKeepUp(Vertx vertx) throws Exception {
    GatewayUnderTest gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject().put("events", new JsonObject().put("clientQueueBytes", 16 * 1024)));
    try (LogCapture logs = LogCapture.start();
        Socket stalled = new Socket("127.0.0.1", gateway.httpPort());
        SseClient reader = SseClient.open(gateway.url("/events"))) {
      stalled
          .getOutputStream()
          .write(
              ("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      Thread.sleep(300); // both are listening

      // 20 MB of events: far more than the kernel's socket buffers and the 16 KiB queue hold. They
      // go out in
      // batches well under the queue's size, each once the reading client has the one before: a
      // client that
      // reads keeps up however loaded the machine is, and the one that does not read falls behind
      // for good.
      String padding = "p".repeat(1000);
      for (int i = 0; i < EVENTS; i++) {
        vertx
            .eventBus()
            .publish(
                Addresses.TRANSFER_EVENTS,
                new TransferEvent(
                        "test-" + i,
                        "t" + i,
                        padding,
                        "queued",
                        i,
                        null,
                        null,
                        null,
                        "test",
                        0,
                        null,
                        Instant.now())
                    .toJson());
        if (i % BATCH == BATCH - 1) {
          String last = "t" + i;
          assertThat(reader.await(e -> e.getString("id").equals(last), Duration.ofSeconds(60)))
              .isNotNull();
        }
      }
      stalled.setSoTimeout(30_000);
      InputStream in = stalled.getInputStream();
      long read = 0;
      for (int n; (n = in.read(new byte[64 * 1024])) > 0; ) {
        read += n;
      }
      assertThat(read)
          .as("the stalled client got only part of the stream before it was closed")
          .isLessThan((long) EVENTS * 1000);
      assertThat(logs.lines())
          .anyMatch(line -> line.contains("Dropped a slow event-stream client"));
    }
  }
}
