package ftpgw.files;

import io.vertx.core.json.JsonObject;

/** One step of a download session on its relay node (see {@link Action}). */
public record ChunkPull(String session, Action action) {

  /** What the HTTP side asks of the session. */
  public enum Action {
    /** The next chunk (empty: the end). */
    NEXT,
    /** End it early: the FTP connection is closed, never reused mid-transfer. */
    CANCEL,
    /**
     * A handed-over data connection was read to the file's end and closed: check the server's 226
     * and reuse the connection.
     */
    FINISH
  }

  public JsonObject toJson() {
    return new JsonObject().put("session", session).put("action", action.name());
  }

  public static ChunkPull fromJson(JsonObject json) {
    return new ChunkPull(
        json.getString("session"), Action.valueOf(json.getString("action", Action.NEXT.name())));
  }
}
