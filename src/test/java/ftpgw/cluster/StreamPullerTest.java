package ftpgw.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.CuttableProxy;
import ftpgw.testing.TestFiles;
import ftpgw.transfer.Failure;
import ftpgw.transfer.RemoteRelayRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The body stream between an edge's {@link BodyStreamServer} and a relay's {@link StreamPuller},
 * over real loopback connections: a stream cut mid-body resumes from the first byte not received
 * and the copy is whole; a reader with the wrong lease is refused and gets nothing.
 */
@ExtendWith(VertxExtension.class)
class StreamPullerTest {
  private static final int CHUNK = 256 * 1024;
  private static final int WINDOW = 4;
  private static final String LEASE = "lease-1";

  @TempDir Path dir;
  private Path spooled;
  private String sha256;
  private BodyStreamServer server;
  private CuttableProxy proxy;
  private HttpClient client;
  private final AtomicInteger reads = new AtomicInteger();

  @BeforeEach
  void serve(Vertx vertx, VertxTestContext ctx) throws Exception {
    spooled = TestFiles.random(dir, "body.bin", 32 * TestFiles.MiB);
    sha256 = TestFiles.sha256(spooled);
    server =
        new BodyStreamServer(
            vertx,
            new BodyStreamServer.Attempts() {
              @Override
              public BodyStreamServer.Attempt current(String transferId) {
                return "t1".equals(transferId)
                    ? new BodyStreamServer.Attempt(
                        "t1", LEASE, spooled.toString(), 32L * TestFiles.MiB)
                    : null;
              }

              @Override
              public void readBy(BodyStreamServer.Attempt attempt, String relayNode) {
                reads.incrementAndGet();
              }
            });
    client = vertx.createHttpClient(new HttpClientOptions().setIdleTimeout(10));
    server
        .listen("127.0.0.1", 0)
        .onComplete(
            ctx.succeeding(
                port -> {
                  try {
                    proxy = new CuttableProxy(port);
                  } catch (Exception e) {
                    ctx.failNow(e);
                  }
                  ctx.completeNow();
                }));
  }

  @AfterEach
  void close() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  void aStreamCutMidBodyResumesWhereItStoppedAndTheCopyIsWhole(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    Path copy = dir.resolve("copy.part");
    AtomicBoolean cut = new AtomicBoolean();
    AtomicLong written = new AtomicLong();
    pull(
            vertx,
            LEASE,
            copy,
            prefix -> {
              written.set(prefix);
              if (prefix >= 2L * TestFiles.MiB && cut.compareAndSet(false, true)) {
                proxy.cut();
              }
            })
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(cut).isTrue();
                          assertThat(reads.get()).as("read again after the cut").isEqualTo(2);
                          assertThat(written.get()).isEqualTo(32L * TestFiles.MiB);
                          assertThat(TestFiles.sha256(copy)).isEqualTo(sha256);
                          ctx.completeNow();
                        })));
    assertThat(ctx.awaitCompletion(120, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aReaderWithAnotherLeaseIsRefusedAndGetsNothing(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    Path copy = dir.resolve("stranger.part");
    AtomicLong written = new AtomicLong();
    pull(vertx, "not-the-lease", copy, written::set)
        .onComplete(
            ctx.failing(
                error ->
                    ctx.verify(
                        () -> {
                          assertThat(Failure.of(error)).isEqualTo(Failure.CONFLICT);
                          assertThat(error.getMessage()).contains("403").contains("FORBIDDEN");
                          assertThat(reads.get()).isZero();
                          assertThat(written.get()).isZero();
                          ctx.completeNow();
                        })));
    assertThat(ctx.awaitCompletion(60, TimeUnit.SECONDS)).isTrue();
  }

  private Future<Void> pull(
      Vertx vertx, String lease, Path target, java.util.function.LongConsumer onWritten) {
    RemoteRelayRequest request =
        new RemoteRelayRequest(
            "t1",
            lease,
            "a/b.bin",
            32L * TestFiles.MiB,
            sha256,
            "unused",
            CHUNK,
            WINDOW,
            "http://127.0.0.1:" + proxy.port());
    Promise<Void> never = Promise.promise();
    return StreamPuller.pull(
        vertx, client, request, "relay-1", target, () -> {}, onWritten, never.future());
  }
}
