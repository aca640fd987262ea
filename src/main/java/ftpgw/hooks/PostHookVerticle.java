package ftpgw.hooks;

import ftpgw.cluster.ClusterView;
import ftpgw.config.HooksConfig;
import ftpgw.events.TransferEvent;
import ftpgw.transfer.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the operator's {@code post-delivered} and {@code post-failed} hooks about final states this
 * node decided, at least once: each call is journalled before it is tried and retried with backoff
 * until the receiver answers 2xx, one at a time in order, so a slow receiver never blocks an upload
 * and a restart resends what was pending. At most {@code hooks.queueLimit} calls wait; past that a
 * call is dropped with an error in the log.
 */
public final class PostHookVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(PostHookVerticle.class);
  static final String DIR = "hooks";

  private final HooksConfig config;
  private final Path dir;
  private final ArrayDeque<PendingHook> pending = new ArrayDeque<>();
  private HookJournal journal;
  private HookSignature signature;
  private HttpClient client;
  private String node;
  private boolean sending;
  private int failures;
  private long retryTimer = -1;

  /** Journal writes one after another, so the queue's order is the journal's. */
  private Future<?> writes = Future.succeededFuture();

  public PostHookVerticle(HooksConfig config, Path spoolDir) {
    this.config = config;
    this.dir = config.queueDir() != null ? config.queueDir() : spoolDir.resolve(DIR);
  }

  @Override
  public Future<?> start() {
    journal = new HookJournal(dir);
    signature = new HookSignature(config.secret());
    client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5000));
    node = ClusterView.of(vertx).nodeId();
    return vertx
        .executeBlocking(journal::open, false)
        .onSuccess(
            left -> {
              pending.addAll(left);
              if (!left.isEmpty()) {
                log.info(
                    "{} post-hook call(s) left pending by an earlier run will be resent",
                    left.size());
              }
            })
        .compose(
            left ->
                vertx
                    .eventBus()
                    .<JsonObject>consumer(
                        Addresses.TRANSFER_EVENTS, m -> queue(TransferEvent.fromJson(m.body())))
                    .completion())
        .onSuccess(v -> sendNext());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(retryTimer);
    return writes.otherwiseEmpty().mapEmpty();
  }

  private void queue(TransferEvent event) {
    if (!node.equals(event.node())) {
      return; // the node that decided it tells the hooks: exactly one node per event
    }
    URI url =
        switch (event.state()) {
          case "delivered" -> config.postDelivered();
          case "failed" -> config.postFailed();
          default -> null;
        };
    if (url == null) {
      return;
    }
    if (pending.size() >= config.queueLimit()) {
      log.error(
          "Post-hook queue is full ({} calls, hooks.queueLimit): dropped {} of transfer {} (event {})",
          pending.size(),
          "post-" + event.state(),
          event.id(),
          event.eventId());
      return;
    }
    PendingHook hook =
        new PendingHook("post-" + event.state(), url.toString(), event.toJson(), null);
    writes =
        writes.eventually(
            () ->
                vertx
                    .executeBlocking(() -> journal.write(hook), false)
                    .onSuccess(
                        written -> {
                          pending.add(written);
                          sendNext();
                        })
                    .onFailure(
                        e ->
                            log.error(
                                "Cannot journal {} of transfer {} in {}: {}",
                                hook.hook(),
                                event.id(),
                                dir,
                                e.getMessage())));
  }

  private void sendNext() {
    if (sending || retryTimer != -1 || pending.isEmpty()) {
      return;
    }
    sending = true;
    PendingHook hook = pending.peek();
    send(hook)
        .onComplete(
            sent -> {
              sending = false;
              if (sent.succeeded()) {
                failures = 0;
                pending.poll();
                vertx
                    .executeBlocking(
                        () -> {
                          journal.delete(hook);
                          return null;
                        },
                        false)
                    .onFailure(e -> log.warn("Cannot delete {}: {}", hook.file(), e.getMessage()));
                sendNext();
              } else {
                failures++;
                long delay = backoff(failures);
                log.info(
                    "{} of event {} to {} failed ({}); retry {} in {} ms",
                    hook.hook(),
                    hook.eventId(),
                    hook.url(),
                    sent.cause().getMessage(),
                    failures,
                    delay);
                retryTimer =
                    vertx.setTimer(
                        delay,
                        t -> {
                          retryTimer = -1;
                          sendNext();
                        });
              }
            });
  }

  private Future<Void> send(PendingHook hook) {
    long timestamp = Instant.now().getEpochSecond();
    String body = hook.body();
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(hook.url())
            .setIdleTimeout(30_000)
            .putHeader("Content-Type", "application/json")
            .putHeader(HookSignature.HOOK_HEADER, hook.hook())
            .putHeader(HookSignature.EVENT_ID_HEADER, hook.eventId())
            .putHeader(HookSignature.TIMESTAMP_HEADER, String.valueOf(timestamp))
            .putHeader(HookSignature.SIGNATURE_HEADER, signature.sign(timestamp, body));
    return client
        .request(options)
        .compose(request -> request.send(body))
        .compose(
            response ->
                response
                    .body()
                    .compose(
                        ignored ->
                            response.statusCode() / 100 == 2
                                ? Future.<Void>succeededFuture()
                                : Future.failedFuture(
                                    "the receiver answered " + response.statusCode())));
  }

  /** Doubles from hooks.initialBackoffMs up to hooks.maxBackoffMs, with up to 20 % jitter. */
  private long backoff(int failures) {
    long base = config.initialBackoff().toMillis() << Math.min(20, failures - 1);
    long capped = Math.min(base, config.maxBackoff().toMillis());
    return capped + ThreadLocalRandom.current().nextLong(capped / 5 + 1);
  }
}
