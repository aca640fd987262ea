package ftpgw.http;

import ftpgw.auth.Authenticator;
import ftpgw.auth.Caller;
import ftpgw.transfer.Failure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * The router's side of authentication: every route after {@link #authenticate} knows its {@link Caller}, found before
 * a byte of the body is read; uploads also take one of their user's upload slots for as long as they run.
 */
final class AuthRoutes {
  /**
   * Routing-context key of the error of a connection lost while its upload waited (set by the first route, since a
   * paused request reports it once and at once).
   */
  static final String BROKEN_OFF = "brokenOff";
  private static final String CALLER = "caller";

  private final Authenticator auth;

  AuthRoutes(Authenticator auth) {
    this.auth = auth;
  }

  void authenticate(RoutingContext ctx) {
    String address = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
    auth.authenticate(address, ctx.request().getHeader(HttpHeaders.AUTHORIZATION))
        .onSuccess(caller -> {
          ctx.put(CALLER, caller);
          ctx.next();
        })
        .onFailure(ctx::fail);
  }

  /** Refuses (429) an upload of a user that has its most uploads in progress; the slot is freed when it ends. */
  void claimUploadSlot(RoutingContext ctx) {
    Throwable broken = ctx.get(BROKEN_OFF);
    if (broken != null) { // while authentication ran: nothing to receive, no slot to take
      throw Failure.CLIENT_ABORTED.exception("the upload broke off before it started: " + broken.getMessage());
    }
    Caller caller = caller(ctx);
    if (!auth.uploadSlots().tryAcquire(caller)) {
      throw Failure.TOO_MANY_UPLOADS.exception("user \"" + caller.name() + "\" already has "
          + caller.maxConcurrentUploads() + " upload(s) in progress; retry once one has finished")
          .withHeader("Retry-After", "1");
    }
    try {
      ctx.addEndHandler(done -> auth.uploadSlots().release(caller));
    } catch (IllegalStateException closed) { // the response is closed: the connection is gone already
      auth.uploadSlots().release(caller);
      throw Failure.CLIENT_ABORTED.exception("the upload broke off before it started: " + closed.getMessage());
    }
    ctx.next();
  }

  /** The request's caller ({@link Caller#ANONYMOUS} when the gateway has no authentication). */
  static Caller caller(RoutingContext ctx) {
    Caller caller = ctx.get(CALLER);
    return caller == null ? Caller.ANONYMOUS : caller;
  }
}
