package ftpgw.http;

import ftpgw.relay.RelayClient;
import ftpgw.spool.LiveFile;
import ftpgw.spool.SpoolReservation;
import ftpgw.spool.SpooledBody;
import ftpgw.transfer.Failure;
import ftpgw.transfer.Owner;
import ftpgw.transfer.RelayRequest;
import ftpgw.transfer.RelayResult;
import ftpgw.transfer.RemotePath;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * The first relay attempt of a large synchronous upload, started as soon as its spool file exists:
 * the FTP upload follows the HTTP body instead of waiting for all of it, so a 1 GiB upload takes
 * about the time of one transfer, not two. The relay reads a {@link LiveFile}, which ends only once
 * the body was accepted (size and digest), so nothing the client was refused is ever published.
 * When this attempt fails, the upload takes the ordinary way through the delivery (retries and all)
 * from its spooled copy.
 */
final class CutThrough {
  /**
   * The relay's bus time limit: the attempt lasts as long as the upload; {@link #published()}
   * bounds the rest.
   */
  private static final Duration AS_LONG_AS_THE_UPLOAD = Duration.ofDays(1);

  private final Vertx vertx;
  private final RelayClient relay;
  private final LiveFile body;
  private final RelayRequest request;
  private final Duration patience;
  private final Owner owner;
  private Future<RelayResult> attempt;

  /**
   * @param stallLimit the relay gives up on a body that gains no byte this long
   * @param patience once the body is whole, how long the attempt may take before the upload takes
   *     the ordinary way
   */
  CutThrough(
      Vertx vertx,
      RelayClient relay,
      SpoolReservation slot,
      RemotePath path,
      Owner owner,
      long bytes,
      Duration stallLimit,
      Duration patience) {
    this.vertx = vertx;
    this.relay = relay;
    this.patience = patience;
    this.owner = owner;
    this.body = LiveFile.open(slot.id(), slot.file(), stallLimit);
    this.request =
        new RelayRequest(
            slot.id(),
            slot.file().toString(),
            remote(owner, path),
            bytes,
            null,
            true,
            ftpLogin(owner));
  }

  /** Starts the relay; call once the spool file exists. */
  void start() {
    attempt = relay.relay(request, AS_LONG_AS_THE_UPLOAD).andThen(done -> body.release());
  }

  /** How many leading bytes of the spool file are written (from a spool thread). */
  void written(long bytes) {
    body.written(bytes);
  }

  /**
   * The body's fate: accepted whole (the relay may finish) or refused (the relay fails and removes
   * its file).
   */
  void received(AsyncResult<SpooledBody> received) {
    received(received, null);
  }

  /**
   * The same for a body whose path is settled only once it is whole (a form's folder field may
   * follow its file): accepted to {@code path}, when not null, instead of the path the relay was
   * started with.
   */
  void received(AsyncResult<SpooledBody> received, RemotePath path) {
    if (received.succeeded()) {
      String remote = path == null ? request.remotePath() : remote(owner, path);
      body.accepted(
          received.result().bytes(),
          remote.equals(request.remotePath()) ? null : remote,
          received.result().crc32c());
    } else {
      body.refused(received.cause());
    }
    if (attempt == null) {
      body.release();
    }
  }

  /**
   * The attempt's result; fails when it failed or is still running {@code patience} after the body
   * was whole.
   */
  Future<RelayResult> published() {
    return withinPatience(
        attempt == null
            ? Future.failedFuture(Failure.INTERNAL.exception("the relay never started"))
            : attempt);
  }

  /**
   * Completes once the attempt is over either way (so a refused body has left nothing on the FTP
   * server).
   */
  Future<Void> settled() {
    return attempt == null
        ? Future.succeededFuture()
        : withinPatience(attempt).<Void>mapEmpty().otherwiseEmpty();
  }

  /** Where an upload to {@code path} goes on the FTP target: under its owner's folder. */
  static String remote(Owner owner, RemotePath path) {
    return owner == null ? path.toString() : owner.resolve(path.toString());
  }

  /** The FTP login to publish with: the owner's own (auth mode passthrough), else the relay's. */
  static String ftpLogin(Owner owner) {
    return owner != null && owner.ftpLogin() ? owner.name() : null;
  }

  private <T> Future<T> withinPatience(Future<T> result) {
    if (result.isComplete()) {
      return result;
    }
    Promise<T> bounded = Promise.promise();
    long timer =
        vertx.setTimer(
            Math.max(1, patience.toMillis()),
            t ->
                bounded.tryFail(
                    Failure.FTP_TIMEOUT.exception(
                        "the relay of upload "
                            + request.transferId()
                            + " took longer than "
                            + patience.toSeconds()
                            + " s after its body arrived")));
    result.onComplete(
        done -> {
          vertx.cancelTimer(timer);
          if (done.succeeded()) {
            bounded.tryComplete(done.result());
          } else {
            bounded.tryFail(done.cause());
          }
        });
    return bounded.future();
  }
}
