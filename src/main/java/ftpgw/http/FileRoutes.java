package ftpgw.http;

import ftpgw.auth.Caller;
import ftpgw.files.FileRequest;
import ftpgw.files.FilesClient;
import ftpgw.transfer.Failure;
import ftpgw.transfer.Owner;
import ftpgw.transfer.RemotePath;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * The tree under {@code /files/} beyond uploads: DELETE, MKCOL, MOVE and COPY, and the one place
 * that turns a request's path into an FTP path (the user's jail applied). Reads are in {@link
 * Downloads}, WebDAV in {@link WebDav}.
 */
final class FileRoutes {
  static final String FILES = "/files";

  /** Routing-context key: the request's URL named a folder (it ended with '/'). */
  static final String FOLDER_URL = "folderUrl";

  private final FilesClient files;
  private final DavLocks locks;
  private final DeadProps props;

  FileRoutes(FilesClient files, DavLocks locks, DeadProps props) {
    this.files = files;
    this.locks = locks;
    this.props = props;
  }

  static boolean isTree(String rawPath) {
    return rawPath.equals(FILES) || rawPath.startsWith(FILES + "/");
  }

  /**
   * Checks the path of a read or WebDAV request: as for uploads, but "" (the top) and a trailing
   * '/' are fine.
   */
  static void putPath(RoutingContext ctx, String rawPath) {
    String rest =
        rawPath.length() <= FILES.length() + 1 ? "" : rawPath.substring(FILES.length() + 1);
    boolean folder = rest.isEmpty() || rest.endsWith("/");
    ctx.put(FOLDER_URL, folder);
    ctx.put(UploadHandler.REMOTE_PATH, pathOf(rest));
  }

  static RemotePath pathOf(String rest) {
    String trimmed = rest.endsWith("/") ? rest.substring(0, rest.length() - 1) : rest;
    return trimmed.isEmpty()
        ? new RemotePath(List.of())
        : RemotePath.parse(RawPaths.percentDecode(trimmed));
  }

  /** The request's path as the client sees it (relative to its jail). */
  static RemotePath clientPath(RoutingContext ctx) {
    RemotePath path = ctx.get(UploadHandler.REMOTE_PATH);
    if (path == null) {
      throw Failure.NOT_FOUND.exception("no such resource: " + ctx.request().path());
    }
    return path;
  }

  /** {@code path} under the FTP target: inside the caller's jail. */
  static String ftpPath(RoutingContext ctx, RemotePath path) {
    Owner owner = AuthRoutes.caller(ctx).owner();
    String folder = owner == null ? "" : owner.folder();
    String relative = path.toString();
    return folder.isEmpty() ? relative : relative.isEmpty() ? folder : folder + "/" + relative;
  }

  static String ftpPath(RoutingContext ctx) {
    return ftpPath(ctx, clientPath(ctx));
  }

  /** The client's own FTP login in passthrough mode, else null (the relay's). */
  static String ftpUser(RoutingContext ctx) {
    Caller caller = AuthRoutes.caller(ctx);
    return caller.owner() != null && caller.owner().ftpLogin() ? caller.owner().name() : null;
  }

  void delete(RoutingContext ctx) {
    String path = ftpPath(ctx);
    locks
        .checkWrite(ctx, path)
        .compose(v -> files.delete(path, ftpUser(ctx)))
        .compose(v -> locks.forget(path))
        .compose(v -> props.forget(path))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  void makeFolder(RoutingContext ctx) {
    String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    if ((length != null && !length.equals("0"))
        || ctx.request().getHeader(HttpHeaders.TRANSFER_ENCODING) != null) {
      throw Failure.UNSUPPORTED_MEDIA_TYPE.exception("MKCOL takes no body");
    }
    String path = ftpPath(ctx);
    locks
        .checkWrite(ctx, FilesPaths.parent(path))
        .compose(v -> files.makeFolder(path, ftpUser(ctx)))
        .onSuccess(
            v ->
                ctx.response()
                    .setStatusCode(201)
                    .putHeader(HttpHeaders.LOCATION, ctx.request().path())
                    .end())
        .onFailure(ctx::fail);
  }

  void move(RoutingContext ctx) {
    transfer(ctx, FileRequest.Op.MOVE);
  }

  void copy(RoutingContext ctx) {
    transfer(ctx, FileRequest.Op.COPY);
  }

  private void transfer(RoutingContext ctx, FileRequest.Op op) {
    String from = ftpPath(ctx);
    String to = ftpPath(ctx, destination(ctx));
    String depth = ctx.request().getHeader("Depth");
    if (op == FileRequest.Op.COPY
        && Boolean.TRUE.equals(ctx.get(FOLDER_URL))
        && !"0".equals(depth)) {
      throw Failure.FORBIDDEN.exception(
          "COPY of a folder copies only the folder itself (send Depth: 0); "
              + "copy its files one by one");
    }
    String overwrite = ctx.request().getHeader("Overwrite");
    if (overwrite != null && !overwrite.equals("T") && !overwrite.equals("F")) {
      throw Failure.BAD_REQUEST.exception("Overwrite must be T or F, got \"" + overwrite + "\"");
    }
    Future<Void> allowed =
        op == FileRequest.Op.MOVE
            ? locks.checkWrite(ctx, from).compose(v -> locks.checkWrite(ctx, to))
            : locks.checkWrite(ctx, to);
    allowed
        .compose(v -> files.transfer(op, from, to, !"F".equals(overwrite), ftpUser(ctx)))
        .compose(
            replaced ->
                (op == FileRequest.Op.MOVE
                        ? locks.forget(from).compose(v -> props.move(from, to))
                        : props.copy(from, to))
                    .map(replaced))
        .onSuccess(replaced -> ctx.response().setStatusCode(replaced ? 204 : 201).end())
        .onFailure(ctx::fail);
  }

  /**
   * The Destination header (an absolute URL or path under /files/), checked like any request path.
   */
  private static RemotePath destination(RoutingContext ctx) {
    String header = ctx.request().getHeader("Destination");
    if (header == null) {
      throw Failure.BAD_REQUEST.exception("MOVE and COPY need a Destination header");
    }
    String raw;
    try {
      raw = new URI(header).getRawPath();
    } catch (URISyntaxException e) {
      throw Failure.BAD_REQUEST.exception("Destination is not a URL: " + e.getMessage());
    }
    if (raw == null || !raw.startsWith(FILES + "/") || raw.length() == FILES.length() + 1) {
      throw Failure.BAD_PATH.exception(
          "Destination must be a path under /files/, got \"" + header + "\"");
    }
    return pathOf(raw.substring(FILES.length() + 1));
  }
}
