package ftpgw.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A synchronous upload's wait for its delivery always ends before the HTTP idle timeout could close
 * it.
 */
class SyncWaitTest {
  @Test
  void theWaitEndsAMarginBeforeTheIdleTimeout() {
    assertThat(SyncWait.of(Duration.ofSeconds(300), Duration.ofSeconds(60)))
        .isEqualTo(Duration.ofSeconds(55));
    assertThat(SyncWait.of(Duration.ofSeconds(300), Duration.ofSeconds(5)))
        .isEqualTo(Duration.ofSeconds(4));
    assertThat(SyncWait.of(Duration.ofSeconds(300), Duration.ofSeconds(1)))
        .isEqualTo(Duration.ofMillis(750));
    assertThat(SyncWait.of(Duration.ofSeconds(300), Duration.ofSeconds(3600)))
        .isEqualTo(Duration.ofSeconds(300));
  }

  @Test
  void aShorterWaitAskedForStands() {
    assertThat(SyncWait.of(Duration.ofSeconds(10), Duration.ofSeconds(60)))
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(SyncWait.of(Duration.ZERO, Duration.ofSeconds(60))).isEqualTo(Duration.ZERO);
  }
}
