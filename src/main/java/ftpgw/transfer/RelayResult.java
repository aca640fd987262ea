package ftpgw.transfer;

import io.vertx.core.json.JsonObject;

/**
 * The relay's answer once a file is published under its final name.
 *
 * @param remotePath where it landed, relative to the FTP login's home
 * @param ftpMillis time spent on the FTP side (connection, upload, rename)
 */
public record RelayResult(String transferId, String remotePath, long bytes, long ftpMillis) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("transferId", transferId)
        .put("remotePath", remotePath)
        .put("bytes", bytes)
        .put("ftpMillis", ftpMillis);
  }

  public static RelayResult fromJson(JsonObject json) {
    return new RelayResult(
        json.getString("transferId"),
        json.getString("remotePath"),
        json.getLong("bytes"),
        json.getLong("ftpMillis"));
  }
}
