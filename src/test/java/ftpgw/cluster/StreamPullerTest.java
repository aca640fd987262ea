package ftpgw.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.spool.BodyNotAccepted;
import ftpgw.spool.LivePipe;
import ftpgw.testing.CuttableProxy;
import ftpgw.testing.TestFiles;
import ftpgw.transfer.Failure;
import ftpgw.transfer.RemoteRelayRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The body stream between an edge's {@link BodyStreamServer} and a relay's {@link StreamPuller},
 * over real loopback connections, into the {@link LivePipe} a relay sends from: a stream cut
 * mid-body resumes from the first byte not received and the copy is whole, with no more than the
 * window held in memory while the reader is slower; a stream that goes silent is resumed, but one
 * paused for a slow reader is not broken however long it waits; a body whose CRC-32C (or, when the
 * edge offered none, SHA-256) is not the edge's fails its reader; a reader with the wrong lease is
 * refused and gets nothing.
 */
@ExtendWith(VertxExtension.class)
class StreamPullerTest {
  private static final int CHUNK = 256 * 1024;
  private static final int WINDOW = 4;
  private static final long LIMIT = (long) CHUNK * WINDOW;
  private static final long BYTES = 32L * TestFiles.MiB;
  private static final String LEASE = "lease-1";
  private static final Duration STALL_LIMIT = Duration.ofSeconds(1);

  @TempDir Path dir;
  private Path spooled;
  private String sha256;

  /** What the edge offers besides the SHA-256 (null: nothing, the relay checks the SHA-256). */
  private String crc32c;

  private BodyStreamServer server;
  private CuttableProxy proxy;
  private HttpClient client;
  private final AtomicInteger reads = new AtomicInteger();

  @BeforeEach
  void serve(Vertx vertx, VertxTestContext ctx) throws Exception {
    spooled = TestFiles.random(dir, "body.bin", (int) BYTES);
    sha256 = TestFiles.sha256(spooled);
    server =
        new BodyStreamServer(
            vertx,
            new BodyStreamServer.Attempts() {
              @Override
              public BodyStreamServer.Attempt current(String transferId) {
                return "t1".equals(transferId)
                    ? new BodyStreamServer.Attempt("t1", LEASE, spooled.toString(), BYTES)
                    : null;
              }

              @Override
              public void readBy(BodyStreamServer.Attempt attempt, String relayNode) {
                reads.incrementAndGet();
              }
            });
    client = vertx.createHttpClient(StreamPuller.clientOptions());
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
    crc32c = BodyStreams.crc32c(spooled);
    Path copy = dir.resolve("copy.bin");
    LivePipe pipe = LivePipe.open("t1", dir.resolve("t1.part"), Duration.ofSeconds(10), LIMIT);
    AtomicBoolean cut = new AtomicBoolean();
    AtomicLong mostHeld = new AtomicLong();
    // the relay's FTP upload, slower than the stream: cuts the stream once 2 MiB went out
    Future<Long> sent =
        sendInBackground(
            vertx,
            pipe,
            copy,
            sentSoFar -> {
              mostHeld.accumulateAndGet(pipe.queuedBytes(), Math::max);
              onceAt2MiB(sentSoFar, cut, proxy::cut);
            });

    relay(vertx, pipe, sent)
        .onComplete(
            ctx.succeeding(
                bytes ->
                    ctx.verify(
                        () -> {
                          assertThat(cut).isTrue();
                          assertThat(reads.get()).as("read again after the cut").isEqualTo(2);
                          assertThat(bytes).isEqualTo(BYTES);
                          assertThat(TestFiles.sha256(copy)).isEqualTo(sha256);
                          assertThat(mostHeld.get())
                              .as("held at most the window and one read more")
                              .isGreaterThan(LIMIT / 2)
                              .isLessThanOrEqualTo(LIMIT + 64 * 1024);
                          ctx.completeNow();
                        })));
    assertThat(ctx.awaitCompletion(120, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aStreamSilentWhileBytesAreWantedIsResumedAndTheCopyIsWhole(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    Path copy = dir.resolve("copy.bin");
    LivePipe pipe = LivePipe.open("t1", dir.resolve("t1.part"), Duration.ofSeconds(10), LIMIT);
    AtomicBoolean stalled = new AtomicBoolean();
    Future<Long> sent =
        sendInBackground(
            vertx, pipe, copy, sentSoFar -> onceAt2MiB(sentSoFar, stalled, proxy::stall));

    relay(vertx, pipe, sent)
        .onComplete(
            ctx.succeeding(
                bytes ->
                    ctx.verify(
                        () -> {
                          assertThat(stalled).isTrue();
                          assertThat(reads.get()).as("read again after the stall").isEqualTo(2);
                          assertThat(TestFiles.sha256(copy)).isEqualTo(sha256);
                          ctx.completeNow();
                        })));
    assertThat(ctx.awaitCompletion(120, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aStreamPausedLongerThanTheStallLimitForASlowRelayIsNotBroken(
      Vertx vertx, VertxTestContext ctx) throws Exception {
    Path copy = dir.resolve("copy.bin");
    LivePipe pipe = LivePipe.open("t1", dir.resolve("t1.part"), Duration.ofSeconds(10), LIMIT);
    // the relay waits 3 stall limits for an FTP session before it sends a byte
    Future<Long> sent =
        vertx
            .timer(3 * STALL_LIMIT.toMillis())
            .compose(t -> sendInBackground(vertx, pipe, copy, n -> {}));

    relay(vertx, pipe, sent)
        .onComplete(
            ctx.succeeding(
                bytes ->
                    ctx.verify(
                        () -> {
                          assertThat(reads.get()).as("one read, never resumed").isEqualTo(1);
                          assertThat(TestFiles.sha256(copy)).isEqualTo(sha256);
                          ctx.completeNow();
                        })));
    assertThat(ctx.awaitCompletion(120, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aBodyThatDoesNotMatchTheEdgesSha256FailsItsReader(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    sha256 = "0".repeat(64);
    assertTheReaderFails(vertx, ctx, "SHA-256 " + TestFiles.sha256(spooled));
  }

  @Test
  void aBodyThatDoesNotMatchTheOfferedCrc32cFailsItsReader(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    crc32c = "00000000";
    assertTheReaderFails(vertx, ctx, "CRC-32C " + BodyStreams.crc32c(spooled));
  }

  private void assertTheReaderFails(Vertx vertx, VertxTestContext ctx, String arrivedWith)
      throws InterruptedException {
    LivePipe pipe = LivePipe.open("t1", dir.resolve("t1.part"), Duration.ofSeconds(10), LIMIT);
    Future<Long> sent = sendInBackground(vertx, pipe, dir.resolve("copy.bin"), n -> {});

    pull(vertx, LEASE, pipe)
        .onSuccess(v -> pipe.accepted(BYTES))
        .onFailure(pipe::refused)
        .onComplete(
            ctx.failing(
                error ->
                    sent.onComplete(
                        ctx.failing(
                            readerError ->
                                ctx.verify(
                                    () -> {
                                      assertThat(Failure.of(error))
                                          .isEqualTo(Failure.CORRUPTED_IN_TRANSIT);
                                      assertThat(readerError)
                                          .isInstanceOf(BodyNotAccepted.class)
                                          .hasMessageContaining("arrived at relay node")
                                          .hasMessageContaining(arrivedWith);
                                      ctx.completeNow();
                                    })))));
    assertThat(ctx.awaitCompletion(120, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aReaderWithAnotherLeaseIsRefusedAndGetsNothing(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    LivePipe pipe =
        LivePipe.open("t1", dir.resolve("stranger.part"), Duration.ofSeconds(10), LIMIT);
    pull(vertx, "not-the-lease", pipe)
        .onComplete(
            ctx.failing(
                error ->
                    ctx.verify(
                        () -> {
                          assertThat(Failure.of(error)).isEqualTo(Failure.CONFLICT);
                          assertThat(error.getMessage()).contains("403").contains("FORBIDDEN");
                          assertThat(reads.get()).isZero();
                          assertThat(pipe.queuedBytes()).isZero();
                          ctx.completeNow();
                        })));
    assertThat(ctx.awaitCompletion(60, TimeUnit.SECONDS)).isTrue();
  }

  /**
   * Sends the pipe to {@code copy} on a worker thread, as the relay's FTP upload does, a little
   * slower than loopback; {@code progress} sees the bytes sent after every write.
   */
  private static Future<Long> sendInBackground(
      Vertx vertx, LivePipe pipe, Path copy, LongConsumer progress) {
    return vertx.executeBlocking(
        () -> {
          long[] sent = {0};
          try (FileChannel file =
              FileChannel.open(copy, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            WritableByteChannel slow =
                new WritableByteChannel() {
                  @Override
                  public int write(ByteBuffer bytes) throws IOException {
                    int n = file.write(bytes);
                    LockSupport.parkNanos(200_000);
                    progress.accept(sent[0] + n);
                    return n;
                  }

                  @Override
                  public boolean isOpen() {
                    return true;
                  }

                  @Override
                  public void close() {}
                };
            pipe.sendTo(slow, sent);
          }
          return sent[0];
        },
        false);
  }

  /** Runs {@code action} the first time 2 MiB or more were sent. */
  private static void onceAt2MiB(long sentSoFar, AtomicBoolean done, Runnable action) {
    if (sentSoFar >= 2L * TestFiles.MiB && done.compareAndSet(false, true)) {
      action.run();
    }
  }

  /**
   * The relay node's part: pulls into the pipe, accepts it when whole and checked (else refuses
   * it), and then the bytes its reader sent.
   */
  private Future<Long> relay(Vertx vertx, LivePipe pipe, Future<Long> sent) {
    return pull(vertx, LEASE, pipe)
        .onSuccess(v -> pipe.accepted(BYTES))
        .onFailure(pipe::refused)
        .compose(v -> sent);
  }

  private Future<Void> pull(Vertx vertx, String lease, LivePipe pipe) {
    RemoteRelayRequest request =
        new RemoteRelayRequest(
            "t1",
            lease,
            "a/b.bin",
            BYTES,
            sha256,
            "unused",
            CHUNK,
            WINDOW,
            "http://127.0.0.1:" + proxy.port(),
            crc32c);
    Promise<Void> never = Promise.promise();
    return StreamPuller.pull(vertx, client, request, "relay-1", pipe, STALL_LIMIT, never.future());
  }
}
