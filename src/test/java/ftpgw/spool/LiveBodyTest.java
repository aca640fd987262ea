package ftpgw.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relay following a live body: it gets the accepted bytes, and stops when they are abandoned; a
 * reader that must not block is called back once bytes go beyond where it is, or the body settles.
 */
class LiveBodyTest {
  private static final int MiB = 1 << 20;

  @TempDir Path dir;

  @Test
  void anAcceptedBodyIsSentWhole() throws Exception {
    Path file = dir.resolve("whole.part");
    Files.write(file, new byte[3 * MiB + 5]);
    LiveBody live = LiveFile.open("whole", file, Duration.ofSeconds(5));
    live.accepted(3 * MiB + 5);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long[] sent = {0};

    live.sendTo(Channels.newChannel(out), sent);

    assertThat(sent[0]).isEqualTo(3 * MiB + 5);
    assertThat(out.size()).isEqualTo(3 * MiB + 5);
    live.release();
  }

  @Test
  void aBodyAbandonedAfterItWasAcceptedStopsItsReaderWithinASlice() throws Exception {
    Path file = dir.resolve("abandoned.part");
    Files.write(file, new byte[8 * MiB]);
    LiveBody live = LiveFile.open("abandoned", file, Duration.ofSeconds(5));
    live.accepted(8 * MiB);
    long[] sent = {0};
    // the edge leaves while the relay's FTP upload is under way: the reader has sent its first MiB
    WritableByteChannel ftp =
        new WritableByteChannel() {
          @Override
          public int write(ByteBuffer bytes) {
            int n = bytes.remaining();
            bytes.position(bytes.limit());
            if (sent[0] + n >= MiB) {
              live.abandon(new IOException("edge node e1 left the cluster"));
            }
            return n;
          }

          @Override
          public boolean isOpen() {
            return true;
          }

          @Override
          public void close() {}
        };

    assertThatThrownBy(() -> live.sendTo(ftp, sent))
        .isInstanceOf(BodyNotAccepted.class)
        .hasMessageContaining("left the cluster");
    assertThat(sent[0]).as("stopped within one slice of the abandon").isLessThanOrEqualTo(2 * MiB);
    assertThat(live.acceptedBytes()).isEqualTo(-1);
    live.release();
  }

  @Test
  void aWatcherIsCalledOnceBytesGoBeyondItsPositionOrTheBodySettles() {
    LiveFile live = LiveFile.open("watched", dir.resolve("watched.part"), Duration.ofSeconds(5));
    List<String> calls = new ArrayList<>();
    live.written(100);

    live.whenBeyond(99, () -> calls.add("beyond 99"));
    assertThat(calls).as("bytes beyond it already: at once").containsExactly("beyond 99");

    live.whenBeyond(100, () -> calls.add("beyond 100"));
    live.whenBeyond(200, () -> calls.add("beyond 200"));
    live.written(150);
    assertThat(calls).containsExactly("beyond 99", "beyond 100");

    live.refused(new IOException("the client went away"));
    assertThat(calls).containsExactly("beyond 99", "beyond 100", "beyond 200");
    assertThat(live.failure()).hasMessage("the client went away");

    live.whenBeyond(1000, () -> calls.add("after the refusal"));
    assertThat(calls).as("a settled body: at once").endsWith("after the refusal");
    live.release();
  }

  @Test
  void anAcceptedBodyTellsItsLengthAndTheCrc32cItsReceiverTook() {
    LiveFile live = LiveFile.open("crc", dir.resolve("crc.part"), Duration.ofSeconds(5));
    List<String> calls = new ArrayList<>();
    live.whenBeyond(10, () -> calls.add("settled"));

    live.accepted(10, null, "0a1b2c3d");

    assertThat(calls).containsExactly("settled");
    assertThat(live.acceptedBytes()).isEqualTo(10);
    assertThat(live.crc32c()).isEqualTo("0a1b2c3d");
    assertThat(live.publishAs()).isNull();
    live.release();
  }
}
