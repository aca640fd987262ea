package ftpgw.hooks;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * One post-hook call waiting for its receiver's 2xx.
 *
 * @param hook {@code post-delivered} or {@code post-failed}
 * @param url where it goes (as configured when it was queued)
 * @param event the transfer event, whose {@code eventId} lets receivers drop repeats
 * @param file its journal file; null until written
 */
record PendingHook(String hook, String url, JsonObject event, Path file) {

  PendingHook in(Path journalFile) {
    return new PendingHook(hook, url, event, journalFile);
  }

  /** What the receiver gets, signed. */
  String body() {
    return new JsonObject().put("hook", hook).put("event", event).encode();
  }

  String eventId() {
    return event.getString("eventId");
  }

  JsonObject toJson() {
    return new JsonObject().put("hook", hook).put("url", url).put("event", event);
  }

  static PendingHook fromJson(Path file, JsonObject json) {
    return new PendingHook(
        json.getString("hook"), json.getString("url"), json.getJsonObject("event"), file);
  }
}
