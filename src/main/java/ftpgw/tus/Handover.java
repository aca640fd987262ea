package ftpgw.tus;

import ftpgw.delivery.DeliveryClient;
import ftpgw.spool.PartedBody;
import ftpgw.spool.Spool;
import ftpgw.spool.SpoolReservation;
import ftpgw.transfer.BodyPart;
import ftpgw.transfer.Transfer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Turns a whole tus upload into a transfer on the delivery path every upload takes (journal,
 * retries, {@code /transfers/{id}}, status events): its body is linked into the spool under the
 * transfer's name, journalled (fsynced) and submitted. A final concatenation's transfer keeps its
 * partials' files as its body ({@link #journalFinal}).
 */
final class Handover {
  private final Vertx vertx;
  private final TusStore store;
  private final DeliveryClient delivery;

  Handover(Vertx vertx, TusStore store, DeliveryClient delivery) {
    this.vertx = vertx;
    this.store = store;
    this.delivery = delivery;
  }

  /**
   * Journals the whole upload as a transfer and submits it. {@code wait} null: answer once
   * journalled; else answer when the transfer is final, or with its current (journalled) state
   * after {@code wait}.
   */
  Future<Transfer> handOver(TusStore.Entry entry, Duration wait) {
    return vertx.executeBlocking(() -> journal(entry), false).compose(t -> submit(t, wait));
  }

  /** Submits a journalled transfer; see {@link #handOver} for {@code wait}. */
  Future<Transfer> submit(Transfer transfer, Duration wait) {
    return wait == null
        ? delivery.submitAsync(transfer)
        : delivery
            .submitAndWait(transfer, wait)
            .recover(
                e -> {
                  if (e instanceof ReplyException reply
                      && reply.failureType() == ReplyFailure.TIMEOUT) {
                    return delivery.persist(transfer.id());
                  }
                  return Future.failedFuture(e);
                });
  }

  /** A final upload whose transfer is journalled, and that transfer. */
  record Journalled(TusStore.Entry entry, Transfer transfer) {}

  /**
   * Blocking: journals a final concatenation as one transfer whose body is its partials' files in
   * order, linked into the spool ({@link Spool#partFile}), never copied: the relay publishes them
   * as one file, in parallel where the FTP server can write at offsets. The whole's SHA-256 is
   * computed here, reading the parts once in order. The partial uploads are then removed (their
   * room given back: the final's reservation covers the whole).
   *
   * <p>A crash before the journal entry leaves part links the spool drops at the next start, and
   * the partials, which a client can join again; after it, the transfer is delivered from its
   * parts.
   */
  Journalled journalFinal(TusUpload upload, SpoolReservation room, List<TusStore.Entry> parts)
      throws Exception {
    TusStore.Entry entry;
    try {
      entry = store.create(upload, room);
    } catch (Exception e) {
      room.release();
      throw e;
    }
    Spool spool = store.spool();
    List<BodyPart> linked = new ArrayList<>();
    try {
      List<Path> bodies = parts.stream().map(p -> store.body(p.upload.id())).toList();
      String sha256 = PartedBody.sha256(bodies);
      for (int i = 0; i < parts.size(); i++) {
        Path link = spool.partFile(upload.id(), i);
        Files.deleteIfExists(link);
        Files.createLink(link, bodies.get(i));
        linked.add(new BodyPart(link.toString(), parts.get(i).upload.length()));
      }
      Transfer transfer =
          Transfer.queued(
                  upload.id(),
                  upload.path(),
                  upload.length(),
                  sha256,
                  room.file().toString(),
                  upload.owner())
              .withParts(linked)
              .madeDurable();
      spool.journal().persist(transfer);
      store.commit(
          entry, upload.withOffset(upload.length(), upload.expiresAt()).handedOver(sha256));
      Files.deleteIfExists(store.body(upload.id()));
      for (TusStore.Entry part : parts) {
        store.remove(part);
      }
      return new Journalled(entry, transfer);
    } catch (Exception e) {
      for (BodyPart part : linked) {
        Files.deleteIfExists(Path.of(part.file()));
      }
      if (!entry.upload.handedOver()) {
        store.remove(entry);
      }
      throw e;
    }
  }

  /**
   * Blocking: links the body into the spool, journals its transfer, then marks the upload handed
   * over.
   */
  private Transfer journal(TusStore.Entry entry) throws IOException {
    TusUpload upload = entry.upload;
    Path tusBody = store.body(upload.id());
    String sha256 =
        entry.wholeSha256 != null
            ? entry.wholeSha256
            : entry.running != null && entry.hashed == upload.length()
                ? HexFormat.of().formatHex(entry.running.digest())
                : PartedBody.sha256(List.of(tusBody));
    Path spoolBody = entry.reservation.file();
    Files.deleteIfExists(spoolBody);
    // a second name for the same bytes: a crash before the journal entry leaves the tus copy, which
    // is handed over
    // again on the next start (the spool drops the unjournalled name itself)
    Files.createLink(spoolBody, tusBody);
    Transfer transfer =
        Transfer.queued(
                upload.id(),
                upload.path(),
                upload.length(),
                sha256,
                spoolBody.toString(),
                upload.owner())
            .madeDurable();
    store.spool().journal().persist(transfer);
    store.commit(entry, upload.handedOver(sha256));
    Files.deleteIfExists(tusBody);
    return transfer;
  }
}
