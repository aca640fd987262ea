package ftpgw.cluster;

import ftpgw.lifecycle.Stage;
import ftpgw.relay.RelayClient;
import ftpgw.spool.LiveBody;
import ftpgw.spool.PrivateFiles;
import ftpgw.transfer.Addresses;
import ftpgw.transfer.Failure;
import ftpgw.transfer.RelayRequest;
import ftpgw.transfer.RelayResult;
import ftpgw.transfer.RemoteRelayRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * The relay node's side of {@link Addresses#RELAY_REMOTE}: pulls an edge's body into a local inbound file and has
 * the node's own relay publish it (temporary name, SIZE, RNFR/RNTO) while it arrives: the relay reads the file as a
 * {@link LiveBody}, which ends only once the whole body is in and its SHA-256 matches the edge's, so a corrupt or
 * cut-off body is never published (the relay fails and removes its temporary file). Answers with the result.
 */
public final class ClusterRelayVerticle extends VerticleBase implements Stage {
  private static final Logger log = LoggerFactory.getLogger(ClusterRelayVerticle.class);
  /** The local relay's bus limit: it publishes while the body arrives; chunk timeouts bound the pull. */
  private static final Duration AS_LONG_AS_THE_PULL = Duration.ofDays(1);

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
    LiveBody live = LiveBody.open(request.transferId(), body, chunkTimeout);
    RelayRequest publish = new RelayRequest(request.transferId(), body.toString(), request.remotePath(),
        request.bytes(), request.sha256(), true, null);
    Promise<RelayResult> published = Promise.promise();
    AtomicBoolean relayStarted = new AtomicBoolean();
    Runnable startRelay = () -> {
      relayStarted.set(true);
      localRelay.relay(publish, AS_LONG_AS_THE_PULL).onComplete(published);
    };
    ChunkPuller.pull(vertx, request, nodeId, body, chunkTimeout, startRelay, live::written)
        .andThen(pulled -> {
          if (pulled.succeeded()) {
            log.debug("Transfer {}: {} bytes received from {} in {} ms, SHA-256 checked", request.transferId(),
                request.bytes(), request.source(), (System.nanoTime() - started) / 1_000_000);
            live.accepted(request.bytes());
          } else {
            live.refused(pulled.cause());
          }
        })
        .compose(pulled -> published.future(),
            // the pull's failure is the story; a relay that started is waited for so its temporary file is gone
            pullFailed -> relayStarted.get()
                ? published.future().transform(relayed -> Future.failedFuture(pullFailed))
                : Future.failedFuture(pullFailed))
        .eventually(() -> {
          live.release();
          return vertx.fileSystem().delete(body.toString()).otherwiseEmpty();
        })
        .onSuccess(result -> message.reply(result.toJson()))
        .onFailure(error -> {
          Failure failure = Failure.of(error);
          log.warn("Transfer {} from {} failed ({}): {}", request.transferId(), request.source(), failure,
              error.getMessage());
          message.fail(failure.busCode(), error.getMessage());
        });
  }

  private void emptyInbound() throws IOException {
    PrivateFiles.folder(inbound);
    try (Stream<Path> files = Files.list(inbound)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(file);
      }
    }
  }
}
