package ftpgw.spool;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.config.SpoolConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transfer ids name spool files and appear in URLs: 20 letters of a 32-letter alphabet (100 random
 * bits, cut from one draw of random bytes), every position taking every letter, never repeated.
 */
class SpoolIdsTest {
  private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";

  @TempDir Path dir;

  @Test
  void idsAreTwentyRandomLettersOfTheAlphabetEachPositionUsingAllOfThem() {
    Spool spool = Spool.open(new SpoolConfig(dir.resolve("spool"), 1 << 30, 20_000, 5));
    List<SpoolReservation> slots = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    List<Set<Character>> lettersAt = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      lettersAt.add(new HashSet<>());
    }
    for (int n = 0; n < 5000; n++) {
      SpoolReservation slot = spool.reserve(0);
      slots.add(slot);
      String id = slot.id();
      assertThat(id).hasSize(20).matches("[" + ALPHABET + "]{20}");
      ids.add(id);
      for (int i = 0; i < 20; i++) {
        lettersAt.get(i).add(id.charAt(i));
      }
    }

    assertThat(ids).hasSize(5000);
    // a slip in the bit arithmetic (a constant or dropped bit) would leave letters unused somewhere
    for (int i = 0; i < 20; i++) {
      assertThat(lettersAt.get(i)).as("letters at position %d", i).hasSize(ALPHABET.length());
    }
    slots.forEach(slot -> spool.discard(slot.id()));
    assertThat(spool.reservedBytes()).isZero();
  }
}
