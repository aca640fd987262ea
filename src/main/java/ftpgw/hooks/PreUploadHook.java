package ftpgw.hooks;

import ftpgw.config.HooksConfig;
import ftpgw.transfer.Failure;
import ftpgw.transfer.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the operator's {@code pre-upload} hook whether an upload may go ahead, before a byte of its
 * body is read. The hook answers 2xx to allow, 4xx to refuse (the client gets that status and the
 * hook's {@code message}); a 5xx, an unreachable hook or no answer within {@code
 * hooks.preUploadTimeoutMs} allows or refuses as configured.
 */
public final class PreUploadHook {
  private static final Logger log = LoggerFactory.getLogger(PreUploadHook.class);

  private final HooksConfig config;
  private final HookSignature signature;
  private final HttpClient client; // a field: Vert.x 5 closes clients that become unreachable

  public PreUploadHook(Vertx vertx, HooksConfig config) {
    this.config = config;
    this.signature = new HookSignature(config.secret());
    URI uri = config.preUpload();
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setSsl("https".equals(uri.getScheme()))
                .setConnectTimeout(
                    (int) Math.min(Integer.MAX_VALUE, config.preUploadTimeout().toMillis())));
  }

  /**
   * Succeeds when the upload may go ahead; fails with a {@link HookRefusal} carrying the status to
   * answer with.
   *
   * @param declaredLength the Content-Length, or null when the body is chunked
   */
  public Future<Void> check(String method, String path, String user, Long declaredLength) {
    long timestamp = Instant.now().getEpochSecond();
    String body =
        new JsonObject()
            .put("hook", "pre-upload")
            .put("method", method)
            .put("path", path)
            .put("user", user)
            .put("declaredLength", declaredLength)
            .encode();
    URI uri = config.preUpload();
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(uri.toString())
            .setIdleTimeout(config.preUploadTimeout().toMillis())
            .putHeader("Content-Type", "application/json")
            .putHeader(HookSignature.HOOK_HEADER, "pre-upload")
            .putHeader(HookSignature.TIMESTAMP_HEADER, String.valueOf(timestamp))
            .putHeader(HookSignature.SIGNATURE_HEADER, signature.sign(timestamp, body));
    return client
        .request(options)
        .compose(request -> request.send(body))
        .compose(response -> response.body().map(answer -> decide(response.statusCode(), answer)))
        .timeout(config.preUploadTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .recover(e -> e instanceof HookRefusal ? Future.failedFuture(e) : unanswered(e))
        .mapEmpty();
  }

  private Void decide(int status, Buffer answer) {
    if (status >= 200 && status < 300) {
      return null;
    }
    if (status >= 400 && status < 500) {
      throw new HookRefusal(status, message(answer, status));
    }
    throw Failure.HOOK_UNAVAILABLE.exception("the pre-upload hook answered " + status);
  }

  private Future<Void> unanswered(Throwable error) {
    if (config.allowOnTimeout()) {
      log.warn(
          "Pre-upload hook {} did not answer ({}); the upload goes ahead (hooks.preUploadOnTimeout allow)",
          config.preUpload(),
          error.getMessage());
      return Future.succeededFuture();
    }
    log.warn(
        "Pre-upload hook {} did not answer ({}); the upload is refused (hooks.preUploadOnTimeout deny)",
        config.preUpload(),
        error.getMessage());
    return Future.failedFuture(
        Failure.HOOK_UNAVAILABLE.exception(
            "the upload cannot be checked now (the pre-upload"
                + " hook did not answer); retry shortly"));
  }

  private static String message(Buffer answer, int status) {
    String text = answer.toString().trim();
    try {
      String message = new JsonObject(text).getString("message");
      if (message != null) {
        return message;
      }
    } catch (DecodeException | ClassCastException notJson) {
      // a plain-text answer is the message itself
    }
    return text.isEmpty()
        ? "refused by the pre-upload hook (" + status + ")"
        : text.substring(0, Math.min(text.length(), 500));
  }

  /** The hook refused: the client is answered with the hook's own status and message. */
  public static final class HookRefusal extends RuntimeException {
    private final int status;

    HookRefusal(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    public int status() {
      return status;
    }

    public GatewayException asFailure() {
      return Failure.HOOK_REFUSED.exception(getMessage());
    }
  }
}
