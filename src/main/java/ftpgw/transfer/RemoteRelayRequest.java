package ftpgw.transfer;

import io.vertx.core.json.JsonObject;

/**
 * Asks any relay node to publish a transfer whose body stays on the edge that spooled it: the relay
 * pulls it in chunks from {@code source}, checks its size and SHA-256, then publishes it as a local
 * relay would.
 *
 * @param lease names this attempt; the edge serves chunks only under the lease of the attempt in
 *     progress, so a relay the edge gave up on cannot go on reading
 * @param source the edge's chunk address ({@link Addresses#chunkSource})
 * @param chunkBytes size of every chunk but the last
 * @param window chunks the relay may ask for ahead of the one it is writing (with a stream: its
 *     memory, {@code window × chunkBytes})
 * @param stream base URL of the edge's direct body stream ({@code http://host:port}); null: pull
 *     the chunks over the event bus
 * @param crc32c the CRC-32C of the spool file the stream sends (hex), taken by the edge as it
 *     offers the body: the relay checks the crossing with it instead of hashing every byte with
 *     SHA-256 again; null: the relay checks the SHA-256, or, when {@code sha256} is null too (a
 *     body offered while it still arrives, over the stream only), the CRC-32C the stream sends with
 *     the body's end
 */
public record RemoteRelayRequest(
    String transferId,
    String lease,
    String remotePath,
    long bytes,
    String sha256,
    String source,
    int chunkBytes,
    int window,
    String stream,
    String crc32c) {

  /** A request whose body crosses in event-bus chunks. */
  public RemoteRelayRequest(
      String transferId,
      String lease,
      String remotePath,
      long bytes,
      String sha256,
      String source,
      int chunkBytes,
      int window) {
    this(transferId, lease, remotePath, bytes, sha256, source, chunkBytes, window, null, null);
  }

  /**
   * A body offered while it still arrives: neither digest is known yet, its CRC-32C comes with the
   * stream's last answer.
   */
  public boolean stillArriving() {
    return sha256 == null && crc32c == null;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("transferId", transferId)
        .put("lease", lease)
        .put("remotePath", remotePath)
        .put("bytes", bytes)
        .put("sha256", sha256)
        .put("source", source)
        .put("chunkBytes", chunkBytes)
        .put("window", window)
        .put("stream", stream)
        .put("crc32c", crc32c);
  }

  public static RemoteRelayRequest fromJson(JsonObject json) {
    return new RemoteRelayRequest(
        json.getString("transferId"),
        json.getString("lease"),
        json.getString("remotePath"),
        json.getLong("bytes"),
        json.getString("sha256"),
        json.getString("source"),
        json.getInteger("chunkBytes"),
        json.getInteger("window"),
        json.getString("stream"),
        json.getString("crc32c"));
  }
}
