package ftpgw.http;

import ftpgw.files.FilesClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Set;

/**
 * Mounts the file share on {@code /files/}: reads, listings and changes in plain HTTP and WebDAV,
 * next to the upload routes (PUT stays the spooled upload; it only has to respect WebDAV locks).
 */
final class FileTree {
  private static final Set<HttpMethod> XML_BODIES =
      Set.of(HttpMethod.PROPFIND, HttpMethod.PROPPATCH, HttpMethod.LOCK, HttpMethod.MKCOL);

  private final DavLocks locks;
  private final Downloads downloads;
  private final FileRoutes changes;
  private final WebDav webDav;
  private final LockRoutes lockRoutes;

  /**
   * @param stall how long an FTP server may send nothing to a download whose client could take more
   */
  FileTree(Vertx vertx, FilesClient files, Duration stall) {
    this.locks = new DavLocks(vertx, files);
    DeadProps props = new DeadProps(vertx);
    this.downloads = new Downloads(files, new Listings(files), stall);
    this.changes = new FileRoutes(files, locks, props);
    this.webDav = new WebDav(files, locks, props);
    this.lockRoutes = new LockRoutes(files, locks);
  }

  /** Methods whose body the first route must hold back until the handler reads it. */
  static boolean carriesXmlBody(HttpMethod method) {
    return XML_BODIES.contains(method);
  }

  void mount(Router router) {
    for (String path : new String[] {"/files", "/files/*"}) {
      router.get(path).handler(downloads::get);
      router.head(path).handler(downloads::get);
      router.delete(path).handler(changes::delete);
      router.route(HttpMethod.MKCOL, path).handler(changes::makeFolder);
      router.route(HttpMethod.MOVE, path).handler(changes::move);
      router.route(HttpMethod.COPY, path).handler(changes::copy);
      router.options(path).handler(webDav::options);
      router.route(HttpMethod.PROPFIND, path).handler(webDav::propfind);
      router.route(HttpMethod.PROPPATCH, path).handler(webDav::proppatch);
      router.route(HttpMethod.LOCK, path).handler(lockRoutes::lock);
      router.route(HttpMethod.UNLOCK, path).handler(lockRoutes::unlock);
    }
  }

  /**
   * A PUT onto a locked resource (or into a locked folder) needs the lock's token: else 423 before
   * any byte.
   */
  void checkUploadLock(RoutingContext ctx) {
    locks.checkWrite(ctx, FileRoutes.ftpPath(ctx)).onSuccess(v -> ctx.next()).onFailure(ctx::fail);
  }
}
