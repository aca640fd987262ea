package ftpgw.files;

import ftpgw.transfer.Addresses;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * The typed caller of {@link Addresses#FILES} and of the chunk addresses: no one else touches their
 * messages.
 */
public final class FilesClient {
  private final EventBus bus;
  private final DeliveryOptions options;

  /**
   * @param timeout how long one operation or one chunk may take, waiting for a pooled connection
   *     included
   */
  public FilesClient(EventBus bus, Duration timeout) {
    this.bus = bus;
    ChunkCodec.registerOn(bus);
    this.options = new DeliveryOptions().setSendTimeout(timeout.toMillis());
  }

  /**
   * An open download: pull its chunks in order until one is empty; cancel it to free its FTP
   * connection early.
   */
  public final class Download {
    private final String session;
    private final String address;

    private Download(String session, String address) {
      this.session = session;
      this.address = address;
    }

    public Future<Buffer> next() {
      return bus.<Buffer>request(address, new ChunkPull(session, false).toJson(), options)
          .map(m -> m.body());
    }

    public void cancel() {
      bus.request(address, new ChunkPull(session, true).toJson(), options);
    }
  }

  public Future<RemoteEntry> stat(String path, String ftpUser) {
    return call(FileRequest.of(FileRequest.Op.STAT, path, ftpUser)).map(RemoteEntry::fromJson);
  }

  public Future<List<RemoteEntry>> list(String path, String ftpUser) {
    return call(FileRequest.of(FileRequest.Op.LIST, path, ftpUser))
        .map(
            json ->
                json.getJsonArray("entries").stream()
                    .map(e -> RemoteEntry.fromJson((JsonObject) e))
                    .toList());
  }

  /** {@code length} bytes (-1: all) from {@code offset}. */
  public Future<Download> read(String path, long offset, long length, String ftpUser) {
    return call(new FileRequest(FileRequest.Op.READ, path, null, false, offset, length, ftpUser))
        .map(json -> new Download(json.getString("session"), json.getString("address")));
  }

  public Future<Void> delete(String path, String ftpUser) {
    return call(FileRequest.of(FileRequest.Op.DELETE, path, ftpUser)).mapEmpty();
  }

  public Future<Void> makeFolder(String path, String ftpUser) {
    return call(FileRequest.of(FileRequest.Op.MKCOL, path, ftpUser)).mapEmpty();
  }

  /** MOVE or COPY; true when an existing destination was replaced. */
  public Future<Boolean> transfer(
      FileRequest.Op op, String from, String to, boolean overwrite, String ftpUser) {
    return call(new FileRequest(op, from, to, overwrite, 0, -1, ftpUser))
        .map(json -> json.getBoolean("replaced"));
  }

  private Future<JsonObject> call(FileRequest request) {
    return bus.<JsonObject>request(Addresses.FILES, request.toJson(), options).map(m -> m.body());
  }
}
