package ftpgw.http;

import ftpgw.files.FilesClient;
import ftpgw.transfer.Failure;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * LOCK and UNLOCK (RFC 4918 sections 9.10 and 9.11): exclusive write locks only (a shared lock is
 * refused with 412), with the Timeout the client asks for up to {@value
 * DavLocks#MAX_TIMEOUT_SECONDS} s. A lock on a name that does not exist yet reserves it (201) for
 * the PUT that follows.
 */
final class LockRoutes {
  /** A lock granted (200) or refreshed (200), or taken on a name not yet used (201). */
  private record Granted(int status, DavLocks.Lock lock) {}

  private final FilesClient files;
  private final DavLocks locks;

  LockRoutes(FilesClient files, DavLocks locks) {
    this.files = files;
    this.locks = locks;
  }

  void lock(RoutingContext ctx) {
    String ftpPath = FileRoutes.ftpPath(ctx);
    long timeout = timeout(ctx.request().getHeader("Timeout"));
    String depth = ctx.request().getHeader("Depth");
    if (depth != null && !depth.equals("0") && !depth.equalsIgnoreCase("infinity")) {
      throw Failure.BAD_REQUEST.exception("a LOCK's Depth is 0 or infinity, got \"" + depth + "\"");
    }
    DavXml.body(ctx.request())
        .compose(
            body -> {
              Document doc = DavXml.parse(body);
              if (doc == null) { // a refresh: the lock is named in the If header
                return locks
                    .refresh(
                        ftpPath, IfHeader.parse(ctx.request().getHeader("If")).tokens(), timeout)
                    .map(lock -> new Granted(200, lock));
              }
              Element info = doc.getDocumentElement();
              Element scope = DavXml.is(info, "lockinfo") ? DavXml.child(info, "lockscope") : null;
              if (scope == null || DavXml.child(info, "locktype") == null) {
                throw Failure.BAD_REQUEST.exception(
                    "LOCK needs a DAV:lockinfo body with lockscope and locktype");
              }
              if (DavXml.child(scope, "exclusive") == null) {
                throw Failure.PRECONDITION_FAILED.exception(
                    "only exclusive write locks are supported");
              }
              Element owner = DavXml.child(info, "owner");
              String ownerXml = owner == null ? "" : DavXml.serialize(owner);
              boolean infinite = depth == null || depth.equalsIgnoreCase("infinity");
              return files
                  .stat(ftpPath, FileRoutes.ftpUser(ctx))
                  .map(true)
                  .otherwise(
                      missing -> {
                        if (Failure.of(missing) != Failure.NOT_FOUND) {
                          throw missing instanceof RuntimeException e
                              ? e
                              : new IllegalStateException(missing);
                        }
                        return false;
                      })
                  .compose(
                      exists ->
                          checkParent(ctx, ftpPath, exists)
                              .compose(
                                  v ->
                                      locks.lock(
                                          ftpPath,
                                          ctx.request().path(),
                                          infinite,
                                          ownerXml,
                                          timeout))
                              .map(lock -> new Granted(exists ? 200 : 201, lock)));
            })
        .onSuccess(
            granted -> {
              ctx.response()
                  .setStatusCode(granted.status())
                  .putHeader("Lock-Token", "<" + granted.lock().token() + ">")
                  .putHeader(HttpHeaders.CONTENT_TYPE, "application/xml; charset=utf-8")
                  .end(
                      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:prop xmlns:D=\"DAV:\"><D:lockdiscovery>"
                          + activeLock(granted.lock())
                          + "</D:lockdiscovery></D:prop>\n");
            })
        .onFailure(ctx::fail);
  }

  /**
   * A lock on a name that does not exist needs its folder to exist (409, as a PUT there would get).
   */
  private Future<Void> checkParent(RoutingContext ctx, String ftpPath, boolean exists) {
    if (exists) {
      return Future.succeededFuture();
    }
    return files
        .stat(FilesPaths.parent(ftpPath), FileRoutes.ftpUser(ctx))
        .<Void>mapEmpty()
        .recover(
            e ->
                Future.failedFuture(
                    Failure.CONFLICT.exception(
                        "folder " + FilesPaths.parent(ftpPath) + " does not exist")));
  }

  void unlock(RoutingContext ctx) {
    String header = ctx.request().getHeader("Lock-Token");
    if (header == null || !header.trim().startsWith("<") || !header.trim().endsWith(">")) {
      throw Failure.BAD_REQUEST.exception("UNLOCK needs a Lock-Token header: <token>");
    }
    String token = header.trim().substring(1, header.trim().length() - 1);
    locks
        .unlock(FileRoutes.ftpPath(ctx), token)
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  /** "Second-N" (capped) or "Infinite" (the cap); the first of a comma-separated list counts. */
  static long timeout(String header) {
    if (header == null) {
      return DavLocks.DEFAULT_TIMEOUT_SECONDS;
    }
    String first = header.split(",")[0].trim();
    if (first.regionMatches(true, 0, "Second-", 0, 7)) {
      try {
        return Math.max(
            1, Math.min(DavLocks.MAX_TIMEOUT_SECONDS, Long.parseLong(first.substring(7))));
      } catch (NumberFormatException e) {
        return DavLocks.DEFAULT_TIMEOUT_SECONDS;
      }
    }
    return DavLocks.MAX_TIMEOUT_SECONDS;
  }

  static String activeLock(DavLocks.Lock lock) {
    return "<D:activelock><D:locktype><D:write/></D:locktype><D:lockscope><D:exclusive/></D:lockscope>"
        + "<D:depth>"
        + (lock.infinite() ? "infinity" : "0")
        + "</D:depth>"
        + lock.ownerXml()
        + "<D:timeout>Second-"
        + lock.timeoutSeconds()
        + "</D:timeout>"
        + "<D:locktoken><D:href>"
        + lock.token()
        + "</D:href></D:locktoken>"
        + "<D:lockroot><D:href>"
        + DavXml.escape(lock.href())
        + "</D:href></D:lockroot>"
        + "</D:activelock>";
  }
}
