package ftpgw.http;

import ftpgw.transfer.Failure;
import ftpgw.transfer.RemotePath;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per upload when its answer is sent (or its connection is gone), under the logger {@code
 * ftpgw.access}: {@code transfer=... user=... method=PUT path=... bytes=... ms=... status=201
 * outcome=delivered}. Key=value, so that grep and log shippers can take it apart.
 */
final class AccessLog {
  private static final Logger log = LoggerFactory.getLogger("ftpgw.access");

  /** Context keys the upload handler fills in as it learns them. */
  static final String TRANSFER_ID = "access.transferId";

  static final String BYTES = "access.bytes";
  static final String PATH = "access.path";

  private AccessLog() {}

  /** Logs the upload's line when its request ends, however it ends. */
  static void track(RoutingContext ctx) {
    long started = System.nanoTime();
    ctx.addEndHandler(
        ended -> {
          int status = ctx.response().getStatusCode();
          String outcome;
          if (ended.failed() || !ctx.response().headWritten()) {
            status = 0;
            outcome =
                "CLIENT_GONE"; // the connection closed before any answer: the client broke off
          } else if (status == 201) {
            outcome = "delivered";
          } else if (status == 202) {
            outcome = "accepted";
          } else {
            outcome = ctx.failure() == null ? "HTTP_" + status : Failure.of(ctx.failure()).name();
          }
          Object path =
              ctx.get(PATH) != null
                  ? ctx.get(PATH)
                  : ctx.<RemotePath>get(UploadHandler.REMOTE_PATH);
          Object bytes = ctx.get(BYTES);
          log.info(
              "transfer={} user={} method={} path={} bytes={} ms={} status={} outcome={}",
              value(ctx.get(TRANSFER_ID)),
              quoted(AuthRoutes.caller(ctx).name()),
              ctx.request().method(),
              quoted(path),
              value(bytes),
              (System.nanoTime() - started) / 1_000_000,
              status,
              outcome);
        });
  }

  private static String value(Object value) {
    return value == null ? "-" : value.toString();
  }

  /**
   * Names may hold spaces or quotes: quoted, so that a line splits the same way whatever was
   * uploaded.
   */
  private static String quoted(Object value) {
    return value == null
        ? "-"
        : "\"" + value.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
