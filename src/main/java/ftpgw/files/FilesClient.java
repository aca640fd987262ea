package ftpgw.files;

import ftpgw.transfer.Addresses;
import ftpgw.transfer.Failure;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;

/**
 * The typed caller of {@link Addresses#FILES} and of the chunk addresses: no one else touches their
 * messages.
 */
public final class FilesClient {
  private final EventBus bus;
  private final DeliveryOptions options;
  private final String node;

  /**
   * @param timeout how long one operation or one chunk may take, waiting for a pooled connection
   *     included
   * @param node this node's id: a relay on the same node hands a download its data connection
   */
  public FilesClient(EventBus bus, Duration timeout, String node) {
    this.bus = bus;
    this.node = node;
    ChunkCodec.registerOn(bus);
    LocalRead.registerOn(bus);
    this.options = new DeliveryOptions().setSendTimeout(timeout.toMillis());
  }

  /**
   * An open download. From a relay on another node: pull its chunks in order until one is empty.
   * From a relay on this node: read its {@link #dataConnection()}, then {@link #finish()}. Cancel
   * it to free its FTP connection early.
   */
  public final class Download {
    private final String session;
    private final String address;
    private final SocketChannel dataConnection;

    private Download(String session, String address, SocketChannel dataConnection) {
      this.session = session;
      this.address = address;
      this.dataConnection = dataConnection;
    }

    /**
     * The RETR's data connection when the relay is on this node (see {@link LocalRead}), else null.
     */
    public SocketChannel dataConnection() {
      return dataConnection;
    }

    public Future<Buffer> next() {
      return bus.<Buffer>request(address, pull(ChunkPull.Action.NEXT), options).map(m -> m.body());
    }

    /**
     * The {@link #dataConnection()} was read to the file's end and closed: the relay checks the
     * server's verdict (226) and reuses the connection.
     */
    public Future<Void> finish() {
      return bus.request(address, pull(ChunkPull.Action.FINISH), options).mapEmpty();
    }

    public void cancel() {
      bus.request(address, pull(ChunkPull.Action.CANCEL), options);
    }

    private JsonObject pull(ChunkPull.Action action) {
      return new ChunkPull(session, action).toJson();
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
    FileRequest request =
        new FileRequest(FileRequest.Op.READ, path, null, false, offset, length, ftpUser, node);
    return bus.request(Addresses.FILES, request.toJson(), options)
        .map(
            reply -> {
              if (reply.body() instanceof LocalRead local) {
                if (!local.take()) {
                  throw Failure.FTP_TIMEOUT.exception(
                      "the download's FTP connection was given up before it could be read");
                }
                return new Download(local.session(), local.address(), local.dataConnection());
              }
              JsonObject json = (JsonObject) reply.body();
              return new Download(json.getString("session"), json.getString("address"), null);
            });
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
    return call(new FileRequest(op, from, to, overwrite, 0, -1, ftpUser, null))
        .map(json -> json.getBoolean("replaced"));
  }

  private Future<JsonObject> call(FileRequest request) {
    return bus.<JsonObject>request(Addresses.FILES, request.toJson(), options).map(m -> m.body());
  }
}
