package ftpgw.cluster;

import ftpgw.lifecycle.Stage;
import ftpgw.relay.PublishFence;
import ftpgw.relay.RelayClient;
import ftpgw.spool.LiveBody;
import ftpgw.spool.LiveFile;
import ftpgw.spool.LivePipe;
import ftpgw.spool.PrivateFiles;
import ftpgw.transfer.Addresses;
import ftpgw.transfer.ChunkRequest;
import ftpgw.transfer.Failure;
import ftpgw.transfer.GatewayException;
import ftpgw.transfer.RelayRequest;
import ftpgw.transfer.RelayResult;
import ftpgw.transfer.RemoteRelayRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay node's side of {@link Addresses#RELAY_REMOTE}: pulls an edge's body and has the node's
 * own relay publish it (temporary name, SIZE, RNFR/RNTO) while it arrives. The relay reads it as a
 * {@link LiveBody} (a streamed body from memory, {@link LivePipe}; one pulled in event-bus chunks
 * from an inbound file), which ends only once the whole body is in and matches the edge's check, so
 * a corrupt or cut-off body is never published (the relay fails and removes its temporary file).
 * Answers with the result.
 */
public final class ClusterRelayVerticle extends VerticleBase implements Stage {
  private static final Logger log = LoggerFactory.getLogger(ClusterRelayVerticle.class);

  /**
   * The local relay's bus limit: it publishes while the body arrives; chunk timeouts bound the
   * pull.
   */
  private static final Duration AS_LONG_AS_THE_PULL = Duration.ofDays(1);

  /**
   * The most a streamed body holds in memory. Every offer a relay node takes starts reading at
   * once, also while it waits for an FTP session, so each one fills its pipe: 1 MiB keeps the FTP
   * upload fed (TCP's buffers hold more in flight) and 16 transfers within 16 MiB of heap.
   */
  private static final long MAX_PIPE_BYTES = 1 << 20;

  private final Path inbound;
  private final Duration relayTimeout;
  private final Duration chunkTimeout;

  /** How often the edges of pulls in progress are looked for among the cluster's members. */
  private static final long MEMBERSHIP_CHECK_MILLIS = 500;

  /**
   * Longest wait for the edge to confirm an attempt before its publish (at most the data timeout):
   * one round trip on the event bus, so a node that gets no answer by then is cut off from the
   * cluster (paused, partitioned) and gives up the publish rather than hold its temporary file.
   */
  private static final Duration FENCE_TIMEOUT = Duration.ofSeconds(10);

  private RelayClient localRelay;
  private String nodeId;
  private ClusterView cluster;
  private MessageConsumer<JsonObject> consumer;

  /** Reads edges' direct body streams; one connection per transfer in progress. */
  private HttpClient streams;

  /**
   * Pulls in progress, by inbound file: failing one's promise stops it (its edge left the cluster).
   */
  private final Map<Path, Pull> pulls = new HashMap<>();

  private long membershipTimer = -1;

  /**
   * A pull in progress from one edge, or its body being published: until the relay is over, the
   * edge must be there to confirm the attempt.
   */
  private record Pull(String edgeNode, Promise<Void> stop, LiveBody live) {}

  /**
   * @param inbound folder for bodies being received (emptied at start: what a crash left is
   *     useless)
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
    cluster = ClusterView.of(vertx);
    nodeId = cluster.nodeId();
    membershipTimer = vertx.setPeriodic(MEMBERSHIP_CHECK_MILLIS, t -> stopPullsFromLostEdges());
    localRelay = new RelayClient(vertx.eventBus(), relayTimeout);
    streams =
        vertx.createHttpClient(
            StreamPuller.clientOptions(),
            // the FTP budget bounds the transfers in progress, not the pool
            new PoolOptions().setHttp1MaxSize(1024));
    return vertx
        .executeBlocking(
            () -> {
              emptyInbound();
              return null;
            })
        .compose(
            v -> {
              consumer = vertx.eventBus().consumer(Addresses.RELAY_REMOTE, this::relay);
              return consumer.completion();
            })
        .onSuccess(
            v ->
                log.info(
                    "Relay node {}: taking transfers from edges (inbound folder {})",
                    nodeId,
                    inbound));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(membershipTimer);
    streams.close();
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  private void relay(Message<JsonObject> message) {
    RemoteRelayRequest request = RemoteRelayRequest.fromJson(message.body());
    Path body = inbound.resolve(request.transferId() + "-" + request.lease() + ".part");
    long started = System.nanoTime();
    RelayRequest publish =
        new RelayRequest(
            request.transferId(),
            body.toString(),
            request.remotePath(),
            request.bytes(),
            request.sha256(),
            true,
            null);
    Promise<RelayResult> published = Promise.promise();
    AtomicBoolean relayStarted = new AtomicBoolean();
    Runnable startRelay =
        () -> {
          relayStarted.set(true);
          localRelay.relay(publish, AS_LONG_AS_THE_PULL).onComplete(published);
        };
    log.info(
        "Transfer {} ({} bytes): reading its body {}",
        request.transferId(),
        request.bytes(),
        request.stream() == null
            ? "in event-bus chunks from " + request.source()
            : "over the stream " + request.stream());
    Pull pull;
    Future<StreamPuller.Whole> received;
    if (request.stream() != null) {
      // from memory straight to the FTP server: the edge keeps the body on its disk
      LivePipe pipe =
          LivePipe.open(
              request.transferId(),
              body,
              chunkTimeout,
              Math.min((long) request.window() * request.chunkBytes(), MAX_PIPE_BYTES));
      pull = track(request, body, pipe);
      startRelay.run();
      received =
          StreamPuller.pull(
              vertx, streams, request, nodeId, pipe, chunkTimeout, pull.stop().future());
    } else {
      LiveFile file = LiveFile.open(request.transferId(), body, chunkTimeout);
      pull = track(request, body, file);
      received =
          ChunkPuller.pull(
                  vertx,
                  request,
                  nodeId,
                  body,
                  chunkTimeout,
                  startRelay,
                  file::written,
                  pull.stop().future())
              .map(v -> new StreamPuller.Whole(request.bytes(), null));
    }
    LiveBody live = pull.live();
    // a relay that failed reads no more: stop pulling what nobody will send
    published.future().onFailure(pull.stop()::tryFail);
    received
        .andThen(
            pulled -> {
              if (pulled.succeeded()) {
                StreamPuller.Whole whole = pulled.result();
                log.debug(
                    "Transfer {}: {} bytes received from {} in {} ms, checked",
                    request.transferId(),
                    whole.bytes(),
                    request.source(),
                    (System.nanoTime() - started) / 1_000_000);
                live.accepted(whole.bytes(), whole.publishAs(), null);
              } else {
                live.refused(pulled.cause());
              }
            })
        .compose(
            pulled -> published.future(),
            // the pull's failure is the story; a relay that started is waited for so its temporary
            // file is gone
            pullFailed ->
                relayStarted.get()
                    ? published.future().transform(relayed -> Future.failedFuture(pullFailed))
                    : Future.failedFuture(pullFailed))
        .eventually(
            () -> {
              pulls.remove(body, pull);
              PublishFence.remove(body);
              live.release();
              return vertx.fileSystem().delete(body.toString()).otherwiseEmpty();
            })
        .onSuccess(result -> message.reply(result.toJson()))
        .onFailure(
            error -> {
              Failure failure = Failure.of(error);
              log.warn(
                  "Transfer {} from {} failed ({}): {}",
                  request.transferId(),
                  request.source(),
                  failure,
                  error.getMessage());
              message.fail(failure.busCode(), error.getMessage());
            });
  }

  /** Makes a pull stoppable (its edge may leave) and its publish fenced by its edge. */
  private Pull track(RemoteRelayRequest request, Path body, LiveBody live) {
    Pull pull = new Pull(edgeOf(request), Promise.promise(), live);
    pulls.put(body, pull);
    PublishFence.register(body, () -> stillCurrent(request));
    return pull;
  }

  /**
   * An edge that left the cluster (crashed, partitioned, stopped) will never send another chunk:
   * stop its pulls now instead of after a chunk timeout, so that the relay's FTP session, cluster
   * budget slot and worker thread are free (the live body is refused, the FTP upload broken off and
   * its temporary file removed).
   */
  private void stopPullsFromLostEdges() {
    // without a cluster there are no members to lose (a test's stand-in edge is never one)
    if (pulls.isEmpty() || !cluster.clustered()) {
      return;
    }
    List<String> members = cluster.members();
    for (Pull pull : List.copyOf(pulls.values())) {
      if (!members.contains(pull.edgeNode())) {
        GatewayException lost =
            Failure.RELAY_UNAVAILABLE.exception(
                "edge node "
                    + pull.edgeNode()
                    + " left the cluster; the transfer is retried from its spool when it is back");
        pull.stop().tryFail(lost);
        // a body already received whole (the stream is faster than the FTP server) is not
        // published either: its attempt can no longer be confirmed
        pull.live().abandon(lost);
      }
    }
  }

  /**
   * Asks the edge, blocking (an FTP thread asks), whether this pull's lease is still its current
   * attempt.
   */
  private boolean stillCurrent(RemoteRelayRequest request) throws IOException {
    ChunkRequest ask = new ChunkRequest(request.transferId(), request.lease(), nodeId, 0, 0);
    long timeout = Math.min(chunkTimeout.toMillis(), FENCE_TIMEOUT.toMillis());
    DeliveryOptions options =
        new DeliveryOptions()
            .setSendTimeout(timeout)
            .addHeader(EdgeRelayVerticle.ACTION, EdgeRelayVerticle.FENCE);
    try {
      vertx
          .eventBus()
          .request(request.source(), ask.toJson(), options)
          .toCompletionStage()
          .toCompletableFuture()
          .get(timeout + 1000, TimeUnit.MILLISECONDS);
      return true;
    } catch (ExecutionException | TimeoutException e) {
      log.warn(
          "Transfer {}: not publishing, the edge does not confirm this attempt ({})",
          request.transferId(),
          e.getCause() == null ? e.toString() : e.getCause().getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(
          "interrupted while asking the edge about transfer " + request.transferId(), e);
    }
  }

  /** The node id in a chunk source address ({@link Addresses#chunkSource}). */
  private static String edgeOf(RemoteRelayRequest request) {
    String source = request.source();
    return source.substring(source.lastIndexOf('.') + 1);
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
