package ftpgw.http;

import ftpgw.ops.OpsRoutes;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;

/**
 * Assembles the router of both HTTP verticles in the one order that matters: an optional first
 * handler, the routes open to anyone, the ops endpoints (after the login when {@code
 * auth.protectOps}), the login, the verticle's own routes, the transfer status, 404 for anything
 * else and the one failure mapping.
 */
final class GatewayRouter {
  private GatewayRouter() {}

  /**
   * @param first runs before everything, or null
   * @param protectOps {@code auth.protectOps}: the ops endpoints need a login too
   * @param openRoutes adds the routes that need no login (the web page and its login), before it
   * @param ownRoutes adds the verticle's own routes, behind the login
   */
  static Router create(
      Vertx vertx,
      Handler<RoutingContext> first,
      OpsRoutes ops,
      boolean protectOps,
      AuthRoutes login,
      TransferRoutes transfers,
      FailureResponder failures,
      Consumer<Router> openRoutes,
      Consumer<Router> ownRoutes) {
    Router router = Router.router(vertx);
    if (first != null) {
      router.route().handler(first);
    }
    openRoutes.accept(router);
    if (!protectOps) {
      ops.mount(router);
    }
    // before any route that reads a body or shows a transfer: a client that is not let in never has
    // its body read
    router.route().handler(login::authenticate);
    if (protectOps) {
      ops.mount(router);
    }
    ownRoutes.accept(router);
    router.get("/transfers").handler(transfers::list);
    router.get("/transfers/:id").handler(transfers::get);
    router.route().last().handler(ctx -> ctx.fail(404));
    router.route().failureHandler(failures::handle);
    return router;
  }
}
