package ftpgw.files;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

/** The read side's event-bus codecs are registered by every verticle that uses them. */
final class BusCodecs {
  private BusCodecs() {}

  /**
   * Registers {@code codec} on {@code bus} unless a codec of its name already is (one per Vert.x
   * instance: another verticle of this instance registered it first).
   */
  static synchronized void registerOnce(EventBus bus, MessageCodec<?, ?> codec) {
    try {
      bus.registerCodec(codec);
    } catch (IllegalStateException alreadyRegistered) {
      // registered by another verticle of this Vert.x instance
    }
  }
}
