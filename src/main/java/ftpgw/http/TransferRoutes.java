package ftpgw.http;

import ftpgw.delivery.DeliveryClient;
import ftpgw.delivery.TransferStatusStore;
import ftpgw.transfer.Failure;
import ftpgw.transfer.Owner;
import ftpgw.transfer.Transfer;
import ftpgw.transfer.TransferState;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /transfers/{id}}, {@code GET /transfers?state=&limit=&offset=} and {@code DELETE
 * /transfers/{id}}.
 */
final class TransferRoutes {
  static final int MAX_PAGE = 1000;
  private static final int DEFAULT_PAGE = 100;

  private final TransferStatusStore store;
  private final DeliveryClient delivery;

  TransferRoutes(TransferStatusStore store, DeliveryClient delivery) {
    this.store = store;
    this.delivery = delivery;
  }

  void get(RoutingContext ctx) {
    visible(ctx).onSuccess(transfer -> json(ctx, transfer.toApiJson())).onFailure(ctx::fail);
  }

  void list(RoutingContext ctx) {
    TransferState state = state(ctx.request().getParam("state"));
    int limit = integer(ctx, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
    int offset = integer(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    store
        .list(AuthRoutes.caller(ctx).owner(), state, limit, offset)
        .onSuccess(page -> json(ctx, page))
        .onFailure(ctx::fail);
  }

  /** As {@code ctx.json}, with a final newline (see {@link FailureResponder#body}). */
  static void json(RoutingContext ctx, Object body) {
    ctx.response()
        .putHeader(io.vertx.core.http.HttpHeaders.CONTENT_TYPE, "application/json")
        .end(io.vertx.core.json.Json.encode(body) + "\n");
  }

  void cancel(RoutingContext ctx) {
    visible(ctx)
        .compose(transfer -> delivery.cancel(transfer.id()))
        .onSuccess(t -> json(ctx, t.toApiJson()))
        .onFailure(ctx::fail);
  }

  /**
   * The transfer named in the path, if the caller may see it; another user's is as unknown as a
   * missing one.
   */
  private Future<Transfer> visible(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Owner caller = AuthRoutes.caller(ctx).owner();
    return store
        .get(id)
        .compose(
            transfer ->
                transfer == null || !transfer.visibleTo(caller)
                    ? Future.failedFuture(notFound(id))
                    : Future.succeededFuture(transfer));
  }

  private static TransferState state(String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return TransferState.fromApiName(value);
    } catch (IllegalArgumentException e) {
      throw Failure.BAD_REQUEST.exception(
          "state must be one of receiving, queued, relaying, delivered, failed, "
              + "cancelled; got \""
              + value
              + "\"");
    }
  }

  private static int integer(RoutingContext ctx, String name, int fallback, int min, int max) {
    String value = ctx.request().getParam(name);
    if (value == null) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw Failure.BAD_REQUEST.exception(
        name + " must be a whole number from " + min + " to " + max + ", got \"" + value + "\"");
  }

  private static RuntimeException notFound(String id) {
    return Failure.NOT_FOUND.exception(
        "no transfer " + id + " (unknown, or finished longer ago than the retention time)");
  }
}
