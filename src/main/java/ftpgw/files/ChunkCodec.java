package ftpgw.files;

import ftpgw.vertx.VertxInternals;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Carries a download's chunks over the event bus without the copy Vert.x's own buffer codec makes
 * on local delivery: a chunk is handed over once and never touched again by the relay side, so the
 * HTTP side may keep the very buffer (and gives its direct memory back once written). Between nodes
 * the bytes travel as they would with the default codec, and the sender's memory is given back once
 * copied.
 */
final class ChunkCodec implements MessageCodec<Buffer, Buffer> {
  static final String NAME = "ftpgw.file-chunk";

  /** Reply options that pick this codec; every node that sends or receives chunks registers it. */
  static final DeliveryOptions REPLY = new DeliveryOptions().setCodecName(NAME);

  /** Registers the codec on {@code bus} unless it already is (one per Vert.x instance). */
  static void registerOn(EventBus bus) {
    BusCodecs.registerOnce(bus, new ChunkCodec());
  }

  @Override
  public void encodeToWire(Buffer wire, Buffer chunk) {
    wire.appendInt(chunk.length()).appendBuffer(chunk);
    VertxInternals.giveBack(chunk); // the other node gets a copy
  }

  @Override
  public Buffer decodeFromWire(int pos, Buffer wire) {
    int length = wire.getInt(pos);
    return wire.getBuffer(pos + 4, pos + 4 + length);
  }

  @Override
  public Buffer transform(Buffer chunk) {
    return chunk;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
