package ftpgw.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CountedTest {
  @Test
  void oneIsSingularEveryOtherCountPlural() {
    assertThat(
            List.of(
                Counted.of(0, "file"),
                Counted.of(1, "file"),
                Counted.of(2, "rank"),
                Counted.of(1, "rank")))
        .containsExactly("0 files", "1 file", "2 ranks", "1 rank");
  }
}
