package ftpgw.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ftpgw.transfer.Failure;
import ftpgw.transfer.GatewayException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool thread writes the chunks in the order they arrived and gives their digest, within its
 * backlog; a follower learns how far the file is written; an aborted body closes its file.
 */
@ExtendWith(VertxExtension.class)
class SpoolSinkTest {
  /** The chunks here are the test's own: nothing to give back. */
  private static final Consumer<Buffer> KEEP = chunk -> {};

  private static final int BACKLOG = 256 * 1024;

  @TempDir Path dir;

  @Test
  void chunksWrittenOnTheSpoolThreadGiveTheWholeBodyAndItsDigestsInOrder(Vertx vertx)
      throws Exception {
    Path spooled = dir.resolve("body");
    FileChannel file =
        FileChannel.open(spooled, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
    Random random = new Random(7);
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    AtomicInteger pauses = new AtomicInteger();
    AtomicLong followed = new AtomicLong();
    Promise<String> result = Promise.promise();
    AtomicReference<SpoolSink> taken = new AtomicReference<>();
    Context context = vertx.getOrCreateContext();
    context.runOnContext(
        v -> {
          SpoolSink sink = new SpoolSink(context, file, BACKLOG, followed::set, true, KEEP);
          taken.set(sink);
          // 600 chunks of up to 40 KiB, fed as fast as the backlog allows, as a paused body would
          // resume
          feed(sink, random, sent, 600, pauses, result);
        });

    String digest = await(result.future());

    byte[] body = sent.toByteArray();
    assertThat(Files.readAllBytes(spooled)).isEqualTo(body);
    assertThat(digest).isEqualTo(sha256(body));
    CRC32C crc = new CRC32C();
    crc.update(body);
    assertThat(taken.get().crc32c()).isEqualTo(String.format("%08x", crc.getValue()));
    assertThat(followed.get())
        .as("the follower was told the whole body is written")
        .isEqualTo(body.length);
    assertThat(pauses.get()).as("the backlog filled up and drained again").isPositive();
    assertThat(file.isOpen()).isFalse();
  }

  @Test
  void bodiesLongerThanOneTurnTakeTurnsAndStayWholeAndInOrder(Vertx vertx) throws Exception {
    // three bodies of 12 MiB queued at once, more than the spool threads and more than one turn (4
    // MiB) each
    int bodies = 3;
    byte[][] sent = new byte[bodies][];
    FileChannel[] files = new FileChannel[bodies];
    List<Future<String>> digests = new ArrayList<>();
    Random random = new Random(11);
    for (int b = 0; b < bodies; b++) {
      sent[b] = new byte[12 << 20];
      random.nextBytes(sent[b]);
      files[b] =
          FileChannel.open(
              dir.resolve("long-" + b), StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
    }
    Context context = vertx.getOrCreateContext();
    Promise<Void> queued = Promise.promise();
    context.runOnContext(
        v -> {
          for (int b = 0; b < bodies; b++) {
            SpoolSink sink = new SpoolSink(context, files[b], Integer.MAX_VALUE, null, false, KEEP);
            for (int from = 0; from < sent[b].length; from += 64 * 1024) {
              sink.add(Buffer.buffer(Arrays.copyOfRange(sent[b], from, from + 64 * 1024)));
            }
            digests.add(sink.finish());
          }
          queued.complete();
        });
    queued.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

    for (int b = 0; b < bodies; b++) {
      assertThat(await(digests.get(b))).isEqualTo(sha256(sent[b]));
      assertThat(Files.readAllBytes(dir.resolve("long-" + b))).isEqualTo(sent[b]);
    }
  }

  @Test
  void anEmptyBodyIsAnEmptyFileWithTheDigestOfNothing(Vertx vertx) throws Exception {
    Path spooled = dir.resolve("empty");
    FileChannel file =
        FileChannel.open(spooled, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
    Promise<String> result = Promise.promise();
    Context context = vertx.getOrCreateContext();
    context.runOnContext(
        v -> new SpoolSink(context, file, BACKLOG, null, false, KEEP).finish().onComplete(result));

    assertThat(await(result.future()))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(Files.size(spooled)).isZero();
    assertThat(file.isOpen()).isFalse();
  }

  @Test
  void anAbortedBodyClosesItsFileAndFailsWithTheReason(Vertx vertx) throws Exception {
    FileChannel file =
        FileChannel.open(
            dir.resolve("aborted"), StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
    Promise<String> result = Promise.promise();
    Context context = vertx.getOrCreateContext();
    context.runOnContext(
        v -> {
          SpoolSink sink = new SpoolSink(context, file, BACKLOG, null, false, KEEP);
          sink.add(Buffer.buffer(new byte[10_000]));
          sink.abort(new IllegalStateException("the client went away"));
          sink.outcome().onComplete(result);
        });

    assertThatThrownBy(() -> await(result.future()))
        .isInstanceOf(ExecutionException.class)
        .hasRootCauseMessage("the client went away");
    assertThat(file.isOpen()).isFalse();
  }

  @Test
  void aWriteThatFailsFailsTheBodyAtOnce(Vertx vertx) throws Exception {
    // a channel open for reading only: every write throws, as a full or broken disk would
    Path spooled = dir.resolve("read-only");
    Files.createFile(spooled);
    FileChannel file = FileChannel.open(spooled, StandardOpenOption.READ);
    Promise<String> result = Promise.promise();
    Context context = vertx.getOrCreateContext();
    context.runOnContext(
        v -> {
          SpoolSink sink = new SpoolSink(context, file, BACKLOG, null, false, KEEP);
          sink.add(Buffer.buffer("some bytes"));
          sink.outcome().onComplete(result); // not finished: the failure alone ends it
        });

    assertThatThrownBy(() -> await(result.future()))
        .hasCauseInstanceOf(NonWritableChannelException.class);
    assertThat(file.isOpen()).isFalse();
  }

  @Test
  void aFullDiskIsAFullSpool(Vertx vertx) throws Exception {
    // every write to /dev/full fails with ENOSPC, as a full spool disk does
    Assumptions.assumeTrue(Files.isWritable(Path.of("/dev/full")), "needs Linux's /dev/full");
    FileChannel file = FileChannel.open(Path.of("/dev/full"), StandardOpenOption.WRITE);
    Promise<String> result = Promise.promise();
    Context context = vertx.getOrCreateContext();
    context.runOnContext(
        v -> {
          SpoolSink sink = new SpoolSink(context, file, BACKLOG, null, false, KEEP);
          sink.add(Buffer.buffer(new byte[64 * 1024]));
          sink.finish().onComplete(result);
        });

    assertThatThrownBy(() -> await(result.future()))
        .cause()
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.failure()).isEqualTo(Failure.SPOOL_FULL))
        .hasMessageContaining("the spool's disk is full");
    assertThat(file.isOpen()).isFalse();
  }

  private static void feed(
      SpoolSink sink,
      Random random,
      ByteArrayOutputStream sent,
      int left,
      AtomicInteger pauses,
      Promise<String> result) {
    for (int n = left; n > 0; n--) {
      byte[] chunk = new byte[1 + random.nextInt(40 * 1024)];
      random.nextBytes(chunk);
      sent.writeBytes(chunk);
      sink.add(Buffer.buffer(chunk));
      if (sink.full()) {
        pauses.incrementAndGet();
        int rest = n - 1;
        sink.whenRoom(() -> feed(sink, random, sent, rest, pauses, result));
        return;
      }
    }
    sink.finish().onComplete(result);
  }

  private static String await(Future<String> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
