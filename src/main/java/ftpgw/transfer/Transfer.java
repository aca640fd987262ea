package ftpgw.transfer;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * One upload and its fate: what every part of the gateway (HTTP, delivery, journal, status API)
 * knows of it.
 *
 * @param spoolFile where the body waits on the spooling node (internal: never shown to clients)
 * @param error the {@link Failure} name of the last error, or null
 * @param durable whether its journal entry is on disk (it then survives a restart)
 * @param owner the authenticated client that uploaded it; null when the gateway has no
 *     authentication
 * @param parts the body as several spooled files, in order (a tus final concatenation); empty: the
 *     body is {@code spoolFile}
 */
public record Transfer(
    String id,
    String path,
    TransferState state,
    long bytes,
    String sha256,
    int attempts,
    String lastError,
    String error,
    Instant createdAt,
    Instant updatedAt,
    String spoolFile,
    boolean durable,
    Owner owner,
    List<BodyPart> parts) {

  public Transfer {
    parts = parts == null ? List.of() : List.copyOf(parts);
  }

  /** A transfer whose body is one spooled file. */
  public Transfer(
      String id,
      String path,
      TransferState state,
      long bytes,
      String sha256,
      int attempts,
      String lastError,
      String error,
      Instant createdAt,
      Instant updatedAt,
      String spoolFile,
      boolean durable,
      Owner owner) {
    this(
        id, path, state, bytes, sha256, attempts, lastError, error, createdAt, updatedAt, spoolFile,
        durable, owner, List.of());
  }

  /** Its body as {@code newParts}, in order, instead of one file. */
  public Transfer withParts(List<BodyPart> newParts) {
    return new Transfer(
        id, path, state, bytes, sha256, attempts, lastError, error, createdAt, updatedAt, spoolFile,
        durable, owner, newParts);
  }

  /**
   * A transfer whose body is still arriving ({@code path} may be null: a form names it at its end).
   */
  public static Transfer receiving(String id, String path, String spoolFile, Owner owner) {
    Instant now = Instant.now();
    return new Transfer(
        id,
        path,
        TransferState.RECEIVING,
        0,
        null,
        0,
        null,
        null,
        now,
        now,
        spoolFile,
        false,
        owner);
  }

  /** A transfer whose body has just been spooled whole. */
  public static Transfer queued(
      String id, String path, long bytes, String sha256, String spoolFile, Owner owner) {
    Instant now = Instant.now();
    return new Transfer(
        id,
        path,
        TransferState.QUEUED,
        bytes,
        sha256,
        0,
        null,
        null,
        now,
        now,
        spoolFile,
        false,
        owner);
  }

  /** Where it goes on the FTP target: its path under its owner's folder. */
  public String remotePath() {
    return owner == null ? path : owner.resolve(path);
  }

  /** The FTP login to publish it with (passthrough mode), or null for the relay's own. */
  public String ftpUser() {
    return owner != null && owner.ftpLogin() ? owner.name() : null;
  }

  /**
   * Whether {@code caller} may see it: everyone when there is no authentication, else only its
   * owner.
   */
  public boolean visibleTo(Owner caller) {
    return caller == null || (owner != null && owner.name().equals(caller.name()));
  }

  public Transfer withState(TransferState newState) {
    return new Transfer(
        id,
        path,
        newState,
        bytes,
        sha256,
        attempts,
        lastError,
        error,
        createdAt,
        Instant.now(),
        spoolFile,
        durable,
        owner,
        parts);
  }

  /** Counts a failed attempt and keeps its reason; the state stays as given. */
  public Transfer failedAttempt(TransferState newState, Failure failure, String message) {
    return new Transfer(
        id,
        path,
        newState,
        bytes,
        sha256,
        attempts + 1,
        message,
        failure.name(),
        createdAt,
        Instant.now(),
        spoolFile,
        durable,
        owner,
        parts);
  }

  public Transfer delivered() {
    return new Transfer(
        id,
        path,
        TransferState.DELIVERED,
        bytes,
        sha256,
        attempts + 1,
        lastError,
        error,
        createdAt,
        Instant.now(),
        spoolFile,
        durable,
        owner,
        parts);
  }

  public Transfer cancelled() {
    return new Transfer(
        id,
        path,
        TransferState.CANCELLED,
        bytes,
        sha256,
        attempts,
        "cancelled by a client",
        null,
        createdAt,
        Instant.now(),
        spoolFile,
        durable,
        owner,
        parts);
  }

  public Transfer madeDurable() {
    return new Transfer(
        id, path, state, bytes, sha256, attempts, lastError, error, createdAt, updatedAt, spoolFile,
        true, owner, parts);
  }

  /** The failure a client is answered with when this transfer failed. */
  public GatewayException failure() {
    Failure failure = error == null ? Failure.INTERNAL : Failure.valueOf(error);
    return failure.exception(lastError == null ? "the transfer " + state.apiName() : lastError);
  }

  /** Everything, for the journal and the event bus. */
  public JsonObject toJson() {
    JsonObject json =
        toApiJson()
            .put("lastError", lastError)
            .put("error", error)
            .put("spoolFile", spoolFile)
            .put("durable", durable)
            .put("owner", owner == null ? null : owner.toJson());
    return parts.isEmpty() ? json : json.put("parts", BodyPart.toJson(parts));
  }

  /**
   * What clients see at {@code GET /transfers/{id}}. A delivered transfer has no {@code lastError}:
   * the failures of the attempts before the one that worked are history, in {@code
   * earlierAttempts}, not a problem of the transfer.
   */
  public JsonObject toApiJson() {
    boolean delivered = state == TransferState.DELIVERED;
    JsonObject json =
        new JsonObject()
            .put("id", id)
            .put("path", path)
            .put("state", state.apiName())
            .put("bytes", bytes)
            .put("sha256", sha256)
            .put("attempts", attempts)
            .put("lastError", delivered ? null : lastError)
            .put("createdAt", createdAt.toString())
            .put("updatedAt", updatedAt.toString());
    if (delivered && lastError != null) {
      json.put(
          "earlierAttempts",
          new JsonObject().put("failed", attempts - 1).put("lastError", lastError));
    }
    return json;
  }

  public static Transfer fromJson(JsonObject json) {
    return new Transfer(
        json.getString("id"),
        json.getString("path"),
        TransferState.fromApiName(json.getString("state")),
        json.getLong("bytes"),
        json.getString("sha256"),
        json.getInteger("attempts", 0),
        json.getString("lastError"),
        json.getString("error"),
        Instant.parse(json.getString("createdAt")),
        Instant.parse(json.getString("updatedAt")),
        json.getString("spoolFile"),
        json.getBoolean("durable", false),
        Owner.fromJson(json.getJsonObject("owner")),
        BodyPart.listFromJson(json.getJsonArray("parts")));
  }
}
