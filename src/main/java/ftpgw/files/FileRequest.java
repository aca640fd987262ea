package ftpgw.files;

import io.vertx.core.json.JsonObject;

/**
 * Asks a relay node to do one thing with the FTP tree (see {@link Op}).
 *
 * @param op what to do
 * @param path the remote path relative to the relay's target folder (the user's jail already
 *     applied); "" is the target folder itself
 * @param target MOVE/COPY: the destination, relative like {@code path}; else null
 * @param overwrite MOVE/COPY: replace an existing destination
 * @param offset READ: the first byte sent (REST)
 * @param length READ: how many bytes at most (-1: to the end)
 * @param ftpUser the client's own FTP login (auth mode passthrough); null: the relay's
 * @param node READ: the node asking; a relay on that same node hands it the data connection itself
 *     (see {@link LocalRead}); null for every other operation
 */
public record FileRequest(
    Op op,
    String path,
    String target,
    boolean overwrite,
    long offset,
    long length,
    String ftpUser,
    String node) {

  /** The operations on the FTP tree. */
  public enum Op {
    STAT,
    LIST,
    READ,
    DELETE,
    MKCOL,
    MOVE,
    COPY
  }

  public static FileRequest of(Op op, String path, String ftpUser) {
    return new FileRequest(op, path, null, false, 0, -1, ftpUser, null);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("op", op.name())
        .put("path", path)
        .put("target", target)
        .put("overwrite", overwrite)
        .put("offset", offset)
        .put("length", length)
        .put("ftpUser", ftpUser)
        .put("node", node);
  }

  public static FileRequest fromJson(JsonObject json) {
    return new FileRequest(
        Op.valueOf(json.getString("op")),
        json.getString("path"),
        json.getString("target"),
        json.getBoolean("overwrite", false),
        json.getLong("offset", 0L),
        json.getLong("length", -1L),
        json.getString("ftpUser"),
        json.getString("node"));
  }
}
