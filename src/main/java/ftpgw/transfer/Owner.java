package ftpgw.transfer;

import io.vertx.core.json.JsonObject;

/**
 * The authenticated client a transfer belongs to: only it sees the transfer at {@code /transfers}.
 *
 * @param name its user name (a gateway user, or the FTP login in passthrough mode)
 * @param folder its jail under the FTP target: the transfer's path is relative to it ("" for none)
 * @param ftpLogin whether the relay publishes with this user's own FTP login (passthrough) instead
 *     of the gateway's
 */
public record Owner(String name, String folder, boolean ftpLogin) {

  public Owner {
    folder = folder == null ? "" : folder;
  }

  /** {@code path} (relative to the jail) as a path under the FTP target. */
  public String resolve(String path) {
    return folder.isEmpty() || path == null ? path : folder + "/" + path;
  }

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("folder", folder).put("ftpLogin", ftpLogin);
  }

  public static Owner fromJson(JsonObject json) {
    return json == null
        ? null
        : new Owner(
            json.getString("name"), json.getString("folder"), json.getBoolean("ftpLogin", false));
  }
}
