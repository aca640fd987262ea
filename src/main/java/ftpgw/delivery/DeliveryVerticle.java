package ftpgw.delivery;

import ftpgw.config.DeliveryConfig;
import ftpgw.lifecycle.Stage;
import ftpgw.relay.RelayClient;
import ftpgw.spool.Spool;
import ftpgw.transfer.Addresses;
import ftpgw.transfer.Failure;
import ftpgw.transfer.PublishedTransfer;
import ftpgw.transfer.RelayRequest;
import ftpgw.transfer.SubmitTransfer;
import ftpgw.transfer.Transfer;
import ftpgw.transfer.TransferRef;
import ftpgw.transfer.TransferState;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns every accepted transfer until it is final: queues it, hands it to the relay with at most
 * {@code relay.connections} in flight, retries transient failures with backoff, keeps the journal
 * and the status store up to date, answers clients waiting for the outcome, and deletes the spooled
 * body at the end. On start it re-queues what the spool recovered; on stop it lets relays in
 * progress finish within a grace time.
 */
public final class DeliveryVerticle extends VerticleBase implements Stage {
  private static final Logger log = LoggerFactory.getLogger(DeliveryVerticle.class);

  /**
   * A transfer in our hands, the clients waiting for it, and the chain that orders its disk writes.
   */
  private static final class Tracked {
    Transfer transfer;
    final List<Message<JsonObject>> waiters = new ArrayList<>();
    Future<?> diskWrites = Future.succeededFuture();
    long retryTimer = -1;

    Tracked(Transfer transfer) {
      this.transfer = transfer;
    }
  }

  private final DeliveryConfig config;
  private final Spool spool;
  private final Duration relayTimeout;
  private final int maxInFlight;
  private final Map<String, Tracked> active = new HashMap<>();
  private final ArrayDeque<String> ready = new ArrayDeque<>();
  private RetryPolicy retries;
  private RelayClient relay;
  private TransferStatusStore store;
  private int inFlight;
  private final MeterRegistry registry;
  private DeliveryMetrics metrics;
  private boolean stopping;
  private Promise<Void> drained;

  public DeliveryVerticle(
      DeliveryConfig config,
      Spool spool,
      Duration relayTimeout,
      int maxInFlight,
      MeterRegistry registry) {
    this.registry = registry;
    this.config = config;
    this.spool = spool;
    this.relayTimeout = relayTimeout;
    this.maxInFlight = maxInFlight;
  }

  @Override
  public Context stageContext() {
    return context;
  }

  @Override
  public Future<?> start() {
    retries = new RetryPolicy(config);
    metrics = new DeliveryMetrics(registry, ready::size, () -> inFlight);
    relay = new RelayClient(vertx.eventBus(), relayTimeout);
    store = new TransferStatusStore(vertx, config);
    var bus = vertx.eventBus();
    return Future.all(
            bus.<JsonObject>localConsumer(Addresses.DELIVERY_SUBMIT, this::submit).completion(),
            bus.<JsonObject>localConsumer(Addresses.DELIVERY_PERSIST, this::persist).completion(),
            bus.<JsonObject>localConsumer(Addresses.DELIVERY_CANCEL, this::cancel).completion(),
            bus.<JsonObject>localConsumer(Addresses.DELIVERY_PUBLISHED, this::published)
                .completion())
        .onSuccess(v -> requeueRecovered());
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    active.values().forEach(t -> vertx.cancelTimer(t.retryTimer));
    if (inFlight == 0) {
      return Future.succeededFuture();
    }
    log.info(
        "Waiting up to {} s for {} relay(s) in progress",
        config.shutdownGrace().toSeconds(),
        inFlight);
    drained = Promise.promise();
    long timer =
        vertx.setTimer(Math.max(1, config.shutdownGrace().toMillis()), t -> drained.tryComplete());
    return drained.future().onComplete(v -> vertx.cancelTimer(timer));
  }

  private void requeueRecovered() {
    List<Transfer> recovered = spool.recovered();
    if (!recovered.isEmpty()) {
      log.info("Re-queued {} accepted transfer(s) found in the spool", recovered.size());
    }
    recovered.forEach(this::accept);
    pump();
  }

  private void submit(Message<JsonObject> message) {
    SubmitTransfer request = SubmitTransfer.fromJson(message.body());
    if (stopping) {
      message.fail(Failure.SHUTTING_DOWN.busCode(), "the gateway is shutting down; retry shortly");
      return;
    }
    Future<Transfer> accepted =
        request.async()
            ? blocking(
                () -> {
                  Transfer durable = request.transfer().madeDurable();
                  spool.journal().persist(durable);
                  return durable;
                })
            : Future.succeededFuture(request.transfer());
    accepted
        .onSuccess(
            transfer -> {
              metrics.accepted(transfer);
              Tracked tracked = accept(transfer);
              if (request.async()) {
                message.reply(transfer.toJson());
              } else {
                tracked.waiters.add(message);
              }
              pump();
            })
        .onFailure(
            e ->
                message.fail(
                    Failure.INTERNAL.busCode(), "cannot journal the upload: " + e.getMessage()));
  }

  /** A transfer relayed while it arrived: counted and finished like one this verticle relayed. */
  private void published(Message<JsonObject> message) {
    PublishedTransfer published = PublishedTransfer.fromJson(message.body());
    Transfer transfer = published.transfer();
    metrics.accepted(transfer);
    metrics.attempted(transfer, Duration.ofMillis(published.relayMillis()), true);
    if (transfer.spoolFile() == null) {
      metrics.unspooled();
    }
    Tracked tracked = new Tracked(transfer);
    finish(tracked, transfer);
    tracked.diskWrites.onComplete(done -> message.reply(transfer.toJson()));
  }

  private Tracked accept(Transfer transfer) {
    Tracked tracked = new Tracked(transfer);
    active.put(transfer.id(), tracked);
    ready.add(transfer.id());
    store.put(transfer);
    return tracked;
  }

  private void persist(Message<JsonObject> message) {
    String id = TransferRef.fromJson(message.body()).id();
    Tracked tracked = active.get(id);
    if (tracked == null) {
      replyFromStore(message, id);
      return;
    }
    if (!tracked.transfer.durable()) {
      tracked.transfer = tracked.transfer.madeDurable();
      Transfer snapshot = tracked.transfer;
      onDisk(tracked, () -> spool.journal().persist(snapshot));
      store.put(snapshot);
    }
    tracked.diskWrites.onComplete(done -> message.reply(tracked.transfer.toJson()));
  }

  private void cancel(Message<JsonObject> message) {
    String id = TransferRef.fromJson(message.body()).id();
    Tracked tracked = active.get(id);
    if (tracked == null) {
      store
          .get(id)
          .onComplete(
              found -> {
                if (found.succeeded() && found.result() != null) {
                  message.fail(
                      Failure.CONFLICT.busCode(),
                      "transfer " + id + " is already " + found.result().state().apiName());
                } else {
                  message.fail(Failure.NOT_FOUND.busCode(), "no transfer " + id);
                }
              });
      return;
    }
    if (tracked.transfer.state() == TransferState.RELAYING) {
      message.fail(
          Failure.CONFLICT.busCode(),
          "transfer " + id + " is being relayed and can no longer be cancelled");
      return;
    }
    vertx.cancelTimer(tracked.retryTimer);
    ready.remove(id);
    finish(tracked, tracked.transfer.cancelled());
    tracked.diskWrites.onComplete(done -> message.reply(tracked.transfer.toJson()));
  }

  /** Starts relays while there is room in the window. */
  private void pump() {
    while (!stopping && inFlight < maxInFlight && !ready.isEmpty()) {
      Tracked tracked = active.get(ready.poll());
      if (tracked != null) {
        relay(tracked);
      }
    }
  }

  private void relay(Tracked tracked) {
    inFlight++;
    Transfer transfer = tracked.transfer.withState(TransferState.RELAYING);
    tracked.transfer = transfer;
    store.put(transfer);
    long started = System.nanoTime();
    relay
        .relay(
            new RelayRequest(
                transfer.id(),
                transfer.spoolFile(),
                transfer.remotePath(),
                transfer.bytes(),
                transfer.sha256(),
                false,
                transfer.ftpUser(),
                transfer.parts(),
                null))
        .onComplete(
            result -> {
              inFlight--;
              metrics.attempted(
                  transfer, Duration.ofNanos(System.nanoTime() - started), result.succeeded());
              if (result.succeeded()) {
                finish(tracked, tracked.transfer.delivered());
              } else {
                attemptFailed(tracked, result.cause());
              }
              if (stopping && inFlight == 0 && drained != null) {
                drained.tryComplete();
              }
              pump();
            });
  }

  private void attemptFailed(Tracked tracked, Throwable error) {
    Failure failure = Failure.of(error);
    Transfer failed =
        tracked.transfer.failedAttempt(TransferState.QUEUED, failure, error.getMessage());
    if (stopping && failure.retryable()) {
      update(tracked, failed); // stays journalled (if durable) for the next start
      return;
    }
    if (!retries.retries(failed, failure)) {
      log.warn(
          "Transfer {} to {} failed after {} attempt(s): {}",
          failed.id(),
          failed.path(),
          failed.attempts(),
          failed.lastError());
      finish(tracked, failed.withState(TransferState.FAILED));
      return;
    }
    Duration delay = retries.delayAfter(failed.attempts());
    log.info(
        "Transfer {} attempt {} failed ({}); retrying in {} ms",
        failed.id(),
        failed.attempts(),
        failure,
        delay.toMillis());
    metrics.retrying();
    update(tracked, failed);
    tracked.retryTimer =
        vertx.setTimer(
            delay.toMillis(),
            t -> {
              tracked.retryTimer = -1;
              ready.add(failed.id());
              pump();
            });
  }

  private void update(Tracked tracked, Transfer transfer) {
    tracked.transfer = transfer;
    store.put(transfer);
    if (transfer.durable()) {
      onDisk(tracked, () -> spool.journal().write(transfer));
    }
  }

  /**
   * A final state: forget the body and journal entry, keep the status for the retention time,
   * answer waiters.
   */
  private void finish(Tracked tracked, Transfer transfer) {
    tracked.transfer = transfer;
    metrics.finished(transfer);
    active.remove(transfer.id());
    store.put(transfer);
    if (transfer.spoolFile() == null) {
      spool.release(transfer.id()); // published from memory: nothing on disk
    } else {
      onDisk(tracked, () -> spool.discard(transfer));
    }
    // answered once the body is gone: a client told 201 finds nothing of its upload left in the
    // spool
    List<Message<JsonObject>> waiters = List.copyOf(tracked.waiters);
    tracked.waiters.clear();
    tracked.diskWrites.onComplete(
        done -> waiters.forEach(waiter -> waiter.reply(transfer.toJson())));
  }

  /** Disk writes of one transfer run one after another, in the order asked, off the event loop. */
  private void onDisk(Tracked tracked, BlockingWrite write) {
    tracked.diskWrites =
        tracked.diskWrites.eventually(
            () ->
                blocking(
                        () -> {
                          write.run();
                          return null;
                        })
                    .onFailure(
                        e ->
                            log.error(
                                "Journal write for transfer {} failed: {}",
                                tracked.transfer.id(),
                                e.getMessage())));
  }

  private void replyFromStore(Message<JsonObject> message, String id) {
    store
        .get(id)
        .onComplete(
            found -> {
              if (found.succeeded() && found.result() != null) {
                message.reply(found.result().toJson());
              } else {
                message.fail(Failure.NOT_FOUND.busCode(), "no transfer " + id);
              }
            });
  }

  private <T> Future<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }

  @FunctionalInterface
  private interface BlockingWrite {
    void run() throws Exception;
  }
}
