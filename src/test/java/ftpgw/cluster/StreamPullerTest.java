package ftpgw.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.spool.BodyNotAccepted;
import ftpgw.spool.LiveFile;
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
 * refused and gets nothing. A body still arriving is read in ranges as it grows, is sent on before
 * it is whole and ends with the CRC-32C the edge took; one the edge refuses fails its reader.
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

  /**
   * A body still arriving at {@link #arriving}, or null: the edge serves the whole {@link
   * #spooled}.
   */
  private LiveFile live;

  private Path arriving;

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
                    ? new BodyStreamServer.Attempt(
                        "t1", LEASE, (live == null ? spooled : arriving).toString(), BYTES, live)
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
  void aBodyStillArrivingIsReadInRangesSentOnBeforeItIsWholeAndChecked(
      Vertx vertx, VertxTestContext ctx) throws Exception {
    String expected = sha256;
    startArriving();
    Path copy = dir.resolve("copy.bin");
    LivePipe pipe = LivePipe.open("t1", dir.resolve("t1.part"), Duration.ofSeconds(10), LIMIT);
    AtomicLong sent = new AtomicLong();
    Future<Long> copied = sendInBackground(vertx, pipe, copy, sent::set);
    Future<Long> sentWhenWhole = arrive(vertx, BYTES, sent, null);

    relay(vertx, pipe, copied)
        .onComplete(
            ctx.succeeding(
                bytes ->
                    ctx.verify(
                        () -> {
                          assertThat(bytes).isEqualTo(BYTES);
                          assertThat(TestFiles.sha256(copy)).isEqualTo(expected);
                          assertThat(sentWhenWhole.result())
                              .as("sent on while the body still arrived")
                              .isGreaterThan(BYTES / 4);
                          assertThat(reads.get()).as("read in ranges").isGreaterThan(2);
                          ctx.completeNow();
                        })));
    assertThat(ctx.awaitCompletion(120, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aBodyStillArrivingThatTheEdgeRefusesFailsItsReader(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    startArriving();
    LivePipe pipe = LivePipe.open("t1", dir.resolve("t1.part"), Duration.ofSeconds(10), LIMIT);
    Future<Long> copied = sendInBackground(vertx, pipe, dir.resolve("copy.bin"), n -> {});
    arrive(vertx, 8 * TestFiles.MiB, new AtomicLong(), new IOException("the client went away"));

    relay(vertx, pipe, copied)
        .onComplete(
            ctx.failing(
                error ->
                    copied.onComplete(
                        ctx.failing(
                            readerError ->
                                ctx.verify(
                                    () -> {
                                      assertThat(Failure.of(error)).isEqualTo(Failure.CONFLICT);
                                      assertThat(error.getMessage())
                                          .contains("409")
                                          .contains("the client went away");
                                      assertThat(readerError).isInstanceOf(BodyNotAccepted.class);
                                      ctx.completeNow();
                                    })))));
    assertThat(ctx.awaitCompletion(120, TimeUnit.SECONDS)).isTrue();
  }

  /** The edge offers a body still arriving: no SHA-256, no CRC-32C up front. */
  private void startArriving() throws IOException {
    arriving = dir.resolve("arriving.bin");
    java.nio.file.Files.createFile(arriving);
    live = LiveFile.open("t1", arriving, Duration.ofSeconds(10));
    sha256 = null;
    crc32c = null;
  }

  /**
   * Writes the body into {@link #arriving} in 1 MiB pieces, 20 ms apart, as an upload arrives, up
   * to {@code upTo} bytes; then accepts it with its CRC-32C, or refuses it with {@code refusal}.
   * The future holds what the relay had sent by then.
   */
  private Future<Long> arrive(Vertx vertx, long upTo, AtomicLong sent, Exception refusal) {
    return vertx.executeBlocking(
        () -> {
          byte[] body = java.nio.file.Files.readAllBytes(spooled);
          java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
          try (FileChannel out = FileChannel.open(arriving, StandardOpenOption.WRITE)) {
            for (int at = 0; at < upTo; at += TestFiles.MiB) {
              int n = (int) Math.min(TestFiles.MiB, upTo - at);
              out.write(ByteBuffer.wrap(body, at, n));
              crc.update(body, at, n);
              live.written(at + n);
              Thread.sleep(20);
            }
          }
          long sentBefore = sent.get();
          if (refusal == null) {
            live.accepted(upTo, null, String.format("%08x", crc.getValue()));
          } else {
            live.refused(refusal);
          }
          return sentBefore;
        },
        false);
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

  private Future<StreamPuller.Whole> pull(Vertx vertx, String lease, LivePipe pipe) {
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
