package ftpgw.http;

import ftpgw.spool.SpooledBody;
import ftpgw.transfer.Failure;
import ftpgw.transfer.GatewayException;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.streams.ReadStream;
import java.util.function.Function;

/**
 * Reads the seed's multipart form: exactly one file part named {@code file} (streamed by the given
 * receiver) and an optional {@code path} field naming the target folder. Other fields are read and
 * ignored.
 */
final class MultipartReceiver {
  static final String FILE_FIELD = "file";
  static final String FOLDER_FIELD = "path";

  /** The spooled file, the name the client gave it and the folder it asked for (may be null). */
  record Received(SpooledBody body, String fileName, String folder) {}

  private final Promise<Received> result = Promise.promise();
  private Future<SpooledBody> file;
  private FilePart part;

  /**
   * Why the form is refused whatever its file part reports (a truncated body: the part's reader
   * fails too).
   */
  private Throwable verdict;

  private String fileName;
  private String queryFolder;

  MultipartReceiver(
      Vertx vertx,
      HttpServerRequest request,
      Function<ReadStream<Buffer>, Future<SpooledBody>> receiver) {
    request.setExpectMultipart(true);
    request.uploadHandler(
        upload -> {
          if (!FILE_FIELD.equals(upload.name())) {
            upload.handler(ignored -> {});
            return;
          }
          if (file != null) {
            upload.handler(ignored -> {});
            fail(
                Failure.BAD_REQUEST.exception(
                    "send one file per request: the form has more than one \"file\" field"));
            return;
          }
          fileName = upload.filename();
          part = new FilePart(upload);
          file = receiver.apply(part);
          file.onFailure(this::fail);
        });
    request.exceptionHandler(e -> fail(failureOf(e)));
    request.endHandler(
        v -> {
          if (file == null) {
            fail(
                Failure.MISSING_FILE_FIELD.exception(
                    "the multipart form has no file field named \"file\""));
            return;
          }
          String folder = request.getFormAttribute(FOLDER_FIELD);
          part.requestEnded(vertx, truncated -> verdict = truncated);
          file.onComplete(done -> part.settled(vertx));
          file.onSuccess(
              body ->
                  result.tryComplete(
                      new Received(body, fileName, folder != null ? folder : queryFolder)));
        });
  }

  /**
   * Netty's form decoder fails with exceptions that have no message: a form over the limits or
   * malformed is the client's mistake and is answered as such, not as an upload that "broke off:
   * null".
   */
  static GatewayException failureOf(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof HttpPostRequestDecoder.TooManyFormFieldsException) {
        return Failure.TOO_LARGE.exception(
            "the form has too many fields: at most "
                + HttpServerOptions.DEFAULT_MAX_FORM_FIELDS
                + " are read; send the file and the path field only");
      }
      if (cause instanceof HttpPostRequestDecoder.TooLongFormFieldException) {
        return Failure.TOO_LARGE.exception(
            "a form field other than the file is too long: at most "
                + HttpServerOptions.DEFAULT_MAX_FORM_BUFFERED_SIZE
                + " bytes");
      }
      if (cause instanceof HttpPostRequestDecoder.ErrorDataDecoderException
          || cause instanceof io.netty.handler.codec.DecoderException) {
        return Failure.BAD_REQUEST.exception("the request body is not valid: " + describe(cause));
      }
    }
    return Failure.CLIENT_ABORTED.exception("the upload broke off: " + describe(error));
  }

  private static String describe(Throwable error) {
    return error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName();
  }

  /** A folder given as a query parameter ({@code ?path=}); the form field wins. */
  void folder(String folder) {
    this.queryFolder = folder;
  }

  Future<Received> received() {
    return result.future();
  }

  /**
   * Fails the form once its file part, if any, has finished with the spool: the caller then
   * discards the spool file, which must not be created (or still be written) after that.
   */
  private void fail(Throwable failure) {
    Throwable error = verdict != null ? verdict : failure;
    if (file == null || file.isComplete()) {
      result.tryFail(error);
    } else {
      file.onComplete(done -> result.tryFail(error));
    }
  }
}
