package ftpgw.tus;

import ftpgw.auth.Caller;
import ftpgw.delivery.DeliveryClient;
import ftpgw.delivery.TransferStatusStore;
import ftpgw.transfer.Transfer;
import ftpgw.transfer.TransferState;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.Function;

/**
 * What the tus handlers share: the store, the delivery, the limits, and how an answer names an
 * upload.
 */
record TusEndpoint(
    Vertx vertx,
    TusStore store,
    Handover handover,
    DeliveryClient delivery,
    TransferStatusStore status,
    TusOwners owners,
    long maxUploadBytes,
    Duration syncTimeout,
    Function<RoutingContext, Caller> callers) {
  static final String PREFIX = "/tus/";

  /** RFC 9110 IMF-fixdate, as the spec asks of Upload-Expires. */
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);

  Caller caller(RoutingContext ctx) {
    return callers.apply(ctx);
  }

  Instant nextExpiry() {
    return Instant.now().plus(store.config().expireAfter());
  }

  /** The upload id in {@code /tus/{id}}, or null for the collection itself. */
  static String idOf(HttpServerRequest request) {
    String path = request.path();
    String rest = path.length() <= PREFIX.length() ? "" : path.substring(PREFIX.length());
    return rest.isEmpty() ? null : rest;
  }

  /**
   * An absolute URL on the node that holds the upload: its tus.publicUrl, else the Host this
   * request reached.
   */
  String location(HttpServerRequest request, String id) {
    String publicUrl = store.config().publicUrl();
    if (publicUrl != null) {
      return publicUrl + PREFIX + id;
    }
    String host = request.getHeader("Host");
    return host == null ? PREFIX + id : request.scheme() + "://" + host + PREFIX + id;
  }

  /**
   * Upload-Offset, Upload-Expires and, once handed over, where its transfer is and the whole
   * SHA-256.
   */
  static void describe(HttpServerResponse response, TusUpload upload) {
    response
        .putHeader("Upload-Offset", String.valueOf(upload.offset()))
        .putHeader("Upload-Expires", HTTP_DATE.format(upload.expiresAt()))
        .putHeader("Cache-Control", "no-store");
    if (upload.handedOver()) {
      response.putHeader("Ftpgw-Transfer", "/transfers/" + upload.id());
      if (upload.sha256() != null) {
        response.putHeader(
            "Repr-Digest",
            "sha-256=:"
                + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(upload.sha256()))
                + ":");
      }
    }
  }

  /** Shows the upload at {@code /transfers} while it is received, with the bytes it has so far. */
  void showReceiving(TusUpload upload, Instant createdAt) {
    status.put(
        new Transfer(
            upload.id(),
            upload.path(),
            TransferState.RECEIVING,
            upload.offset(),
            null,
            0,
            null,
            null,
            createdAt,
            Instant.now(),
            store.body(upload.id()).toString(),
            false,
            upload.owner()));
  }

  /** Shows a removed (terminated or expired) upload as cancelled for the retention time. */
  void showRemoved(TusUpload upload, String why) {
    status.put(
        new Transfer(
            upload.id(),
            upload.path(),
            TransferState.CANCELLED,
            upload.offset(),
            null,
            0,
            why,
            null,
            upload.createdAt(),
            Instant.now(),
            store.body(upload.id()).toString(),
            false,
            upload.owner()));
  }
}
