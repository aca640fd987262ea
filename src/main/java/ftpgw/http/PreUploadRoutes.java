package ftpgw.http;

import ftpgw.hooks.PreUploadHook;
import ftpgw.transfer.RemotePath;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * The router's side of the pre-upload hook: asked after authentication, before the body is read (it
 * stays paused).
 */
final class PreUploadRoutes {
  private final PreUploadHook hook;

  PreUploadRoutes(PreUploadHook hook) {
    this.hook = hook;
  }

  void check(RoutingContext ctx) {
    RemotePath path = ctx.get(UploadHandler.REMOTE_PATH);
    // a form names its file at its end: the hook sees the folder asked for (?path=) at most
    String target = path != null ? path.toString() : ctx.request().getParam("path");
    hook.check(
            ctx.request().method().name(),
            target,
            AuthRoutes.caller(ctx).name(),
            declaredLength(ctx))
        .onSuccess(v -> ctx.next())
        .onFailure(
            e -> {
              if (e instanceof PreUploadHook.HookRefusal refusal) {
                ctx.fail(refusal.status(), refusal.asFailure());
              } else {
                ctx.fail(e);
              }
            });
  }

  private static Long declaredLength(RoutingContext ctx) {
    String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    try {
      return length == null ? null : Long.valueOf(length.trim());
    } catch (NumberFormatException e) {
      return null; // the upload handler refuses it with 400
    }
  }
}
