package ftpgw.files;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A relay's answer to a READ from its own node: the RETR's data connection itself, which the HTTP
 * side reads on its own event loop straight into the client's connection, so that the bytes cross
 * no thread and no event bus. The session stays with the relay for the control connection: the HTTP
 * side ends it with {@link ChunkPull.Action#FINISH} (read to the file's end) or {@link
 * ChunkPull.Action#CANCEL}. Only ever delivered within one JVM: its codec refuses the wire.
 *
 * <p>A reply can be lost (its requester timed out meanwhile), and the relay cannot tell: so the
 * HTTP side {@link #take}s the hand-over, and a relay that finds it not taken after its idle time
 * {@link #revoke}s it and closes the session; whichever comes first wins.
 */
public final class LocalRead {
  private static final int OFFERED = 0;
  private static final int TAKEN = 1;
  private static final int REVOKED = 2;

  private final String session;
  private final String address;
  private final SocketChannel dataConnection;
  private final AtomicInteger state = new AtomicInteger(OFFERED);

  /**
   * @param session the session id on the relay
   * @param address where the session's {@link ChunkPull}s go
   * @param dataConnection the RETR's data connection, connected and blocking; the reader owns it
   */
  LocalRead(String session, String address, SocketChannel dataConnection) {
    this.session = session;
    this.address = address;
    this.dataConnection = dataConnection;
  }

  public String session() {
    return session;
  }

  public String address() {
    return address;
  }

  public SocketChannel dataConnection() {
    return dataConnection;
  }

  /** The HTTP side takes the hand-over; false when the relay revoked it already. */
  boolean take() {
    return state.compareAndSet(OFFERED, TAKEN);
  }

  /** The relay takes the hand-over back; false when the HTTP side took it. */
  boolean revoke() {
    return state.compareAndSet(OFFERED, REVOKED);
  }

  static final String CODEC = "ftpgw.local-read";

  /** Reply options that pick the local-only codec. */
  static final DeliveryOptions REPLY = new DeliveryOptions().setCodecName(CODEC);

  /** Registers the codec on {@code bus} unless it already is (one per Vert.x instance). */
  static void registerOn(EventBus bus) {
    BusCodecs.registerOnce(bus, new Codec());
  }

  private static final class Codec implements MessageCodec<LocalRead, LocalRead> {
    @Override
    public void encodeToWire(Buffer wire, LocalRead read) {
      throw new IllegalStateException("a data connection cannot be sent to another node");
    }

    @Override
    public LocalRead decodeFromWire(int pos, Buffer wire) {
      throw new IllegalStateException("a data connection cannot come from another node");
    }

    @Override
    public LocalRead transform(LocalRead read) {
      return read;
    }

    @Override
    public String name() {
      return CODEC;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
