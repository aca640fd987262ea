package ftpgw.tus;

import ftpgw.delivery.DeliveryClient;
import ftpgw.transfer.Transfer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * Turns a whole tus upload into a transfer on the delivery path every upload takes (journal,
 * retries, {@code /transfers/{id}}, status events): its body is linked into the spool under the
 * transfer's name, journalled (fsynced) and submitted. A final concatenation is assembled here
 * first, from its partials' bytes in order.
 */
final class Handover {
  private static final int COPY_BUFFER = 1 << 20;

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
    return vertx
        .executeBlocking(() -> journal(entry), false)
        .compose(
            transfer ->
                wait == null
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
                            }));
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
                : sha256Of(List.of(tusBody), null);
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

  /**
   * Blocking: writes the parts one after another into {@code into} and fsyncs it; returns the
   * SHA-256 of the whole (the parts' bytes in order), reading through one buffer, so memory stays
   * flat.
   */
  static String assemble(List<Path> parts, Path into) throws IOException {
    try (FileChannel out =
        FileChannel.open(into, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      String sha256 = sha256Of(parts, out);
      out.force(false);
      return sha256;
    }
  }

  private static String sha256Of(List<Path> files, FileChannel copyTo) throws IOException {
    MessageDigest digest = TusStore.sha256();
    ByteBuffer buffer = ByteBuffer.allocateDirect(COPY_BUFFER);
    for (Path file : files) {
      try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
        while (in.read(buffer.clear()) >= 0) {
          buffer.flip();
          digest.update(buffer.duplicate());
          while (copyTo != null && buffer.hasRemaining()) {
            copyTo.write(buffer);
          }
        }
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
