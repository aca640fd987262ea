package ftpgw.transfer;

/** Every event-bus address of the gateway, in one place. */
public final class Addresses {
  /**
   * request {@link RelayRequest} → reply {@link RelayResult}; fails with a {@link Failure} bus
   * code. Local to each node (the request names a file on this host): the node's own relay, or on
   * an edge the cluster forwarder.
   */
  public static final String RELAY_FILE = "ftpgw.relay.file";

  /**
   * Cluster-wide, consumed by every relay node (the event bus picks one): request {@link
   * RemoteRelayRequest} → reply {@link RelayResult} once published; the relay pulls the body from
   * the request's chunk source meanwhile.
   */
  public static final String RELAY_REMOTE = "ftpgw.relay.remote";

  /**
   * request {@link SubmitTransfer} → reply {@link Transfer}: at once (after journalling) for an
   * async submit, when the transfer is final for a sync one.
   */
  public static final String DELIVERY_SUBMIT = "ftpgw.delivery.submit";

  /**
   * request {@link PublishedTransfer} → reply the delivered {@link Transfer} once its spool body is
   * gone: an upload the HTTP side had relayed while it arrived (cut-through), recorded like any
   * delivered transfer.
   */
  public static final String DELIVERY_PUBLISHED = "ftpgw.delivery.published";

  /**
   * request {@link TransferRef} → reply {@link Transfer} once it is journalled (or already final).
   */
  public static final String DELIVERY_PERSIST = "ftpgw.delivery.persist";

  /**
   * request {@link TransferRef} → reply the cancelled {@link Transfer}; fails NOT_FOUND or
   * CONFLICT.
   */
  public static final String DELIVERY_CANCEL = "ftpgw.delivery.cancel";

  /**
   * Published cluster-wide, never sent: every change of every transfer as a {@link
   * ftpgw.events.TransferEvent} (state changes, and throttled progress while a body arrives). The
   * bridges let clients receive it.
   */
  public static final String TRANSFER_EVENTS = "ftpgw.transfers.events";

  /**
   * Where one user's transfer events are published too: what a bridge client in a mode with users
   * listens to.
   */
  public static String transferEventsOf(String user) {
    return TRANSFER_EVENTS + "." + user;
  }

  /**
   * Bridge clients: request {@code {"id"}} → reply the transfer's event-schema JSON; fails
   * NOT_FOUND.
   */
  public static final String TRANSFERS_GET = "ftpgw.transfers.get";

  /**
   * Bridge clients: request {@code {"id"}} → reply the cancelled transfer's JSON; fails NOT_FOUND
   * or CONFLICT.
   */
  public static final String TRANSFERS_CANCEL = "ftpgw.transfers.cancel";

  /**
   * Cluster-wide, consumed by every relay node: request {@link ftpgw.files.FileRequest} → reply the
   * operation's JSON (an entry, a listing, or for a read the session to pull chunks from); fails
   * with a {@link Failure} bus code.
   */
  public static final String FILES = "ftpgw.files";

  /**
   * The download sessions of one relay node: request {@link ftpgw.files.ChunkPull} → reply the next
   * {@link io.vertx.core.buffer.Buffer} of the file (empty at its end); a pull that cancels frees
   * the FTP connection.
   */
  public static String fileChunks(String nodeId) {
    return "ftpgw.files.chunks." + nodeId;
  }

  /**
   * The chunk source of one edge node: request {@link ChunkRequest} → reply a {@link
   * io.vertx.core.buffer.Buffer} holding exactly the bytes asked for; fails CONFLICT when the
   * transfer is no longer offered under that lease.
   */
  public static String chunkSource(String nodeId) {
    return "ftpgw.cluster.chunks." + nodeId;
  }

  private Addresses() {}
}
