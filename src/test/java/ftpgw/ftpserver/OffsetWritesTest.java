package ftpgw.ftpserver;

import static ftpgw.ftpserver.EmbeddedServer.ALICE;
import static ftpgw.ftpserver.EmbeddedServer.ALICE_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.TestFiles;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded server truncates as vsftpd does: a plain STOR empties the file, {@code REST k} +
 * STOR writes from k and cuts nothing (stock Apache FtpServer cuts the file at k), so that several
 * connections can write their ranges of one file at once.
 */
class OffsetWritesTest {
  @TempDir Path dir;
  private EmbeddedServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void restPlusStorWritesInPlaceAndAPlainStorTruncates() throws Exception {
    server = EmbeddedServer.start(dir);
    FTPClient ftp = server.login(ALICE, ALICE_PASSWORD);
    Path file = server.home(ALICE).resolve("f.bin");

    assertThat(ftp.storeFile("f.bin", bytes("0123456789"))).isTrue();
    ftp.setRestartOffset(4);
    assertThat(ftp.storeFile("f.bin", bytes("ab"))).as(ftp.getReplyString()).isTrue();
    assertThat(Files.readString(file)).isEqualTo("0123ab6789");

    ftp.setRestartOffset(12); // past the end: a hole up to 12, as vsftpd's seek leaves
    assertThat(ftp.storeFile("f.bin", bytes("z"))).isTrue();
    assertThat(Files.readAllBytes(file))
        .hasSize(13)
        .startsWith("0123ab6789".getBytes(StandardCharsets.US_ASCII))
        .endsWith(new byte[] {0, 0, 'z'});

    assertThat(ftp.storeFile("f.bin", bytes("xyz"))).isTrue();
    assertThat(Files.readString(file)).as("a plain STOR replaces the file").isEqualTo("xyz");
    ftp.disconnect();
  }

  @Test
  void fourConnectionsWriteTheirRangesOfOneFileAtOnce() throws Exception {
    server = EmbeddedServer.start(dir);
    byte[] whole = Files.readAllBytes(TestFiles.random(dir, "whole.bin", 4L * (1 << 20) + 7));
    int ranges = 4;
    int share = (whole.length + ranges - 1) / ranges;
    FTPClient first = server.login(ALICE, ALICE_PASSWORD);
    // the file exists (created by the offset-0 range) before any REST > 0 range opens it
    assertThat(first.storeFile("joined.bin", new ByteArrayInputStream(whole, 0, share))).isTrue();
    first.disconnect();
    ExecutorService threads = Executors.newFixedThreadPool(ranges);
    CountDownLatch allOpen = new CountDownLatch(ranges - 1);
    List<Future<Boolean>> writes = new ArrayList<>();
    for (int i = ranges - 1; i >= 1; i--) { // last first: out of order on purpose
      int from = i * share;
      int to = Math.min(whole.length, from + share);
      writes.add(
          threads.submit(
              () -> {
                FTPClient ftp = server.login(ALICE, ALICE_PASSWORD);
                try {
                  ftp.setRestartOffset(from);
                  var out = ftp.storeFileStream("joined.bin");
                  allOpen.countDown();
                  // every range's STOR is open before any writes its bytes: they overlap for sure
                  allOpen.await(30, TimeUnit.SECONDS);
                  out.write(Arrays.copyOfRange(whole, from, to));
                  out.close();
                  return ftp.completePendingCommand();
                } finally {
                  ftp.disconnect();
                }
              }));
    }
    for (Future<Boolean> write : writes) {
      assertThat(write.get(60, TimeUnit.SECONDS)).isTrue();
    }
    threads.shutdown();
    assertThat(Files.readAllBytes(server.home(ALICE).resolve("joined.bin"))).isEqualTo(whole);
  }

  private static ByteArrayInputStream bytes(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
  }
}
