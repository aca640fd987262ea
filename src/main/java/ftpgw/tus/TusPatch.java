package ftpgw.tus;

import ftpgw.auth.Caller;
import ftpgw.http.Preferences;
import ftpgw.transfer.Failure;
import ftpgw.transfer.Transfer;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code PATCH /tus/{id}}: appends the body at the upload's offset; with the last byte the upload
 * becomes a transfer. Also receives the body of a creation-with-upload request.
 */
final class TusPatch {
  static final String OFFSET_STREAM = "application/offset+octet-stream";

  private final TusEndpoint tus;

  TusPatch(TusEndpoint tus) {
    this.tus = tus;
  }

  void patch(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    TusStore.Entry entry = tus.store().find(TusEndpoint.idOf(request), tus.caller(ctx).owner());
    TusUpload upload = entry.upload;
    if (upload.isFinal()) {
      // "The Server MUST respond with the 403 Forbidden status to PATCH requests against a final
      // upload URL"
      throw Failure.FORBIDDEN.exception(
          "upload " + upload.id() + " is a final concatenation: it takes no PATCH");
    }
    // "All PATCH requests MUST use Content-Type: application/offset+octet-stream, otherwise the
    // server SHOULD return
    // a 415 Unsupported Media Type status"
    requireOffsetStream(request);
    String offsetHeader = request.getHeader("Upload-Offset");
    if (offsetHeader == null) {
      throw Failure.BAD_REQUEST.exception(
          "a PATCH must carry Upload-Offset (the offset HEAD reports)");
    }
    long offset = TusHeaders.nonNegative("Upload-Offset", offsetHeader);
    receive(ctx, entry, offset).onSuccess(done -> answer(ctx, done)).onFailure(ctx::fail);
  }

  static void requireOffsetStream(HttpServerRequest request) {
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith(OFFSET_STREAM)) {
      throw Failure.UNSUPPORTED_MEDIA_TYPE.exception(
          "a tus PATCH body must be sent as "
              + OFFSET_STREAM
              + ", got "
              + (type == null ? "no Content-Type" : type));
    }
  }

  /**
   * Writes the request's body at {@code offset}, commits the new offset once the bytes are fsynced
   * (a body that breaks off keeps what arrived, unless a checksum was announced), and hands a whole
   * upload over.
   */
  Future<TusUpload> receive(RoutingContext ctx, TusStore.Entry entry, long offset) {
    HttpServerRequest request = ctx.request();
    if (!entry.busy.compareAndSet(false, true)) {
      throw Failure.LOCKED.exception(
          "another PATCH of upload "
              + entry.upload.id()
              + " is in progress; retry once"
              + " it has ended (HEAD tells its offset)");
    }
    try {
      if (entry.upload.handedOver()) {
        entry.busy.set(false);
        if (offset
            == entry.upload.offset()) { // a client retrying its last PATCH: nothing more to take
          return Future.succeededFuture(entry.upload);
        }
        throw Failure.CONFLICT.exception(
            "upload "
                + entry.upload.id()
                + " is complete at "
                + entry.upload.offset()
                + " bytes; Upload-Offset "
                + offset
                + " does not match");
      }
      TusUpload upload = withDeclaredLength(request, entry.upload, tus.caller(ctx));
      if (!entry.upload.lengthKnown() && upload.lengthKnown()) {
        entry.reservation.ensure(
            upload.length()); // now known: reserved whole, up front, as for any upload
      }
      if (offset != upload.offset()) {
        // "If the offsets do not match, the Server MUST respond with the 409 Conflict status
        // without modifying the
        // upload resource"
        throw Failure.CONFLICT.exception(
            "Upload-Offset "
                + offset
                + " does not match the upload's offset "
                + upload.offset()
                + "; ask HEAD and resume from there");
      }
      String checksumHeader = request.getHeader("Upload-Checksum");
      TusHeaders.Checksum checksum =
          checksumHeader == null ? null : TusHeaders.checksum(checksumHeader);
      long room =
          upload.lengthKnown()
              ? upload.length() - offset
              : tus.caller(ctx).uploadLimit(tus.maxUploadBytes()) - offset;
      MessageDigest running =
          entry.running != null && entry.hashed == offset ? clone(entry.running) : null;
      List<MessageDigest> digests = new ArrayList<>();
      if (running != null) {
        digests.add(running);
      }
      if (checksum != null) {
        digests.add(checksum.digest());
      }
      TusUpload before = upload;
      // only now, with the lock held and the offset right: a client that waits for 100 sends no
      // byte in vain
      if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
        request.response().writeContinue();
      }
      return PatchWriter.write(
              tus.vertx(),
              request,
              tus.store().body(upload.id()),
              offset,
              room,
              received -> entry.reservation.ensure(offset + received),
              digests)
          .compose(written -> commit(entry, before, written, checksum, running))
          // the lock is held through the hand-over: a retried PATCH must find the upload handed
          // over, not hand it
          // over a second time
          .compose(
              committed ->
                  committed.complete() && !committed.partial()
                      ? handOver(ctx, entry)
                      : Future.succeededFuture(committed))
          .eventually(
              () -> {
                entry.busy.set(false);
                return Future.succeededFuture();
              });
    } catch (RuntimeException e) {
      entry.busy.set(false);
      throw e;
    }
  }

  private Future<TusUpload> commit(
      TusStore.Entry entry,
      TusUpload before,
      PatchWriter.Written written,
      TusHeaders.Checksum checksum,
      MessageDigest running) {
    if (checksum != null && written.brokeBy() != null) {
      return Future.failedFuture(
          Failure.CLIENT_ABORTED.exception(
              "the PATCH broke off after "
                  + written.bytes()
                  + " bytes; its Upload-Checksum cannot be checked, so none of them count"));
    }
    if (checksum != null
        && !MessageDigest.isEqual(checksum.digest().digest(), checksum.expected())) {
      // "If the hashes do not match, the Server MUST respond with the 460 Checksum Mismatch status"
      // and the chunk is
      // discarded: the offset stays, the next PATCH cuts the file back to it
      return Future.failedFuture(
          Failure.CHECKSUM_MISMATCH.exception(
              "the "
                  + checksum.algorithm()
                  + " of the PATCH body does not match its Upload-Checksum; the chunk was dropped, resume at offset "
                  + before.offset()));
    }
    TusUpload after = before.withOffset(before.offset() + written.bytes(), tus.nextExpiry());
    return tus.vertx()
        .executeBlocking(
            () -> {
              if (!after.lengthKnown()) {
                entry.reservation.ensure(after.offset());
              }
              tus.store().commit(entry, after);
              if (running != null) {
                entry.running = running;
                entry.hashed = after.offset();
              }
              return after;
            },
            false)
        .onSuccess(
            committed -> {
              tus.owners().hold(committed.id());
              if (!committed.complete()) {
                tus.showReceiving(committed, committed.createdAt());
              }
            });
  }

  /**
   * The last byte: the upload becomes a transfer; like a synchronous PUT the answer waits for its
   * publication.
   */
  private Future<TusUpload> handOver(RoutingContext ctx, TusStore.Entry entry) {
    Preferences prefer = Preferences.of(ctx.request());
    Duration wait = prefer.respondAsync() ? null : prefer.syncWait(tus.syncTimeout());
    return tus.handover()
        .handOver(entry, wait)
        .compose(
            transfer -> {
              ctx.put(Transfer.class.getName(), transfer);
              return switch (transfer.state()) {
                case FAILED, CANCELLED -> Future.failedFuture(transfer.failure());
                default -> Future.succeededFuture(entry.upload);
              };
            });
  }

  /** 204 with the new offset (and, once handed over, the transfer's state and SHA-256). */
  static void answer(RoutingContext ctx, TusUpload upload) {
    TusEndpoint.describe(ctx.response(), upload);
    Transfer transfer = ctx.get(Transfer.class.getName());
    if (transfer != null) {
      ctx.response().putHeader("Ftpgw-Transfer-State", transfer.state().apiName());
    }
    ctx.response().setStatusCode(204).end();
  }

  /**
   * creation-defer-length: "The Client MUST set the Upload-Length header in the next PATCH request,
   * once the length of the upload is known. Once set the length MUST NOT be changed."
   */
  private TusUpload withDeclaredLength(HttpServerRequest request, TusUpload upload, Caller caller) {
    String header = request.getHeader("Upload-Length");
    if (header == null) {
      return upload;
    }
    long length = TusHeaders.nonNegative("Upload-Length", header);
    if (upload.lengthKnown()) {
      if (length != upload.length()) {
        throw Failure.BAD_REQUEST.exception(
            "Upload-Length was set to " + upload.length() + " and cannot change");
      }
      return upload;
    }
    long limit = caller.uploadLimit(tus.maxUploadBytes());
    if (length > limit) {
      throw Failure.TOO_LARGE.exception(
          "Upload-Length " + length + " is over the limit of " + limit + " bytes");
    }
    if (length < upload.offset()) {
      throw Failure.BAD_REQUEST.exception(
          "Upload-Length " + length + " is below the bytes already received, " + upload.offset());
    }
    return upload.withLength(length);
  }

  private static MessageDigest clone(MessageDigest digest) {
    try {
      return (MessageDigest) digest.clone();
    } catch (CloneNotSupportedException e) {
      return null; // the whole file is hashed again at the end instead
    }
  }
}
