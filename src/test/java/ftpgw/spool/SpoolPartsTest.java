package ftpgw.spool;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.config.SpoolConfig;
import ftpgw.testing.TestFiles;
import ftpgw.transfer.BodyPart;
import ftpgw.transfer.Transfer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A body spooled as several files (a tus final concatenation's parts): journalled, recovered at
 * start-up only while journalled and whole, read as one file, and discarded with all its parts.
 */
class SpoolPartsTest {
  @TempDir Path dir;

  @Test
  void startUpKeepsTheJournalledPartsAndDropsUnjournalledOnes() throws Exception {
    Path spoolDir = dir.resolve("spool");
    Spool first = Spool.open(config(spoolDir));
    SpoolReservation room = first.reserve(9);
    Transfer transfer = journalled(first, room.id(), "abc", "de", "fghi");
    // parts of a final whose journal entry was never written (a crash in between)
    Files.writeString(first.partFile("orphanxxxxxxxxxxxxxx", 0), "lost");

    Spool second = Spool.open(config(spoolDir));

    assertThat(second.recovered()).hasSize(1);
    Transfer recovered = second.recovered().get(0);
    assertThat(recovered.parts()).isEqualTo(transfer.parts());
    assertThat(recovered.bytes()).isEqualTo(9);
    assertThat(second.reservedBytes()).isEqualTo(9);
    assertThat(TestFiles.filesUnder(spoolDir))
        .containsExactlyInAnyOrder(
            room.id() + ".json",
            room.id() + ".0.part",
            room.id() + ".1.part",
            room.id() + ".2.part");
    try (InputStream whole = PartedBody.open(recovered.parts())) {
      assertThat(new String(whole.readAllBytes(), StandardCharsets.US_ASCII))
          .isEqualTo("abcdefghi");
    }
    assertThat(new String(PartedBody.read(recovered.parts(), 2, 5), StandardCharsets.US_ASCII))
        .isEqualTo("cdefg");
    ByteArrayOutputStream range = new ByteArrayOutputStream();
    long[] sent = {0};
    PartedBody.send(recovered.parts(), 1, 8, Channels.newChannel(range), sent);
    assertThat(range.toString(StandardCharsets.US_ASCII)).isEqualTo("bcdefgh");
    assertThat(sent[0]).isEqualTo(7);

    second.discard(recovered);
    assertThat(TestFiles.filesUnder(spoolDir)).isEmpty();
    assertThat(second.reservedBytes()).isZero();
  }

  @Test
  void aJournalledTransferWithAMissingPartIsQuarantinedAndItsPartsRemoved() throws Exception {
    Path spoolDir = dir.resolve("spool");
    Spool first = Spool.open(config(spoolDir));
    SpoolReservation room = first.reserve(6);
    Transfer transfer = journalled(first, room.id(), "ab", "cd", "ef");
    Files.delete(Path.of(transfer.parts().get(1).file()));

    Spool second = Spool.open(config(spoolDir));

    assertThat(second.recovered()).isEmpty();
    assertThat(second.reservedBytes()).isZero();
    assertThat(TestFiles.filesUnder(spoolDir))
        .containsExactly(Spool.QUARANTINE + "/" + room.id() + ".json");
  }

  private static Transfer journalled(Spool spool, String id, String... parts) throws Exception {
    List<BodyPart> bodyParts = new ArrayList<>();
    long bytes = 0;
    for (int i = 0; i < parts.length; i++) {
      Path file = spool.partFile(id, i);
      Files.writeString(file, parts[i]);
      bodyParts.add(new BodyPart(file.toString(), parts[i].length()));
      bytes += parts[i].length();
    }
    Transfer transfer =
        Transfer.queued(
                id,
                "a/joined.bin",
                bytes,
                null,
                spool.config().dir().resolve(id + ".body").toString(),
                null)
            .withParts(bodyParts)
            .madeDurable();
    spool.journal().persist(transfer);
    return transfer;
  }

  private static SpoolConfig config(Path spoolDir) {
    return new SpoolConfig(spoolDir, 1L << 30, 100, 5);
  }
}
