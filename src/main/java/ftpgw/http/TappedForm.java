package ftpgw.http;

import ftpgw.spool.SpooledBody;
import ftpgw.transfer.Failure;
import ftpgw.vertx.VertxInternals;
import io.netty.buffer.ByteBuf;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.streams.ReadStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Function;

/**
 * Reads the seed's multipart form from a body the {@link BodyTap} took, instead of Vert.x's
 * decoder: the file part reaches the spool as slices of Netty's pooled chunks, as a {@code PUT}
 * body does, where the decoder would copy every chunk to the heap (twice) and leave it as garbage.
 * Same form as {@link MultipartReceiver}: one part named {@code file} with a file name, an optional
 * {@code path} field, other parts read and ignored.
 *
 * <p>Runs on the connection's event loop. The search for the boundary reads about one byte in the
 * delimiter's length (Horspool) and copies nothing; a boundary split across two chunks is held back
 * as the part of it that matched.
 */
final class TappedForm {
  private static final int MAX_PART_HEAD = 16 * 1024;
  private static final int MAX_FIELD = 16 * 1024;

  private enum State {
    BODY,
    AFTER_DELIMITER,
    PART_HEAD,
    EPILOGUE,
    DONE
  }

  /**
   * The file part begins: its bytes, the file name and the folder known so far (a {@code path}
   * field after the file may still change it), and how long the file is if it is the form's last
   * part with nothing after the closing delimiter (-1 when the body's length is unknown): a
   * prediction, which the caller must check against what {@link #received()} gives.
   */
  record FileStart(ReadStream<Buffer> part, String fileName, String folder, long bytesIfLast) {}

  private enum Part {
    SKIPPED,
    FILE,
    FOLDER
  }

  private final TappedBody body;
  private final byte[] delimiter;

  /**
   * How far the search may move on when a byte is under the delimiter's last
   * (Boyer-Moore-Horspool).
   */
  private final int[] skip = new int[256];

  /**
   * Parts seen so far: bounded as Vert.x's decoder bounds form fields, so a form cannot go on for
   * ever.
   */
  private int parts;

  private final Function<FileStart, Future<SpooledBody>> receiver;
  private final Promise<MultipartReceiver.Received> result = Promise.promise();
  private final ByteArrayOutputStream small = new ByteArrayOutputStream();
  private State state = State.BODY;
  private Part part = Part.SKIPPED; // the preamble

  /** Leading bytes of the delimiter matched at the end of the bytes read so far. */
  private int matched = 2; // the body starts with the first delimiter, without the CRLF before it

  private TappedFilePart file;
  private Future<SpooledBody> spooled;
  private String fileName;
  private String formFolder;
  private String queryFolder;
  private long declared = -1;

  /** Body bytes read before the current chunk's reader index, minus that index. */
  private long chunkBase;

  private Throwable failure;

  /**
   * The last four bytes of the part head read so far, to see its end without decoding it each time.
   */
  private int headTail;

  /**
   * Reads {@code body} (multipart with {@code boundary}); {@code receiver} spools the file part.
   */
  TappedForm(TappedBody body, String boundary, Function<FileStart, Future<SpooledBody>> receiver) {
    this.body = body;
    this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    java.util.Arrays.fill(skip, delimiter.length);
    for (int k = 0; k < delimiter.length - 1; k++) {
      skip[delimiter[k] & 0xff] = delimiter.length - 1 - k;
    }
    this.receiver = receiver;
    TapMeters.formTapped();
    body.exceptionHandler(
        e -> fail(Failure.CLIENT_ABORTED.exception("the upload broke off: " + e.getMessage())));
    body.endHandler(v -> ended());
    body.handler(this::read);
    body.resume();
  }

  /**
   * The boundary named in a multipart Content-Type, or a 400 when it has none usable (RFC 2046: 1
   * to 70 characters, none of them CR or LF).
   */
  static String boundaryOf(String contentType) {
    for (String param : contentType.split(";")) {
      String[] pair = param.trim().split("=", 2);
      if (pair.length == 2 && pair[0].trim().toLowerCase(Locale.ROOT).equals("boundary")) {
        String value = pair[1].trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        if (!value.isEmpty()
            && value.length() <= 70
            && value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
          return value;
        }
      }
    }
    throw Failure.BAD_REQUEST.exception(
        "the multipart Content-Type names no usable boundary: " + contentType);
  }

  /** A folder given as a query parameter ({@code ?path=}); the form field wins. */
  void folder(String folder) {
    this.queryFolder = folder;
  }

  /** The body's Content-Length, for the file's predicted length. */
  void declaredLength(long bytes) {
    this.declared = bytes;
  }

  Future<MultipartReceiver.Received> received() {
    return result.future();
  }

  private void read(Buffer lent) {
    ByteBuf chunk = VertxInternals.lentByteBuf(lent);
    try {
      int pos = chunk.readerIndex();
      int end = chunk.writerIndex();
      chunkBase -= pos;
      while (pos < end && state != State.DONE) {
        pos =
            switch (state) {
              case BODY -> body(chunk, pos, end);
              case AFTER_DELIMITER -> afterDelimiter(chunk, pos, end);
              case PART_HEAD -> partHead(chunk, pos, end);
              default -> end; // the epilogue is ignored
            };
      }
    } catch (RuntimeException e) {
      fail(e);
    } finally {
      chunkBase += chunk.writerIndex();
      TappedBody.giveBack(lent); // slices given to the file part hold their own reference
    }
    if (file != null && !file.takesMore() && state != State.DONE) {
      body.pause(); // the spool has enough: the connection waits until it takes more
    }
  }

  /** Part bytes up to the next delimiter; returns where reading goes on. */
  private int body(ByteBuf chunk, int pos, int end) {
    if (matched > 0) { // a delimiter began at the end of the previous chunk
      while (matched < delimiter.length && pos < end && chunk.getByte(pos) == delimiter[matched]) {
        matched++;
        pos++;
      }
      if (matched == delimiter.length) {
        return delimiterFound(pos);
      }
      if (pos == end) {
        return end;
      }
      // not a delimiter after all: those bytes were the part's (only the first of them is a CR)
      emit(Buffer.buffer().appendBytes(delimiter, 0, matched));
      matched = 0;
    }
    // Horspool: look at the byte under the delimiter's last one and skip by where that byte last
    // occurs in the
    // delimiter; on random data about one byte in the delimiter's length is read
    int from = pos;
    int last = delimiter.length - 1;
    int at = pos;
    while (at + last < end) {
      byte under = chunk.getByte(at + last);
      if (under == delimiter[last] && delimiterAt(chunk, at, delimiter.length)) {
        emit(chunk, from, at);
        return delimiterFound(at + delimiter.length);
      }
      at += skip[under & 0xff];
    }
    // the positions skipped cannot start a delimiter (a byte inside this chunk differs): the rest
    // may start one
    for (; at < end; at++) {
      if (delimiterAt(chunk, at, end - at)) {
        emit(chunk, from, at);
        matched = end - at; // held back until the next chunk says whether it is a delimiter
        return end;
      }
    }
    emit(chunk, from, end);
    return end;
  }

  /** Whether the {@code length} bytes at {@code at} are the delimiter's first {@code length}. */
  private boolean delimiterAt(ByteBuf chunk, int at, int length) {
    for (int k = 0; k < length; k++) {
      if (chunk.getByte(at + k) != delimiter[k]) {
        return false;
      }
    }
    return true;
  }

  private int delimiterFound(int pos) {
    matched = 0;
    endPart();
    small.reset();
    state = State.AFTER_DELIMITER;
    return pos;
  }

  /** "--" closes the form, CRLF starts another part (transport padding before it is allowed). */
  private int afterDelimiter(ByteBuf chunk, int pos, int end) {
    while (pos < end) {
      small.write(chunk.getByte(pos++));
      String seen = small.toString(StandardCharsets.ISO_8859_1);
      if (seen.equals("--")) {
        state = State.EPILOGUE;
        return pos;
      }
      if (seen.endsWith("\r\n") && seen.substring(0, seen.length() - 2).isBlank()) {
        small.reset();
        state = State.PART_HEAD;
        return pos;
      }
      if (!seen.isBlank() && !seen.equals("-") && !seen.endsWith("\r") || seen.length() > 64) {
        throw Failure.BAD_REQUEST.exception("the multipart form has garbage after a boundary");
      }
    }
    return pos;
  }

  /** A part's headers, up to the empty line. */
  private int partHead(ByteBuf chunk, int pos, int end) {
    while (pos < end) {
      byte b = chunk.getByte(pos++);
      small.write(b);
      headTail = headTail << 8 | b & 0xff;
      int n = small.size();
      if (headTail == 0x0d0a0d0a) {
        startPart(small.toString(StandardCharsets.UTF_8), chunkBase + pos);
        small.reset();
        headTail = 0;
        state = State.BODY;
        return pos;
      }
      if (n > MAX_PART_HEAD) {
        throw Failure.BAD_REQUEST.exception(
            "a part's headers are longer than " + MAX_PART_HEAD + " bytes");
      }
    }
    return pos;
  }

  /** A part whose data begins after {@code offset} bytes of the body. */
  private void startPart(String head, long offset) {
    if (++parts > HttpServerOptions.DEFAULT_MAX_FORM_FIELDS) {
      throw Failure.TOO_LARGE.exception(
          "the form has too many fields: at most "
              + HttpServerOptions.DEFAULT_MAX_FORM_FIELDS
              + " are read; send the file and the path field only");
    }
    String name = null;
    String partFileName = null;
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-disposition")) {
        name = param(line.substring(colon + 1), "name");
        partFileName = param(line.substring(colon + 1), "filename");
      }
    }
    part = Part.SKIPPED;
    if (MultipartReceiver.FILE_FIELD.equals(name) && partFileName != null) {
      if (file != null) {
        throw Failure.BAD_REQUEST.exception(
            "send one file per request: the form has more than one \"file\" field");
      }
      part = Part.FILE;
      fileName = partFileName;
      file = new TappedFilePart(this::fileTakesMore);
      // if the file is last: the body's rest is the file, CRLF--boundary--CRLF
      long bytesIfLast = declared < 0 ? -1 : declared - offset - delimiter.length - 4;
      spooled =
          receiver.apply(
              new FileStart(
                  file, fileName, formFolder != null ? formFolder : queryFolder, bytesIfLast));
      spooled.onFailure(this::fail);
    } else if (MultipartReceiver.FOLDER_FIELD.equals(name) && partFileName == null) {
      part = Part.FOLDER;
    }
  }

  /**
   * A parameter of a Content-Disposition value ({@code name="x"} or {@code name=x}), or null. A
   * quoted value is read as RFC 7578 and RFC 9110 quoted-strings are: up to its closing quote, so a
   * {@code ;} inside it stays part of the name, and a backslash keeps the character after it
   * ({@code \"} is a quote).
   */
  static String param(String value, String key) {
    int i = 0;
    int n = value.length();
    while (i < n) {
      while (i < n
          && (value.charAt(i) == ';' || value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
        i++;
      }
      int eq = i;
      while (eq < n && value.charAt(eq) != '=' && value.charAt(eq) != ';') {
        eq++;
      }
      String k = value.substring(i, eq).trim();
      if (eq >= n || value.charAt(eq) == ';') {
        i = eq;
        continue;
      }
      int at = eq + 1;
      while (at < n && value.charAt(at) == ' ') {
        at++;
      }
      StringBuilder v = new StringBuilder();
      boolean quoted = at < n && value.charAt(at) == '"';
      if (quoted) {
        for (at++; at < n && value.charAt(at) != '"'; at++) {
          char c = value.charAt(at);
          if (c == '\\' && at + 1 < n) {
            c = value.charAt(++at);
          }
          v.append(c);
        }
        at++;
      } else {
        for (; at < n && value.charAt(at) != ';'; at++) {
          v.append(value.charAt(at));
        }
      }
      if (k.equalsIgnoreCase(key)) {
        return quoted ? v.toString() : v.toString().trim();
      }
      i = at;
    }
    return null;
  }

  private void emit(ByteBuf chunk, int from, int to) {
    if (to > from) {
      emit(
          part == Part.FILE
              ? VertxInternals.lend(chunk.retainedSlice(from, to - from))
              : Buffer.buffer().appendBytes(bytes(chunk, from, to)));
    }
  }

  private static byte[] bytes(ByteBuf chunk, int from, int to) {
    byte[] copy = new byte[to - from];
    chunk.getBytes(from, copy);
    return copy;
  }

  private void emit(Buffer bytes) {
    switch (part) {
      case FILE -> file.offer(bytes);
      case FOLDER -> {
        if (small.size() + bytes.length() > MAX_FIELD) {
          throw Failure.BAD_REQUEST.exception(
              "the \"path\" field is longer than " + MAX_FIELD + " bytes");
        }
        small.writeBytes(bytes.getBytes());
      }
      default -> {} // the preamble and parts the gateway does not use
    }
  }

  private void endPart() {
    if (part == Part.FILE) {
      file.end();
    } else if (part == Part.FOLDER) {
      formFolder = small.toString(StandardCharsets.UTF_8);
    }
    part = Part.SKIPPED;
  }

  private void fileTakesMore() {
    if (state != State.DONE) {
      body.resume();
    }
  }

  private void ended() {
    if (state == State.DONE) {
      return;
    }
    if (state != State.EPILOGUE) {
      fail(Failure.BAD_REQUEST.exception("the multipart form ends before its closing boundary"));
      return;
    }
    state = State.DONE;
    if (file == null) {
      result.tryFail(
          Failure.MISSING_FILE_FIELD.exception(
              "the multipart form has no file field named \"file\""));
      return;
    }
    spooled.onSuccess(
        spooledBody ->
            result.tryComplete(
                new MultipartReceiver.Received(
                    spooledBody, fileName, formFolder != null ? formFolder : queryFolder)));
  }

  /**
   * Stops reading the form and fails it once its file part, if any, has finished with the spool:
   * the caller then discards the spool file, which must not be created (or still be written) after
   * that. The rest of the body is dropped (by the tap, once the failure is answered).
   */
  private void fail(Throwable error) {
    if (failure != null || result.future().isComplete()) {
      return; // the first reason is the answer (the spool then fails too, as told)
    }
    failure = error;
    state = State.DONE;
    body.resume(); // whatever still arrives is given back unread
    if (file != null) {
      file.fail(error);
    }
    if (spooled == null || spooled.isComplete()) {
      result.tryFail(error);
    } else {
      spooled.onComplete(done -> result.tryFail(error));
    }
  }
}
