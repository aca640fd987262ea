package ftpgw.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.spool.LiveBody;
import ftpgw.testing.TestFiles;
import ftpgw.transfer.Addresses;
import ftpgw.transfer.ChunkRequest;
import ftpgw.transfer.Failure;
import ftpgw.transfer.RelayRequest;
import ftpgw.transfer.RelayResult;
import ftpgw.transfer.RemoteRelayRequest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relay node's side of a remote transfer, on the real event bus: test consumers stand in for the
 * edge's chunk source and for the node's FTP relay.
 */
@ExtendWith(VertxExtension.class)
class ClusterRelayVerticleTest {
  private static final String SOURCE = Addresses.chunkSource("test-edge");
  private static final int CHUNK = 4096;
  private static final int WINDOW = 2;

  @TempDir Path dir;
  private Path inbound;
  private byte[] body;
  private final AtomicInteger published = new AtomicInteger();

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) throws Exception {
    inbound = dir.resolve("inbound");
    body = Files.readAllBytes(TestFiles.random(dir, "body.bin", 10 * CHUNK + 123));
    // the node's FTP relay: reads the live inbound body as a real relay would (blocking, on a
    // worker), checks it is
    // the body, and "publishes" it only when the body ended as accepted
    vertx
        .eventBus()
        .<JsonObject>localConsumer(
            Addresses.RELAY_FILE,
            message -> {
              RelayRequest request = RelayRequest.fromJson(message.body());
              vertx
                  .executeBlocking(
                      () -> {
                        assertThat(request.live()).isTrue();
                        try (InputStream in =
                            LiveBody.find(Path.of(request.spoolFile()))
                                .orElseThrow()
                                .newInputStream()) {
                          assertThat(in.readAllBytes()).isEqualTo(body);
                        }
                        published.incrementAndGet();
                        return new RelayResult(
                            request.transferId(), request.remotePath(), request.bytes(), 1);
                      },
                      false)
                  .onComplete(
                      done -> {
                        if (done.succeeded()) {
                          message.reply(done.result().toJson());
                        } else {
                          message.fail(Failure.INTERNAL.busCode(), String.valueOf(done.cause()));
                        }
                      });
            });
    vertx
        .deployVerticle(
            new ClusterRelayVerticle(inbound, Duration.ofSeconds(30), Duration.ofSeconds(5)))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aBodyPulledWholeWithinTheWindowIsPublishedAndItsInboundFileRemoved(
      Vertx vertx, VertxTestContext ctx) {
    AtomicInteger outstanding = new AtomicInteger();
    AtomicInteger mostOutstanding = new AtomicInteger();
    vertx
        .eventBus()
        .<JsonObject>consumer(
            SOURCE,
            message -> {
              mostOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
              ChunkRequest chunk = ChunkRequest.fromJson(message.body());
              // answer a little later, so that a puller ignoring its window would have more
              // requests out
              vertx.setTimer(
                  5,
                  t -> {
                    outstanding.decrementAndGet();
                    message.reply(
                        Buffer.buffer(body)
                            .slice((int) chunk.offset(), (int) chunk.offset() + chunk.length()));
                  });
            });

    relay(vertx, TestFiles.sha256(dir.resolve("body.bin")))
        .onComplete(
            ctx.succeeding(
                reply ->
                    ctx.verify(
                        () -> {
                          assertThat(RelayResult.fromJson(reply).bytes()).isEqualTo(body.length);
                          assertThat(published.get()).isEqualTo(1);
                          assertThat(mostOutstanding.get()).isBetween(1, WINDOW);
                          assertThat(TestFiles.filesUnder(inbound)).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  void aBodyThatArrivesWithAnotherDigestIsNeverPublished(Vertx vertx, VertxTestContext ctx) {
    vertx
        .eventBus()
        .<JsonObject>consumer(
            SOURCE,
            message ->
                message.reply(
                    Buffer.buffer(new byte[ChunkRequest.fromJson(message.body()).length()])));

    relay(vertx, TestFiles.sha256(dir.resolve("body.bin")))
        .onComplete(
            ctx.failing(
                error ->
                    ctx.verify(
                        () -> {
                          assertThat(Failure.of(error)).isEqualTo(Failure.CORRUPTED_IN_TRANSIT);
                          assertThat(error.getMessage()).contains("nothing was published");
                          assertThat(published.get()).isZero();
                          assertThat(TestFiles.filesUnder(inbound)).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  void anEdgeThatWithdrawsTheTransferMidPullFailsItAndLeavesNothing(
      Vertx vertx, VertxTestContext ctx) {
    vertx
        .eventBus()
        .<JsonObject>consumer(
            SOURCE,
            message -> {
              ChunkRequest chunk = ChunkRequest.fromJson(message.body());
              if (chunk.offset() >= 3 * CHUNK) {
                message.fail(
                    Failure.CONFLICT.busCode(), "transfer t1 is not offered under this lease");
              } else {
                message.reply(
                    Buffer.buffer(body)
                        .slice((int) chunk.offset(), (int) chunk.offset() + chunk.length()));
              }
            });

    relay(vertx, TestFiles.sha256(dir.resolve("body.bin")))
        .onComplete(
            ctx.failing(
                error ->
                    ctx.verify(
                        () -> {
                          assertThat(error).isInstanceOf(ReplyException.class);
                          assertThat(Failure.of(error)).isEqualTo(Failure.CONFLICT);
                          assertThat(published.get()).isZero();
                          assertThat(TestFiles.filesUnder(inbound)).isEmpty();
                          ctx.completeNow();
                        })));
  }

  private io.vertx.core.Future<JsonObject> relay(Vertx vertx, String sha256) {
    RemoteRelayRequest request =
        new RemoteRelayRequest(
            "t1", "lease-1", "a/b.bin", body.length, sha256, SOURCE, CHUNK, WINDOW);
    return vertx
        .eventBus()
        .<JsonObject>request(Addresses.RELAY_REMOTE, request.toJson())
        .map(m -> m.body());
  }
}
