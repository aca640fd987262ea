package ftpgw.transfer;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Asks the relay to publish a spooled file.
 *
 * @param transferId the upload's id (names the temporary file on the FTP server too)
 * @param spoolFile absolute path of the spooled body on the relay's host
 * @param remotePath validated relative path under the target folder, e.g. {@code a/b/c.bin}
 * @param bytes exact size of the body
 * @param sha256 hex digest of the body, computed while it was received; {@code null} for a live
 *     body
 * @param live the body is still arriving: read it as it grows ({@link ftpgw.spool.LiveBody}, same
 *     JVM only)
 * @param ftpUser publish with this client's own FTP login (auth mode passthrough, same JVM only);
 *     null: the relay's configured login
 * @param parts the body as several spooled files, in order (same JVM or edge only); empty: the body
 *     is {@code spoolFile}
 * @param body the whole body when it is small enough to travel in this message instead of a spool
 *     file ({@code spoolFile} is then null; same JVM only); null otherwise
 */
public record RelayRequest(
    String transferId,
    String spoolFile,
    String remotePath,
    long bytes,
    String sha256,
    boolean live,
    String ftpUser,
    List<BodyPart> parts,
    Buffer body) {

  public RelayRequest {
    parts = parts == null ? List.of() : List.copyOf(parts);
  }

  public RelayRequest(
      String transferId,
      String spoolFile,
      String remotePath,
      long bytes,
      String sha256,
      boolean live,
      String ftpUser) {
    this(transferId, spoolFile, remotePath, bytes, sha256, live, ftpUser, List.of(), null);
  }

  /** A small body held in memory (see {@link #body}), published from there. */
  public static RelayRequest inMemory(
      String transferId, String remotePath, Buffer body, String sha256, String ftpUser) {
    return new RelayRequest(
        transferId, null, remotePath, body.length(), sha256, false, ftpUser, List.of(), body);
  }

  /** A body spooled whole, published with the relay's own login. */
  public RelayRequest(
      String transferId, String spoolFile, String remotePath, long bytes, String sha256) {
    this(transferId, spoolFile, remotePath, bytes, sha256, false, null);
  }

  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("transferId", transferId)
            .put("spoolFile", spoolFile)
            .put("remotePath", remotePath)
            .put("bytes", bytes)
            .put("sha256", sha256)
            .put("live", live)
            .put("ftpUser", ftpUser);
    if (body != null) {
      json.put("body", body);
    }
    return parts.isEmpty() ? json : json.put("parts", BodyPart.toJson(parts));
  }

  public static RelayRequest fromJson(JsonObject json) {
    return new RelayRequest(
        json.getString("transferId"),
        json.getString("spoolFile"),
        json.getString("remotePath"),
        json.getLong("bytes"),
        json.getString("sha256"),
        json.getBoolean("live", false),
        json.getString("ftpUser"),
        BodyPart.listFromJson(json.getJsonArray("parts")),
        json.getBuffer("body"));
  }
}
