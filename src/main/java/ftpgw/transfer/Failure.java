package ftpgw.transfer;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * Every expected way an upload can fail, with the HTTP status it is answered with and its event-bus
 * code.
 */
public enum Failure {
  BAD_PATH(400),
  BAD_REQUEST(400),
  BAD_DIGEST(400),
  DIGEST_MISMATCH(400),
  MISSING_FILE_FIELD(400),
  LENGTH_REQUIRED(411),
  TOO_LARGE(413),
  UNSUPPORTED_MEDIA_TYPE(415),
  CLIENT_ABORTED(400),
  NOT_FOUND(404),
  CONFLICT(409),
  SPOOL_FULL(503),
  RELAY_UNAVAILABLE(503, true),
  /** the FTP server refused for good (a 5xx reply such as 530 or 553) */
  FTP_REFUSED(502),
  /** the FTP server refused for now (a 4xx reply such as 421, 425, 426, 450 or 451) */
  FTP_BUSY(502, true),
  FTP_UNREACHABLE(502, true),
  FTP_TIMEOUT(504, true),
  FTP_NO_SPACE(507, true),
  SHUTTING_DOWN(503, true),
  /**
   * a relay node received a body whose SHA-256 differs from the one taken on arrival (nothing was
   * published)
   */
  CORRUPTED_IN_TRANSIT(502, true),
  INTERNAL(500),
  /** no credentials, or wrong ones (answered with WWW-Authenticate) */
  UNAUTHORIZED(401),
  /**
   * a request sent with the web page's session cookie that changes something, without the session's
   * CSRF token
   */
  CSRF_TOKEN_MISSING(403),
  /**
   * too many failed logins from the client's address: blocked for a while (answered with
   * Retry-After)
   */
  LOGIN_BLOCKED(429),
  /** the user already has its most uploads in progress (auth.users[].maxConcurrentUploads) */
  TOO_MANY_UPLOADS(429),
  /** a WebDAV request the gateway refuses by design (e.g. PROPFIND with Depth: infinity) */
  FORBIDDEN(403),
  /** the method does not apply to the resource (e.g. MKCOL on a path that exists) */
  METHOD_NOT_ALLOWED(405),
  /**
   * a condition of the request does not hold (Overwrite: F onto an existing file, a failed If
   * header)
   */
  PRECONDITION_FAILED(412),
  /** a Range outside the file (answered with Content-Range: bytes *&#47;size) */
  RANGE_NOT_SATISFIABLE(416),
  /**
   * the resource is locked (WebDAV LOCK) without the lock's token in the request, or another tus
   * PATCH of the same upload is in progress
   */
  LOCKED(423),
  /**
   * the FTP server's TLS certificate is not trusted, or does not name it: permanent, waiting cannot
   * fix it
   */
  FTP_UNTRUSTED(502),
  /** the operator's pre-upload hook refused the upload (answered with the hook's own 4xx status) */
  HOOK_REFUSED(403),
  /** the pre-upload hook did not answer and hooks.preUploadOnTimeout is "deny" */
  HOOK_UNAVAILABLE(503),
  /** tus: the chunk's Upload-Checksum does not match what arrived (the chunk is dropped) */
  CHECKSUM_MISMATCH(460),
  /** tus: the request's Tus-Resumable names a protocol version the gateway does not speak */
  UNSUPPORTED_VERSION(412);

  private static final int BUS_CODE_BASE = 4000;

  private final int httpStatus;
  private final boolean retryable;

  Failure(int httpStatus) {
    this(httpStatus, false);
  }

  Failure(int httpStatus, boolean retryable) {
    this.httpStatus = httpStatus;
    this.retryable = retryable;
  }

  /** Whether a later attempt may succeed (the relay retries these with backoff). */
  public boolean retryable() {
    return retryable;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** The {@link ReplyException#failureCode()} that carries this failure across the event bus. */
  public int busCode() {
    return BUS_CODE_BASE + ordinal();
  }

  public GatewayException exception(String message) {
    return new GatewayException(this, message);
  }

  /**
   * Classifies any failure: our own, one that crossed the event bus, or an unexpected one ({@link
   * #INTERNAL}).
   */
  public static Failure of(Throwable error) {
    if (error instanceof GatewayException e) {
      return e.failure();
    }
    if (error instanceof ReplyException e) {
      if (e.failureType() == ReplyFailure.NO_HANDLERS) {
        return RELAY_UNAVAILABLE;
      }
      if (e.failureType() == ReplyFailure.TIMEOUT) {
        return FTP_TIMEOUT;
      }
      int index = e.failureCode() - BUS_CODE_BASE;
      if (index >= 0 && index < values().length) {
        return values()[index];
      }
    }
    return INTERNAL;
  }
}
