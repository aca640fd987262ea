package ftpgw.config;

import static ftpgw.config.ConfigReader.require;

import ftpgw.transfer.GatewayException;
import ftpgw.transfer.RemotePath;

/**
 * One of the gateway's own users ({@code auth.users[]}). Only hashes of its password and token are
 * configured (see {@link ftpgw.auth.HashSecret}); they are secrets too and never print themselves.
 *
 * @param folder its jail: every path it sends lands under this folder of the FTP target ("" = all
 *     of it)
 * @param maxUploadBytes its largest upload; 0: {@code http.maxUploadBytes}
 * @param maxConcurrentUploads uploads it may have in progress at once; 0: no limit of its own
 */
public record AuthUser(
    String name,
    Secret passwordHash,
    Secret tokenHash,
    String folder,
    long maxUploadBytes,
    int maxConcurrentUploads) {

  public AuthUser {
    require(
        name != null
            && !name.isBlank()
            && !name.contains(":")
            && name.chars().noneMatch(c -> c < 0x20),
        "auth.users[].name must be a non-empty name without ':' or control characters, got \""
            + name
            + "\"");
    String where = "auth.users[" + name + "]";
    passwordHash = passwordHash == null ? Secret.NONE : passwordHash;
    tokenHash = tokenHash == null ? Secret.NONE : tokenHash;
    require(
        !passwordHash.isEmpty() || !tokenHash.isEmpty(),
        where
            + " needs a passwordHash or a tokenHash (make one with: java -cp gateway-fat.jar ftpgw.auth.HashSecret)");
    require(
        passwordHash.isEmpty() || Pbkdf2Hash.isWellFormed(passwordHash.reveal()),
        where + ".passwordHash is not a hash made by ftpgw.auth.HashSecret ($pbkdf2-sha256$…)");
    require(
        tokenHash.isEmpty() || Pbkdf2Hash.isWellFormed(tokenHash.reveal()),
        where + ".tokenHash is not a hash made by ftpgw.auth.HashSecret ($pbkdf2-sha256$…)");
    folder = folder == null ? name : folder;
    try {
      folder = RemotePath.folder(folder).toString();
    } catch (GatewayException e) {
      throw new IllegalArgumentException(
          where + ".folder is not a valid relative folder: " + e.getMessage());
    }
    require(maxUploadBytes >= 0, where + ".maxUploadBytes must be >= 0, got " + maxUploadBytes);
    require(
        maxConcurrentUploads >= 0,
        where + ".maxConcurrentUploads must be >= 0, got " + maxConcurrentUploads);
  }

  static AuthUser fromJson(ConfigReader json) {
    return new AuthUser(
        json.string("name", null),
        json.secret("passwordHash"),
        json.secret("tokenHash"),
        json.string("folder", null),
        json.number("maxUploadBytes", 0),
        json.integer("maxConcurrentUploads", 0));
  }
}
