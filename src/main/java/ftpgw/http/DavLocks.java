package ftpgw.http;

import ftpgw.files.FilesClient;
import ftpgw.transfer.Failure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * WebDAV exclusive write locks (RFC 4918 sections 6 and 9.10), kept in a Vert.x shared map:
 * cluster-wide when the gateway is clustered, so a lock taken through one node holds on every node.
 * Each lock expires on its own (the map's TTL) unless refreshed. A write (PUT, DELETE, MOVE, COPY
 * onto, PROPPATCH, MKCOL in) to a locked resource, to a member of a locked folder, or to a folder
 * holding a locked resource needs the lock's token in its {@code If} header, else 423.
 */
final class DavLocks {
  static final long DEFAULT_TIMEOUT_SECONDS = 600;
  static final long MAX_TIMEOUT_SECONDS = 3600;
  private static final String MAP = "ftpgw.dav.locks";

  /**
   * One lock: {@code root} is the FTP path it was taken on, {@code href} the URL path the client
   * used.
   */
  record Lock(
      String token,
      String root,
      String href,
      boolean infinite,
      String ownerXml,
      long timeoutSeconds,
      long expiresAt) {
    JsonObject toJson() {
      return new JsonObject()
          .put("token", token)
          .put("root", root)
          .put("href", href)
          .put("infinite", infinite)
          .put("owner", ownerXml)
          .put("timeout", timeoutSeconds)
          .put("expiresAt", expiresAt);
    }

    static Lock fromJson(JsonObject json) {
      return new Lock(
          json.getString("token"),
          json.getString("root"),
          json.getString("href"),
          json.getBoolean("infinite"),
          json.getString("owner"),
          json.getLong("timeout"),
          json.getLong("expiresAt"));
    }

    /** Whether it covers {@code path}: taken on it, or on a folder above it with Depth infinity. */
    boolean covers(String path) {
      return root.equals(path) || (infinite && (root.isEmpty() || path.startsWith(root + "/")));
    }

    /** Whether a write to {@code path} touches it: covers it, locks its folder, or is inside it. */
    boolean touchedBy(String path) {
      return covers(path)
          || root.equals(FilesPaths.parent(path)) && !path.isEmpty()
          || path.isEmpty()
          || root.startsWith(path + "/");
    }

    boolean alive() {
      return expiresAt > System.currentTimeMillis();
    }
  }

  private final Vertx vertx;
  private final FilesClient files;
  private Future<AsyncMap<String, JsonObject>> map;

  DavLocks(Vertx vertx, FilesClient files) {
    this.vertx = vertx;
    this.files = files;
  }

  private Future<AsyncMap<String, JsonObject>> map() {
    if (map == null) {
      map = vertx.sharedData().<String, JsonObject>getAsyncMap(MAP);
    }
    return map;
  }

  /** Every live lock (few: one per resource a client is editing). */
  Future<List<Lock>> all() {
    return map()
        .compose(AsyncMap::entries)
        .map(
            entries -> {
              List<Lock> locks = new ArrayList<>();
              for (Map.Entry<String, JsonObject> entry : entries.entrySet()) {
                Lock lock = Lock.fromJson(entry.getValue());
                if (lock.alive()) {
                  locks.add(lock);
                }
              }
              return locks;
            });
  }

  Future<List<Lock>> covering(String path) {
    return all().map(locks -> locks.stream().filter(l -> l.covers(path)).toList());
  }

  /**
   * Evaluates the request's If header (412 when it is false) and refuses (423) a write that touches
   * a lock whose token the request does not carry.
   */
  Future<Void> checkWrite(RoutingContext ctx, String path) {
    IfHeader condition = IfHeader.parse(ctx.request().getHeader("If"));
    return all()
        .compose(
            locks ->
                condition
                    .holds(ctx, path, locks, files)
                    .compose(
                        holds -> {
                          if (!holds) {
                            return Future.failedFuture(
                                Failure.PRECONDITION_FAILED.exception(
                                    "the If header's condition does not hold for " + path));
                          }
                          Set<String> submitted = condition.tokens();
                          for (Lock lock : locks) {
                            if (lock.touchedBy(path) && !submitted.contains(lock.token())) {
                              return Future.failedFuture(
                                  Failure.LOCKED.exception(
                                      (lock.root().isEmpty() ? "the top folder" : lock.root())
                                          + " is locked: send its lock token in an If header"));
                            }
                          }
                          return Future.succeededFuture();
                        }));
  }

  /** Takes a new lock on {@code path}; 423 when it conflicts with one held. */
  Future<Lock> lock(
      String path, String href, boolean infinite, String ownerXml, long timeoutSeconds) {
    return all()
        .compose(
            locks -> {
              for (Lock held : locks) {
                if (held.covers(path)
                    || (infinite && (path.isEmpty() || held.root().startsWith(path + "/")))) {
                  return Future.failedFuture(
                      Failure.LOCKED.exception(path + " is already locked (exclusive locks only)"));
                }
              }
              Lock lock =
                  new Lock(
                      "opaquelocktoken:" + UUID.randomUUID(),
                      path,
                      href,
                      infinite,
                      ownerXml,
                      timeoutSeconds,
                      System.currentTimeMillis() + timeoutSeconds * 1000);
              // putIfAbsent: of two nodes locking the same resource at once, one wins
              return map()
                  .compose(m -> m.putIfAbsent(path, lock.toJson(), timeoutSeconds * 1000))
                  .compose(
                      previous ->
                          previous == null || !Lock.fromJson(previous).alive()
                              ? Future.succeededFuture(lock)
                              : Future.failedFuture(
                                  Failure.LOCKED.exception(path + " is already locked")));
            });
  }

  /** Extends the lock with {@code token} that covers {@code path}; 412 when there is none. */
  Future<Lock> refresh(String path, Set<String> tokens, long timeoutSeconds) {
    return covering(path)
        .compose(
            locks -> {
              Lock held =
                  locks.stream().filter(l -> tokens.contains(l.token())).findFirst().orElse(null);
              if (held == null) {
                return Future.failedFuture(
                    Failure.PRECONDITION_FAILED.exception(
                        "no lock on " + path + " with the token in the If header"));
              }
              Lock renewed =
                  new Lock(
                      held.token(),
                      held.root(),
                      held.href(),
                      held.infinite(),
                      held.ownerXml(),
                      timeoutSeconds,
                      System.currentTimeMillis() + timeoutSeconds * 1000);
              return map()
                  .compose(m -> m.put(held.root(), renewed.toJson(), timeoutSeconds * 1000))
                  .map(renewed);
            });
  }

  /** Removes the lock with {@code token} covering {@code path}; 409 when there is none. */
  Future<Void> unlock(String path, String token) {
    return covering(path)
        .compose(
            locks -> {
              Lock held =
                  locks.stream().filter(l -> l.token().equals(token)).findFirst().orElse(null);
              if (held == null) {
                return Future.failedFuture(
                    Failure.CONFLICT.exception("no lock " + token + " on " + path));
              }
              return map().compose(m -> m.remove(held.root())).mapEmpty();
            });
  }

  /** Drops the locks on {@code path} and below it (it was deleted or moved away). */
  Future<Void> forget(String path) {
    return all()
        .compose(
            locks ->
                map()
                    .compose(
                        m ->
                            Future.all(
                                locks.stream()
                                    .filter(
                                        l ->
                                            l.root().equals(path)
                                                || l.root().startsWith(path + "/"))
                                    .map(l -> m.remove(l.root()))
                                    .toList())))
        .mapEmpty();
  }
}
