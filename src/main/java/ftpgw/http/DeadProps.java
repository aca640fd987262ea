package ftpgw.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.List;
import java.util.Map;

/**
 * WebDAV dead properties (PROPPATCH), which an FTP server cannot hold: kept by the gateway in a
 * Vert.x shared map (cluster-wide when clustered, in memory: they do not outlive the cluster),
 * keyed by FTP path, each property as {@code {namespace}name → its XML}. They follow MOVE and COPY
 * and go with DELETE. At most {@value #MAX_PER_RESOURCE} per resource.
 */
final class DeadProps {
  static final int MAX_PER_RESOURCE = 100;
  private static final String MAP = "ftpgw.dav.props";

  private final Vertx vertx;
  private Future<AsyncMap<String, JsonObject>> map;

  DeadProps(Vertx vertx) {
    this.vertx = vertx;
  }

  private Future<AsyncMap<String, JsonObject>> map() {
    if (map == null) {
      map = vertx.sharedData().<String, JsonObject>getAsyncMap(MAP);
    }
    return map;
  }

  Future<JsonObject> of(String path) {
    return map().compose(m -> m.get(path)).map(props -> props == null ? new JsonObject() : props);
  }

  /**
   * Sets and removes in one step; false (nothing changed) when the resource would hold too many.
   */
  Future<Boolean> apply(String path, Map<String, String> set, List<String> remove) {
    return of(path)
        .compose(
            props -> {
              JsonObject next = props.copy();
              remove.forEach(next::remove);
              set.forEach(next::put);
              if (next.size() > MAX_PER_RESOURCE) {
                return Future.succeededFuture(false);
              }
              return map()
                  .compose(m -> next.isEmpty() ? m.remove(path).mapEmpty() : m.put(path, next))
                  .map(true);
            });
  }

  Future<Void> move(String from, String to) {
    return map()
        .compose(
            m ->
                m.remove(from)
                    .compose(props -> props == null ? m.remove(to).mapEmpty() : m.put(to, props)));
  }

  Future<Void> copy(String from, String to) {
    return map()
        .compose(
            m ->
                m.get(from)
                    .compose(props -> props == null ? m.remove(to).mapEmpty() : m.put(to, props)));
  }

  Future<Void> forget(String path) {
    return map().compose(m -> m.remove(path)).mapEmpty();
  }
}
