package ftpgw.tus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Duration;

/**
 * Which node holds each tus upload, in a Vert.x shared map (cluster-wide when clustered): an
 * upload's bytes live in the spool of the node that created it, so a request that reaches another
 * node behind a load balancer is redirected there. Only nodes with {@code tus.publicUrl} register
 * (a redirect needs an address clients can reach).
 */
final class TusOwners {
  static final String MAP_NAME = "ftpgw.tus.owners";

  private final Future<AsyncMap<String, String>> map;
  private final String self;
  private final Duration ttl;

  /**
   * @param self this node's public base URL, or null: it registers nothing
   */
  TusOwners(Vertx vertx, String self, Duration expireAfter) {
    this.map = vertx.sharedData().getAsyncMap(MAP_NAME);
    this.self = self;
    // an upload expires after this long without a byte; the entry outlives it a little so that a
    // late request is
    // redirected to the owner, which then answers 404 itself
    this.ttl = expireAfter.multipliedBy(2);
  }

  /** Registers (or refreshes) this node as the upload's holder. */
  Future<Void> hold(String id) {
    return self == null
        ? Future.succeededFuture()
        : map.compose(m -> m.put(id, self, ttl.toMillis()));
  }

  Future<Void> drop(String id) {
    return self == null ? Future.succeededFuture() : map.compose(m -> m.remove(id)).mapEmpty();
  }

  /** The base URL of the node that holds {@code id}, when it is another node; else null. */
  Future<String> elsewhere(String id) {
    return map.compose(m -> m.get(id))
        .map(owner -> owner == null || owner.equals(self) ? null : owner);
  }
}
