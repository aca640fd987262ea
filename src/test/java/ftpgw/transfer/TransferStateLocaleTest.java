package ftpgw.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The API names of states are ASCII whatever the JVM's locale: in Turkish, "I".toLowerCase() is a
 * dotless "ı".
 */
class TransferStateLocaleTest {
  private final Locale before = Locale.getDefault();

  @AfterEach
  void restoreLocale() {
    Locale.setDefault(before);
  }

  @Test
  void apiNamesRoundTripUnderATurkishLocale() {
    Locale.setDefault(Locale.forLanguageTag("tr-TR"));
    assertEquals("receiving", TransferState.RECEIVING.apiName());
    assertEquals("relaying", TransferState.RELAYING.apiName());
    for (TransferState state : TransferState.values()) {
      assertEquals(state, TransferState.fromApiName(state.apiName()), state.name());
    }
    assertEquals(TransferState.RECEIVING, TransferState.fromApiName("receiving"));
  }
}
