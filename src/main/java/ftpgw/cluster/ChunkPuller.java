package ftpgw.cluster;

import ftpgw.spool.PrivateFiles;
import ftpgw.transfer.ChunkRequest;
import ftpgw.transfer.Failure;
import ftpgw.transfer.RemoteRelayRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.LongConsumer;

/**
 * Copies a remote transfer's body from the edge's chunk source into a local file, at most {@code
 * window} chunks ahead of the one being written (the bound of its memory), and checks its SHA-256
 * against the one the edge took on arrival. Pulling gives the flow control: a chunk is asked for
 * only when there is room for it.
 */
final class ChunkPuller {
  private static final OpenOptions NEW_FILE =
      new OpenOptions()
          .setWrite(true)
          .setCreate(true)
          .setTruncateExisting(true)
          .setPerms(PrivateFiles.FILE_MODE);

  private final Vertx vertx;
  private final RemoteRelayRequest request;
  private final String relayNode;
  private final DeliveryOptions chunkOptions;
  private final MessageDigest digest = sha256();
  private final Promise<Void> done = Promise.promise();
  private final LongConsumer onWritten;
  private AsyncFile file;
  private Future<Void> tail = Future.succeededFuture();
  private long nextOffset;
  private int inFlight;

  private ChunkPuller(
      Vertx vertx,
      RemoteRelayRequest request,
      String relayNode,
      Duration chunkTimeout,
      LongConsumer onWritten) {
    this.vertx = vertx;
    this.onWritten = onWritten;
    this.request = request;
    this.relayNode = relayNode;
    this.chunkOptions = new DeliveryOptions().setSendTimeout(chunkTimeout.toMillis());
  }

  /**
   * Pulls the whole body into {@code target}; fails (the file then partial, for the caller to
   * delete) otherwise.
   *
   * @param onOpened runs once {@code target} exists, before the first chunk is asked for
   * @param onWritten told how many leading bytes of {@code target} are written, each time that
   *     grows
   * @param stop failing it stops the pull at once with its cause (the edge left the cluster)
   */
  static Future<Void> pull(
      Vertx vertx,
      RemoteRelayRequest request,
      String relayNode,
      Path target,
      Duration chunkTimeout,
      Runnable onOpened,
      LongConsumer onWritten,
      Future<Void> stop) {
    ChunkPuller puller = new ChunkPuller(vertx, request, relayNode, chunkTimeout, onWritten);
    stop.onFailure(puller.done::tryFail);
    return vertx
        .fileSystem()
        .open(target.toString(), NEW_FILE)
        .compose(
            file -> {
              puller.file = file;
              onOpened.run();
              puller.pump();
              return puller.done.future().eventually(file::close);
            })
        .compose(v -> puller.verify());
  }

  private void pump() {
    if (request.bytes() == 0) {
      done.tryComplete();
      return;
    }
    while (inFlight < request.window()
        && nextOffset < request.bytes()
        && !done.future().isComplete()) {
      long offset = nextOffset;
      int length = (int) Math.min(request.chunkBytes(), request.bytes() - offset);
      nextOffset += length;
      inFlight++;
      Future<Buffer> chunk = fetch(offset, length);
      // chunks are hashed and written in order; a failure stops every later link of the chain
      tail = tail.compose(v -> chunk).compose(buffer -> write(offset, length, buffer));
      tail.onComplete(
          written -> {
            inFlight--;
            if (written.failed()) {
              done.tryFail(written.cause());
            } else if (nextOffset >= request.bytes() && inFlight == 0) {
              done.tryComplete();
            } else {
              pump();
            }
          });
    }
  }

  private Future<Buffer> fetch(long offset, int length) {
    ChunkRequest chunk =
        new ChunkRequest(request.transferId(), request.lease(), relayNode, offset, length);
    return vertx
        .eventBus()
        .<Buffer>request(request.source(), chunk.toJson(), chunkOptions)
        .map(reply -> reply.body());
  }

  private Future<Void> write(long offset, int length, Buffer buffer) {
    if (buffer.length() != length) {
      return Future.failedFuture(
          Failure.CORRUPTED_IN_TRANSIT.exception(
              "chunk at "
                  + offset
                  + " of transfer "
                  + request.transferId()
                  + " has "
                  + buffer.length()
                  + " bytes, expected "
                  + length));
    }
    digest.update(buffer.getBytes());
    // writes run one after another (see pump), so the end of this one ends the written prefix
    return file.write(buffer, offset)
        .andThen(
            written -> {
              if (written.succeeded()) {
                onWritten.accept(offset + length);
              }
            });
  }

  private Future<Void> verify() {
    String sha256 = HexFormat.of().formatHex(digest.digest());
    if (sha256.equals(request.sha256())) {
      return Future.succeededFuture();
    }
    return Future.failedFuture(
        Failure.CORRUPTED_IN_TRANSIT.exception(
            "transfer "
                + request.transferId()
                + " arrived at relay node "
                + relayNode
                + " with SHA-256 "
                + sha256
                + ", expected "
                + request.sha256()
                + "; nothing was published"));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
