package ftpgw.cluster;

import ftpgw.Stage;
import ftpgw.relay.RelayClient;
import ftpgw.transfer.Addresses;
import ftpgw.transfer.Failure;
import ftpgw.transfer.RelayRequest;
import ftpgw.transfer.RemoteRelayRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * The relay node's side of {@link Addresses#RELAY_REMOTE}: pulls an edge's body into a local inbound file, checks
 * its SHA-256, then has the node's own relay publish that file (temporary name, SIZE, RNFR/RNTO) and answers with
 * the result. Receiving whole before publishing means a corrupt or cut-off body never reaches the FTP server, and an
 * FTP session is held only for the FTP part, not while bytes cross the cluster.
 */
public final class ClusterRelayVerticle extends VerticleBase implements Stage {
  private static final Logger log = LoggerFactory.getLogger(ClusterRelayVerticle.class);

  private final Path inbound;
  private final Duration relayTimeout;
  private final Duration chunkTimeout;
  private RelayClient localRelay;
  private String nodeId;
  private MessageConsumer<JsonObject> consumer;

  /**
   * @param inbound      folder for bodies being received (emptied at start: what a crash left is useless)
   * @param chunkTimeout how long one chunk may take to arrive before the edge is given up on
   */
  public ClusterRelayVerticle(Path inbound, Duration relayTimeout, Duration chunkTimeout) {
    this.inbound = inbound;
    this.relayTimeout = relayTimeout;
    this.chunkTimeout = chunkTimeout;
  }

  @Override
  public Context stageContext() {
    return context;
  }

  @Override
  public Future<?> start() {
    nodeId = ClusterView.of(vertx).nodeId();
    localRelay = new RelayClient(vertx.eventBus(), relayTimeout);
    return vertx.executeBlocking(() -> {
      emptyInbound();
      return null;
    }).compose(v -> {
      consumer = vertx.eventBus().consumer(Addresses.RELAY_REMOTE, this::relay);
      return consumer.completion();
    }).onSuccess(v -> log.info("Relay node {}: taking transfers from edges (inbound folder {})", nodeId, inbound));
  }

  @Override
  public Future<?> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  private void relay(Message<JsonObject> message) {
    RemoteRelayRequest request = RemoteRelayRequest.fromJson(message.body());
    Path body = inbound.resolve(request.transferId() + "-" + request.lease() + ".part");
    long started = System.nanoTime();
    ChunkPuller.pull(vertx, request, nodeId, body, chunkTimeout)
        .onSuccess(v -> log.debug("Transfer {}: {} bytes received from {} in {} ms, SHA-256 checked",
            request.transferId(), request.bytes(), request.source(), (System.nanoTime() - started) / 1_000_000))
        .compose(v -> localRelay.relay(new RelayRequest(request.transferId(), body.toString(), request.remotePath(),
            request.bytes(), request.sha256())))
        .eventually(() -> vertx.fileSystem().delete(body.toString()).otherwiseEmpty())
        .onSuccess(result -> message.reply(result.toJson()))
        .onFailure(error -> {
          Failure failure = Failure.of(error);
          log.warn("Transfer {} from {} failed ({}): {}", request.transferId(), request.source(), failure,
              error.getMessage());
          message.fail(failure.busCode(), error.getMessage());
        });
  }

  private void emptyInbound() throws IOException {
    Files.createDirectories(inbound);
    try (Stream<Path> files = Files.list(inbound)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(file);
      }
    }
  }
}
