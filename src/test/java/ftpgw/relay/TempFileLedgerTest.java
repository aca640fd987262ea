package ftpgw.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay's record of its temporary FTP files: what a killed process had pending is what the next
 * one finds, and nothing stays in the spool folder once nothing is pending.
 */
class TempFileLedgerTest {
  @TempDir Path spool;

  @Test
  void whatAKilledProcessHadPendingIsTheNextOnesLeftovers() throws Exception {
    TempFileLedger killed = new TempFileLedger(spool);
    killed.record("a/.ftpgw-1.aa.part");
    TempFileLedger.Entry renamed = killed.record("a/.ftpgw-2.bb.part");
    killed.record("b/.ftpgw-3.cc.part");
    killed.forget(renamed);

    assertThat(killed.leftovers()).as("its own attempts are no leftovers").isEmpty();
    assertThat(new TempFileLedger(spool).leftovers())
        .extracting(TempFileLedger.Entry::remotePath)
        .containsExactly("a/.ftpgw-1.aa.part", "b/.ftpgw-3.cc.part");
  }

  @Test
  void theLogIsGoneOnceNothingIsPendingAndAnAbandonedFileStaysALeftover() throws Exception {
    TempFileLedger ledger = new TempFileLedger(spool);
    TempFileLedger.Entry first = ledger.record("x/.ftpgw-1.aa.part");
    TempFileLedger.Entry second = ledger.record("x/.ftpgw-2.bb.part");
    ledger.forget(first);
    ledger.abandon(second); // its delete failed with its connection

    assertThat(ledger.leftovers())
        .extracting(TempFileLedger.Entry::remotePath)
        .containsExactly("x/.ftpgw-2.bb.part");
    ledger.forget(ledger.leftovers().get(0)); // the janitor removed it

    assertThat(spool).isEmptyDirectory();
    assertThat(new TempFileLedger(spool).leftovers()).isEmpty();
  }

  @Test
  void aLongRunningLogIsCompactedToWhatIsPending() throws Exception {
    TempFileLedger ledger = new TempFileLedger(spool);
    ledger.record("slow/.ftpgw-0.00.part"); // in flight the whole time
    String name = "busy/folder/.ftpgw-" + "x".repeat(40) + ".part";
    for (int i = 0; (long) i * name.length() * 2 < 3 * TempFileLedger.COMPACT_AT; i++) {
      ledger.forget(ledger.record(name + i));
    }

    assertThat(Files.size(spool.resolve(TempFileLedger.LOG_NAME)))
        .isLessThan(TempFileLedger.COMPACT_AT + 1024);
    assertThat(new TempFileLedger(spool).leftovers())
        .extracting(TempFileLedger.Entry::remotePath)
        .containsExactly("slow/.ftpgw-0.00.part");
  }

  @Test
  void recordsOfTheEarlierFormatAreLeftoversToo() throws Exception {
    Path record = spool.resolve(".ftpgw-9.ff.part.ftp-temp");
    Files.writeString(record, "old/.ftpgw-9.ff.part");
    TempFileLedger ledger = new TempFileLedger(spool);

    TempFileLedger.Entry leftover = ledger.leftovers().get(0);
    assertThat(leftover.remotePath()).isEqualTo("old/.ftpgw-9.ff.part");
    ledger.forget(leftover);

    assertThat(spool).isEmptyDirectory();
  }
}
