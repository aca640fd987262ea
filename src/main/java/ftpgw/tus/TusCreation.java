package ftpgw.tus;

import ftpgw.auth.Caller;
import ftpgw.http.Preferences;
import ftpgw.spool.SpoolReservation;
import ftpgw.transfer.Failure;
import ftpgw.transfer.Owner;
import ftpgw.transfer.RemotePath;
import ftpgw.transfer.Transfer;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /tus/}: creation, creation-with-upload, creation-defer-length, and the concatenation
 * extension's partial and final uploads. The declared length is reserved in the spool before
 * anything is written.
 */
final class TusCreation {
  private final TusEndpoint tus;
  private final TusPatch patch;

  TusCreation(TusEndpoint tus, TusPatch patch) {
    this.tus = tus;
    this.patch = patch;
  }

  void create(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    Caller caller = tus.caller(ctx);
    long limit = caller.uploadLimit(tus.maxUploadBytes());
    String concat = request.getHeader("Upload-Concat");
    String metadataHeader = request.getHeader("Upload-Metadata");
    Map<String, String> metadata = TusHeaders.metadata(metadataHeader);
    if (concat != null && concat.trim().startsWith(TusUpload.FINAL)) {
      createFinal(ctx, caller, concat.trim(), metadata, metadataHeader, limit);
      return;
    }
    boolean partial = concat != null && concat.trim().equals(TusUpload.PARTIAL);
    if (concat != null && !partial) {
      throw Failure.BAD_REQUEST.exception(
          "Upload-Concat must be \"partial\" or \"final;<url> <url> ...\"");
    }
    long length = declaredLength(request, limit);
    RemotePath path = partial ? null : TusHeaders.target(metadata);
    boolean hasBody = hasBody(request);
    if (hasBody) {
      TusPatch.requireOffsetStream(request);
    }
    SpoolReservation room = tus.store().spool().reserve(Math.max(0, length));
    Instant now = Instant.now();
    TusUpload upload =
        new TusUpload(
            room.id(),
            path == null ? null : path.toString(),
            caller.owner(),
            length,
            0,
            metadataHeader,
            partial ? TusUpload.PARTIAL : null,
            List.of(),
            now,
            tus.nextExpiry(),
            false,
            null);
    tus.vertx()
        .executeBlocking(() -> tus.store().create(upload, room), false)
        .onFailure(e -> room.release())
        .compose(
            entry -> {
              tus.showReceiving(upload, now);
              created(ctx, upload);
              if (hasBody
                  || (upload.complete()
                      && !partial)) { // creation-with-upload, or an empty file: whole already
                return patch.receive(ctx, entry, 0);
              }
              return Future.succeededFuture(upload);
            })
        .onSuccess(
            done -> {
              TusEndpoint.describe(ctx.response(), done);
              ctx.response().end();
            })
        .onFailure(ctx::fail);
  }

  /**
   * "The Client MUST NOT include the Upload-Length header in the final upload creation"; "the
   * Server MUST respond with the 201 Created status" once the final upload's body is the partials'
   * bodies in order: handed over as one transfer whose body is the partials' spooled files, which
   * the relay publishes as one file ({@link Handover#journalFinal}).
   */
  private void createFinal(
      RoutingContext ctx,
      Caller caller,
      String concat,
      Map<String, String> metadata,
      String metadataHeader,
      long limit) {
    if (ctx.request().getHeader("Upload-Length") != null) {
      throw Failure.BAD_REQUEST.exception(
          "a final upload must not carry Upload-Length: it is the sum of its parts");
    }
    RemotePath path = TusHeaders.target(metadata);
    List<TusStore.Entry> parts = partsOf(concat, caller.owner());
    long length = parts.stream().mapToLong(p -> p.upload.length()).sum();
    if (length > limit) {
      throw Failure.TOO_LARGE.exception(
          "the partial uploads make " + length + " bytes, over the limit of " + limit);
    }
    for (TusStore.Entry part : parts) {
      if (!part.busy.compareAndSet(false, true)) {
        parts.stream().filter(p -> p != part).forEach(p -> p.busy.compareAndSet(true, false));
        throw Failure.LOCKED.exception("partial upload " + part.upload.id() + " is busy");
      }
    }
    SpoolReservation room;
    try {
      room = tus.store().spool().reserve(length);
    } catch (RuntimeException e) {
      parts.forEach(p -> p.busy.set(false));
      throw e;
    }
    Instant now = Instant.now();
    TusUpload upload =
        new TusUpload(
            room.id(),
            path.toString(),
            caller.owner(),
            length,
            0,
            metadataHeader,
            TusUpload.FINAL,
            parts.stream().map(p -> p.upload.id()).toList(),
            now,
            tus.nextExpiry(),
            false,
            null);
    Preferences prefer = Preferences.of(ctx.request());
    Duration wait = prefer.respondAsync() ? null : prefer.syncWait(tus.syncTimeout());
    tus.vertx()
        .executeBlocking(() -> tus.handover().journalFinal(upload, room, parts), false)
        .onFailure(e -> parts.forEach(p -> p.busy.set(false)))
        .compose(
            journalled ->
                tus.handover()
                    .submit(journalled.transfer(), wait)
                    .map(
                        transfer -> {
                          ctx.put(Transfer.class.getName(), transfer);
                          return journalled.entry().upload;
                        }))
        .onSuccess(
            done -> {
              Transfer transfer = ctx.get(Transfer.class.getName());
              if (transfer.state().isFinal()
                  && !transfer.state().equals(ftpgw.transfer.TransferState.DELIVERED)) {
                ctx.fail(transfer.failure());
                return;
              }
              created(ctx, done);
              TusEndpoint.describe(ctx.response(), done);
              ctx.response().putHeader("Ftpgw-Transfer-State", transfer.state().apiName()).end();
            })
        .onFailure(ctx::fail);
  }

  /**
   * "Upload-Concat: final;/files/a /files/b": each a complete partial upload of the same caller.
   */
  private List<TusStore.Entry> partsOf(String concat, Owner caller) {
    int semicolon = concat.indexOf(';');
    String urls = semicolon < 0 ? "" : concat.substring(semicolon + 1).trim();
    if (urls.isEmpty()) {
      throw Failure.BAD_REQUEST.exception(
          "Upload-Concat final must list its partial uploads' URLs");
    }
    List<TusStore.Entry> parts = new ArrayList<>();
    for (String url : urls.split("\\s+")) {
      int at = url.indexOf(TusEndpoint.PREFIX);
      String id = at < 0 ? null : url.substring(at + TusEndpoint.PREFIX.length());
      TusStore.Entry part = tus.store().find(id, caller);
      if (!part.upload.partial()) {
        throw Failure.BAD_REQUEST.exception(
            "upload " + id + " is not a partial upload (Upload-Concat: partial)");
      }
      if (!part.upload.complete()) {
        throw Failure.BAD_REQUEST.exception(
            "partial upload "
                + id
                + " has "
                + part.upload.offset()
                + " of "
                + part.upload.length()
                + " bytes; finish it before the final upload");
      }
      if (parts.contains(part)) {
        throw Failure.BAD_REQUEST.exception("partial upload " + id + " is listed twice");
      }
      parts.add(part);
    }
    return parts;
  }

  /**
   * "The Client MUST include either the Upload-Length or the Upload-Defer-Length header"; "If the
   * length of the upload exceeds the maximum ... the Server MUST respond with the 413 Request
   * Entity Too Large status".
   */
  private static long declaredLength(HttpServerRequest request, long limit) {
    String length = request.getHeader("Upload-Length");
    String defer = request.getHeader("Upload-Defer-Length");
    if (length == null) {
      if (!"1".equals(defer == null ? null : defer.trim())) {
        throw Failure.BAD_REQUEST.exception(
            "a tus creation needs Upload-Length, or Upload-Defer-Length: 1");
      }
      return TusUpload.DEFERRED;
    }
    if (defer != null) {
      throw Failure.BAD_REQUEST.exception("send Upload-Length or Upload-Defer-Length, not both");
    }
    long declared = TusHeaders.nonNegative("Upload-Length", length);
    if (declared > limit) {
      throw Failure.TOO_LARGE.exception(
          "Upload-Length " + declared + " is over the limit of " + limit + " bytes");
    }
    return declared;
  }

  private static boolean hasBody(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      return TusHeaders.nonNegative("Content-Length", length) > 0;
    }
    String encoding = request.getHeader(HttpHeaders.TRANSFER_ENCODING);
    return encoding != null && encoding.toLowerCase(java.util.Locale.ROOT).contains("chunked");
  }

  private void created(RoutingContext ctx, TusUpload upload) {
    tus.owners().hold(upload.id());
    ctx.response()
        .setStatusCode(201)
        .putHeader(HttpHeaders.LOCATION, tus.location(ctx.request(), upload.id()));
    if (upload.partial() || upload.isFinal()) {
      ctx.response()
          .putHeader("Upload-Concat", upload.isFinal() ? finalConcat(upload) : TusUpload.PARTIAL);
    }
  }

  static String finalConcat(TusUpload upload) {
    return TusUpload.FINAL
        + ";"
        + String.join(" ", upload.parts().stream().map(id -> TusEndpoint.PREFIX + id).toList());
  }
}
