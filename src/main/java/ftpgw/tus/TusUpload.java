package ftpgw.tus;

import ftpgw.transfer.Owner;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * One tus upload as the gateway keeps it ({@code <id>.info} beside {@code <id>.body} under {@code
 * spool/tus/}).
 *
 * @param id the upload's id, also its spool reservation's and its transfer's id
 * @param path where it lands, under its owner's folder; null for a partial upload
 * @param length its declared length, or {@link #DEFERRED} while the client has not said it
 * @param offset bytes received and fsynced: what {@code HEAD} reports
 * @param metadata the client's {@code Upload-Metadata} header as sent (echoed by {@code HEAD})
 * @param concat {@code partial}, {@code final}, or null for a plain upload
 * @param parts a final upload's partial uploads, in order
 * @param handedOver whether the whole body was handed to the delivery (its transfer is journalled)
 * @param sha256 the whole body's SHA-256 once it was handed over
 */
public record TusUpload(
    String id,
    String path,
    Owner owner,
    long length,
    long offset,
    String metadata,
    String concat,
    List<String> parts,
    Instant createdAt,
    Instant expiresAt,
    boolean handedOver,
    String sha256) {
  public static final long DEFERRED = -1;
  static final String PARTIAL = "partial";
  static final String FINAL = "final";

  public TusUpload {
    parts = parts == null ? List.of() : List.copyOf(parts);
  }

  boolean lengthKnown() {
    return length != DEFERRED;
  }

  boolean complete() {
    return lengthKnown() && offset == length;
  }

  boolean partial() {
    return PARTIAL.equals(concat);
  }

  boolean isFinal() {
    return FINAL.equals(concat);
  }

  boolean expired(Instant now) {
    return expiresAt.isBefore(now);
  }

  /** Whether {@code caller} may touch it: everyone without authentication, else only its owner. */
  boolean visibleTo(Owner caller) {
    return caller == null || (owner != null && owner.name().equals(caller.name()));
  }

  TusUpload withOffset(long newOffset, Instant newExpiry) {
    return new TusUpload(
        id,
        path,
        owner,
        length,
        newOffset,
        metadata,
        concat,
        parts,
        createdAt,
        newExpiry,
        handedOver,
        sha256);
  }

  TusUpload withLength(long newLength) {
    return new TusUpload(
        id,
        path,
        owner,
        newLength,
        offset,
        metadata,
        concat,
        parts,
        createdAt,
        expiresAt,
        handedOver,
        sha256);
  }

  TusUpload handedOver(String wholeSha256) {
    return new TusUpload(
        id,
        path,
        owner,
        length,
        offset,
        metadata,
        concat,
        parts,
        createdAt,
        expiresAt,
        true,
        wholeSha256);
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("path", path)
        .put("owner", owner == null ? null : owner.toJson())
        .put("length", length)
        .put("offset", offset)
        .put("metadata", metadata)
        .put("concat", concat)
        .put("parts", new JsonArray(List.copyOf(parts)))
        .put("createdAt", createdAt.toString())
        .put("expiresAt", expiresAt.toString())
        .put("handedOver", handedOver)
        .put("sha256", sha256);
  }

  static TusUpload fromJson(JsonObject json) {
    JsonArray parts = json.getJsonArray("parts", new JsonArray());
    return new TusUpload(
        json.getString("id"),
        json.getString("path"),
        Owner.fromJson(json.getJsonObject("owner")),
        json.getLong("length"),
        json.getLong("offset"),
        json.getString("metadata"),
        json.getString("concat"),
        parts.stream().map(String::valueOf).toList(),
        Instant.parse(json.getString("createdAt")),
        Instant.parse(json.getString("expiresAt")),
        json.getBoolean("handedOver", false),
        json.getString("sha256"));
  }
}
