package ftpgw.cluster;

import ftpgw.config.ClusterConfig;
import ftpgw.lifecycle.Stage;
import ftpgw.spool.LiveBody;
import ftpgw.spool.PartedBody;
import ftpgw.transfer.Addresses;
import ftpgw.transfer.ChunkRequest;
import ftpgw.transfer.Failure;
import ftpgw.transfer.RelayRequest;
import ftpgw.transfer.RelayResult;
import ftpgw.transfer.RemoteRelayRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay of an edge (a node that takes uploads but cannot reach the FTP server): answers the
 * local {@link Addresses#RELAY_FILE} by offering the spooled body to a relay node over the
 * clustered event bus and serving it in chunks as that node pulls them. The attempt fails with a
 * retryable {@link Failure#RELAY_UNAVAILABLE} when no relay node starts pulling in time or the one
 * pulling leaves the cluster, and the delivery hands the transfer to another relay node on its next
 * attempt. The spool file stays until the delivery has the relay's answer.
 */
public final class EdgeRelayVerticle extends VerticleBase implements Stage {
  private static final Logger log = LoggerFactory.getLogger(EdgeRelayVerticle.class);
  private static final OpenOptions READ_ONLY =
      new OpenOptions().setRead(true).setWrite(false).setCreate(false);
  private static final long MEMBERSHIP_CHECK_MILLIS = 500;

  /**
   * A message header on the chunk source: {@code fence} asks, without a chunk, whether the
   * request's lease is still the current attempt (see {@link ftpgw.relay.PublishFence}); answered
   * {@code {"current":true}} or CONFLICT.
   */
  static final String ACTION = "action";

  static final String FENCE = "fence";

  /**
   * The bus time limit of an offer of a body still arriving: it lasts as long as the upload; the
   * relay node's stall limit bounds it.
   */
  private static final Duration AS_LONG_AS_THE_UPLOAD = Duration.ofDays(1);

  /** One attempt at relaying one transfer. */
  private static final class Offer {
    final RelayRequest request;
    final String lease;

    /** The body still arriving (an upload cut through), or null: the spool file is whole. */
    LiveBody live;

    final Promise<RelayResult> outcome = Promise.promise();
    String relayNode;
    long startTimer = -1;
    Future<AsyncFile> file;

    Offer(RelayRequest request, String lease) {
      this.request = request;
      this.lease = lease;
    }
  }

  private final ClusterConfig config;
  private final Duration relayTimeout;
  private final Map<String, Offer> offers = new HashMap<>();
  private final SecureRandom random = new SecureRandom();
  private ClusterView cluster;
  private String source;
  private long membershipTimer;
  private BodyStreamServer streams;

  /** Base URL of this edge's body stream; null: bodies cross in event-bus chunks. */
  private String streamBase;

  public EdgeRelayVerticle(ClusterConfig config, Duration relayTimeout) {
    this.config = config;
    this.relayTimeout = relayTimeout;
  }

  @Override
  public Context stageContext() {
    return context;
  }

  @Override
  public Future<?> start() {
    cluster = ClusterView.of(vertx);
    source = Addresses.chunkSource(cluster.nodeId());
    if (!cluster.clustered()) {
      log.warn(
          "This node has no \"relay\" role and is not clustered (-cluster): uploads wait for a relay node");
    }
    membershipTimer = vertx.setPeriodic(MEMBERSHIP_CHECK_MILLIS, t -> failOffersOfLostNodes());
    var bus = vertx.eventBus();
    return Future.all(
            bus.<JsonObject>localConsumer(Addresses.RELAY_FILE, this::relay).completion(),
            bus.<JsonObject>consumer(source, this::serveChunk).completion(),
            listenForStreams())
        .onSuccess(
            v ->
                log.info(
                    "Edge: transfers go to relay nodes {} (source {})",
                    streamBase == null
                        ? "in chunks of " + ftpgw.ops.ByteCount.readable(config.chunkBytes())
                        : "over the body stream " + streamBase,
                    source));
  }

  /** The direct body stream, on the address the cluster reaches this node on. */
  private Future<?> listenForStreams() {
    if (!config.stream()) {
      return Future.succeededFuture();
    }
    String host = config.host() != null ? config.host() : cluster.host();
    streams = new BodyStreamServer(vertx, new StreamAttempts());
    return streams
        .listen(host, config.streamPort())
        .onSuccess(
            port ->
                streamBase =
                    "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
  }

  /** The offers as the body stream sees them. */
  private final class StreamAttempts implements BodyStreamServer.Attempts {
    @Override
    public BodyStreamServer.Attempt current(String transferId) {
      Offer offer = offers.get(transferId);
      return offer == null
          ? null
          : new BodyStreamServer.Attempt(
              transferId,
              offer.lease,
              offer.request.spoolFile(),
              offer.request.bytes(),
              offer.live);
    }

    @Override
    public void readBy(BodyStreamServer.Attempt attempt, String relayNode) {
      Offer offer = offers.get(attempt.transferId());
      if (offer != null && offer.lease.equals(attempt.lease())) {
        pulledBy(offer, relayNode);
      }
    }
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(membershipTimer);
    if (streams != null) {
      streams.close();
    }
    List.copyOf(offers.values())
        .forEach(
            offer ->
                offer.outcome.tryFail(
                    Failure.SHUTTING_DOWN.exception(
                        "the gateway is shutting down; transfer "
                            + offer.request.transferId()
                            + " stays journalled")));
    return Future.succeededFuture();
  }

  /** Asks the relay nodes to take {@code offer}; its outcome completes with their answer. */
  private void offer(Offer offer, boolean streamed, String crc32c) {
    if (offer.outcome.future().isComplete()) {
      return; // superseded or shut down while its CRC was taken
    }
    RelayRequest request = offer.request;
    offer.startTimer =
        vertx.setTimer(
            config.relayStartTimeout().toMillis(),
            t ->
                offer.outcome.tryFail(
                    Failure.RELAY_UNAVAILABLE.exception(
                        "no relay node started pulling transfer "
                            + request.transferId()
                            + " within "
                            + config.relayStartTimeout().toMillis()
                            + " ms")));
    RemoteRelayRequest remote =
        new RemoteRelayRequest(
            request.transferId(),
            offer.lease,
            request.remotePath(),
            request.bytes(),
            request.sha256(),
            source,
            config.chunkBytes(),
            config.chunkWindow(),
            streamed ? streamBase : null,
            crc32c);
    vertx
        .eventBus()
        .<JsonObject>request(
            Addresses.RELAY_REMOTE,
            remote.toJson(),
            new DeliveryOptions()
                .setSendTimeout(
                    (offer.live == null ? relayTimeout : AS_LONG_AS_THE_UPLOAD).toMillis()))
        .map(reply -> RelayResult.fromJson(reply.body()))
        .onComplete(
            result -> {
              if (result.succeeded()) {
                offer.outcome.tryComplete(result.result());
              } else {
                offer.outcome.tryFail(result.cause());
              }
            });
  }

  private void relay(Message<JsonObject> message) {
    RelayRequest request = RelayRequest.fromJson(message.body());
    Offer offer = new Offer(request, newLease());
    Offer previous = offers.put(request.transferId(), offer);
    if (previous != null) {
      previous.outcome.tryFail(Failure.CONFLICT.exception("superseded by a new attempt"));
    }
    long started = System.nanoTime();
    if (request.live()) {
      // a body still arriving (an upload cut through): the stream follows its spool file, and its
      // last bytes carry the CRC-32C taken as it was spooled
      offer.live =
          streamBase == null ? null : LiveBody.find(Path.of(request.spoolFile())).orElse(null);
      if (offer.live == null) {
        offer.outcome.tryFail(
            Failure.RELAY_UNAVAILABLE.exception(
                "transfer " + request.transferId() + " cannot cross while it arrives"));
      } else {
        offer(offer, true, null);
      }
    } else {
      // the stream sends one spool file; a body kept as several (a tus final) crosses in
      // event-bus chunks
      boolean streamed = streamBase != null && request.parts().isEmpty();
      (streamed
              ? vertx.executeBlocking(() -> BodyStreams.crc32c(Path.of(request.spoolFile())), false)
              : Future.<String>succeededFuture())
          .onSuccess(crc32c -> offer(offer, streamed, crc32c))
          .onFailure(offer.outcome::tryFail);
    }
    offer
        .outcome
        .future()
        .onComplete(
            result -> {
              vertx.cancelTimer(offer.startTimer);
              offers.remove(request.transferId(), offer);
              if (streams != null) {
                streams.cut(offer.lease);
              }
              if (offer.file != null) {
                offer.file.onSuccess(AsyncFile::close);
              }
            })
        .onSuccess(
            result -> {
              log.info(
                  "Transfer {} published as {} by relay node {} ({} bytes, {} ms)",
                  request.transferId(),
                  result.remotePath(),
                  offer.relayNode,
                  result.bytes(),
                  (System.nanoTime() - started) / 1_000_000);
              message.reply(result.toJson());
            })
        .onFailure(
            error -> {
              Failure failure = Failure.of(error);
              log.warn(
                  "Transfer {} through relay node {} failed ({}): {}",
                  request.transferId(),
                  offer.relayNode == null ? "(none)" : offer.relayNode,
                  failure,
                  error.getMessage());
              message.fail(failure.busCode(), error.getMessage());
            });
  }

  private void serveChunk(Message<JsonObject> message) {
    ChunkRequest chunk = ChunkRequest.fromJson(message.body());
    Offer offer = offers.get(chunk.transferId());
    if (offer == null || !offer.lease.equals(chunk.lease())) {
      message.fail(
          Failure.CONFLICT.busCode(),
          "transfer "
              + chunk.transferId()
              + " is not offered under this lease (finished, or given to another relay node)");
      return;
    }
    if (FENCE.equals(message.headers().get(ACTION))) {
      // the relay is about to publish: its attempt is the current one (a superseded one was
      // answered above)
      message.reply(new JsonObject().put("current", true));
      return;
    }
    long bytes = offer.request.bytes();
    if (chunk.offset() < 0
        || chunk.length() < 1
        || chunk.length() > config.chunkBytes()
        || chunk.offset() + chunk.length() > bytes) {
      message.fail(
          Failure.BAD_REQUEST.busCode(),
          "chunk ["
              + chunk.offset()
              + ", +"
              + chunk.length()
              + ") is outside transfer "
              + chunk.transferId()
              + " of "
              + bytes
              + " bytes");
      return;
    }
    pulledBy(offer, chunk.relayNode());
    Future<Buffer> read;
    if (!offer.request.parts().isEmpty()) {
      // a body kept as several files (a tus final concatenation): the relay node pulls the whole,
      // and publishes it in one STOR
      read =
          vertx.executeBlocking(
              () ->
                  Buffer.buffer(
                      PartedBody.read(offer.request.parts(), chunk.offset(), chunk.length())),
              false);
    } else {
      if (offer.file == null) {
        offer.file = vertx.fileSystem().open(offer.request.spoolFile(), READ_ONLY);
      }
      read =
          offer.file.compose(
              file -> file.read(Buffer.buffer(chunk.length()), 0, chunk.offset(), chunk.length()));
    }
    read.onSuccess(
            buffer -> {
              if (buffer.length() == chunk.length()) {
                message.reply(buffer);
              } else {
                message.fail(
                    Failure.INTERNAL.busCode(),
                    "the spool file of transfer "
                        + chunk.transferId()
                        + " ended at "
                        + (chunk.offset() + buffer.length())
                        + " bytes");
              }
            })
        .onFailure(
            e ->
                message.fail(
                    Failure.INTERNAL.busCode(),
                    "cannot read the spool file of transfer "
                        + chunk.transferId()
                        + ": "
                        + e.getMessage()));
  }

  /** The first read of an attempt: its relay node started, the fail-over now watches it. */
  private void pulledBy(Offer offer, String relayNode) {
    if (offer.relayNode == null) {
      offer.relayNode = relayNode;
      vertx.cancelTimer(offer.startTimer);
      log.info(
          "Transfer {} ({} bytes) is pulled by relay node {}",
          offer.request.transferId(),
          offer.request.bytes(),
          relayNode);
    }
  }

  /**
   * A relay node that left the cluster (crashed, partitioned, stopped) will never answer: try
   * another one.
   */
  private void failOffersOfLostNodes() {
    if (offers.isEmpty()) {
      return;
    }
    List<String> members = cluster.members();
    for (Offer offer : new ArrayList<>(offers.values())) {
      if (offer.relayNode != null && !members.contains(offer.relayNode)) {
        offer.outcome.tryFail(
            Failure.RELAY_UNAVAILABLE.exception(
                "relay node "
                    + offer.relayNode
                    + " left the cluster while relaying transfer "
                    + offer.request.transferId()));
      }
    }
  }

  private String newLease() {
    byte[] bytes = new byte[12];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
