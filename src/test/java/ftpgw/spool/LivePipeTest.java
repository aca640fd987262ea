package ftpgw.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ftpgw.transfer.Failure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A body held in memory between the stream it arrives on and the FTP upload that sends it: the
 * bytes go out in order and whole, the receiver is told to stop past the limit and to go on once
 * half of it was sent, and a second reader is refused rather than sent a body without its start.
 */
class LivePipeTest {
  private static final int KiB = 1024;
  private static final long LIMIT = 64 * KiB;

  private final LivePipe pipe =
      LivePipe.open("t1", Path.of("/nowhere/t1.part"), Duration.ofSeconds(5), LIMIT);

  @Test
  void aReaderSendsTheBytesInTheOrderTheyArrived() throws Exception {
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long[] sent = {0};
    CompletableFuture<Void> reader =
        CompletableFuture.runAsync(
            () -> {
              try {
                pipe.sendTo(Channels.newChannel(out), sent);
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
    Semaphore drained = new Semaphore(0);
    pipe.whenDrained(drained::release);
    int stops = 0;

    for (int i = 0; i < 200; i++) {
      byte[] chunk = new byte[KiB + i];
      Arrays.fill(chunk, (byte) i);
      expected.write(chunk);
      if (pipe.append(ByteBuffer.wrap(chunk))) {
        // the receiver stops reading: until the pipe says it was drained, nothing comes
        stops++;
        assertThat(drained.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
        assertThat(pipe.queuedBytes()).isLessThanOrEqualTo(LIMIT / 2);
      }
    }
    pipe.accepted(expected.size());
    reader.get(10, TimeUnit.SECONDS);

    assertThat(out.toByteArray()).isEqualTo(expected.toByteArray());
    assertThat(sent[0]).isEqualTo(expected.size());
    assertThat(stops).as("the limit was reached").isPositive();
    pipe.release();
  }

  @Test
  void theReceiverIsToldToStopOnlyPastTheLimit() {
    assertThat(pipe.append(ByteBuffer.allocate((int) LIMIT))).isFalse();
    assertThat(pipe.append(ByteBuffer.allocate(1))).isTrue();
    assertThat(pipe.queuedBytes()).isEqualTo(LIMIT + 1);
    pipe.release();
    assertThat(pipe.queuedBytes()).isZero();
  }

  @Test
  void aSecondReaderIsRefusedSoTheEdgeSendsTheBodyAgain() throws Exception {
    pipe.append(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    pipe.accepted(3);
    AtomicInteger firstRead = new AtomicInteger();
    try (var in = pipe.newInputStream()) {
      firstRead.set(in.readAllBytes().length);
    }

    assertThat(firstRead.get()).isEqualTo(3);
    assertThatThrownBy(
            () -> pipe.sendTo(Channels.newChannel(new ByteArrayOutputStream()), new long[1]))
        .isInstanceOfSatisfying(
            BodyNotAccepted.class,
            e -> assertThat(Failure.of(e.reason())).isEqualTo(Failure.RELAY_UNAVAILABLE));
    pipe.release();
  }

  @Test
  void aSecondReadOfAnAbandonedPipeTellsWhyTheFirstEnded() {
    pipe.append(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    pipe.abandon(new IOException("edge node e1 left the cluster"));
    ByteArrayOutputStream ftp = new ByteArrayOutputStream();

    assertThatThrownBy(() -> pipe.sendTo(Channels.newChannel(ftp), new long[1]))
        .isInstanceOf(BodyNotAccepted.class)
        .hasMessageContaining("left the cluster");
    assertThatThrownBy(() -> pipe.sendTo(Channels.newChannel(ftp), new long[1]))
        .as("a STOR tried again hears the first failure, not that the bytes are gone")
        .hasMessageContaining("left the cluster");
    assertThat(pipe.rereadable()).isFalse();
    pipe.release();
  }

  @Test
  void bytesThatArriveAfterAnAbandonAreDropped() {
    pipe.abandon(new IOException("edge node e1 left the cluster"));

    assertThat(pipe.append(ByteBuffer.allocate(2 * (int) LIMIT))).isFalse();
    assertThat(pipe.queuedBytes()).isZero();
    pipe.release();
  }
}
