package ftpgw.http;

import ftpgw.files.FilesClient;
import ftpgw.files.RemoteEntry;
import ftpgw.transfer.Failure;
import ftpgw.transfer.RemotePath;
import ftpgw.vertx.VertxInternals;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.MimeMapping;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET}/{@code HEAD /files/{path}}: a file streamed from the FTP server (RETR, from the REST
 * offset of a single Range), pulled one chunk at a time as the client takes it, with validators
 * (ETag from size and time, Last-Modified from MDTM/MLST) and conditional requests (RFC 9110
 * section 13); a folder is a listing.
 */
final class Downloads {
  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

  private final FilesClient files;
  private final Listings listings;
  private final Duration stall;

  /**
   * @param stall how long the FTP server may send nothing to a download whose client could take
   *     more
   */
  Downloads(FilesClient files, Listings listings, Duration stall) {
    this.files = files;
    this.listings = listings;
    this.stall = stall;
  }

  void get(RoutingContext ctx) {
    RemotePath path = FileRoutes.clientPath(ctx);
    String ftpPath = FileRoutes.ftpPath(ctx, path);
    files
        .stat(ftpPath, FileRoutes.ftpUser(ctx))
        .onSuccess(
            entry -> {
              if (entry.folder()) {
                listings.answer(ctx, path, ftpPath);
              } else if (Boolean.TRUE.equals(ctx.get(FileRoutes.FOLDER_URL))) {
                ctx.fail(Failure.NOT_FOUND.exception(path + " is a file, not a folder"));
              } else {
                serve(ctx, ftpPath, entry);
              }
            })
        .onFailure(ctx::fail);
  }

  static String etag(RemoteEntry entry) {
    long millis = entry.modified() == null ? 0 : entry.modified().toEpochMilli();
    return "\"" + Long.toHexString(entry.size()) + "-" + Long.toHexString(millis) + "\"";
  }

  static String httpDate(Instant instant) {
    return HTTP_DATE.format(ZonedDateTime.ofInstant(instant, ZoneOffset.UTC));
  }

  private void serve(RoutingContext ctx, String ftpPath, RemoteEntry entry) {
    HttpServerResponse response = ctx.response();
    String etag = etag(entry);
    Instant modified =
        entry.modified() == null ? null : entry.modified().truncatedTo(ChronoUnit.SECONDS);
    response
        .putHeader(HttpHeaders.ACCEPT_RANGES, "bytes")
        .putHeader(HttpHeaders.ETAG, etag)
        .putHeader(HttpHeaders.CONTENT_TYPE, contentType(entry.name()));
    if (modified != null) {
      response.putHeader(HttpHeaders.LAST_MODIFIED, httpDate(modified));
    }
    if (notModified(ctx, etag, modified)) {
      response.setStatusCode(304).end();
      return;
    }
    long size = entry.size();
    long start = 0;
    long length = size;
    ByteRange range = rangeToHonour(ctx, etag, modified, size);
    if (range != null) {
      if (!range.satisfiable(size)) {
        ctx.fail(
            Failure.RANGE_NOT_SATISFIABLE
                .exception(
                    "the range "
                        + ctx.request().getHeader("Range")
                        + " starts beyond the file's "
                        + size
                        + " bytes")
                .withHeader("Content-Range", "bytes */" + size));
        return;
      }
      start = range.first(size);
      length = range.last(size) - start + 1;
      response
          .setStatusCode(206)
          .putHeader("Content-Range", "bytes " + start + "-" + (start + length - 1) + "/" + size);
    }
    response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length));
    if (ctx.request().method() == HttpMethod.HEAD || length == 0) {
      response.end();
      return;
    }
    long from = start;
    long bytes = length;
    files
        .read(ftpPath, from, bytes, FileRoutes.ftpUser(ctx))
        .onSuccess(
            download -> {
              if (ctx.response().closed()) { // the client left while the RETR was set up
                download.cancel();
              } else if (download.dataConnection() != null) {
                DirectDownload.stream(ctx, download, bytes, from + bytes == size, stall);
              } else {
                stream(ctx, download, bytes);
              }
            })
        .onFailure(ctx::fail);
  }

  /**
   * Writes chunk after chunk, asking for the next only when the client's connection can take it
   * (its write queue drained): a slow client slows the RETR instead of filling memory. A client
   * that goes away ends the download, which frees the FTP connection.
   */
  private static void stream(RoutingContext ctx, FilesClient.Download download, long bytes) {
    HttpServerResponse response = ctx.response();
    boolean[] over = {false};
    // the next chunk is asked for while this one is written, so the client's connection does not
    // wait for a round trip to the relay: one chunk at most waits here. Exactly one party takes
    // each pulled chunk: the pump while it is registered on it, else the close handler.
    List<Future<Buffer>> ahead = new ArrayList<>(List.of(download.next()));
    boolean[] pumping = {false};
    response.closeHandler(
        v -> {
          if (!over[0]) {
            over[0] = true;
            download.cancel();
            if (!pumping[0]) {
              ahead.get(0).onSuccess(VertxInternals::giveBack);
            }
          }
        });
    long[] sent = {0};
    Runnable[] pump = new Runnable[1];
    pump[0] =
        () -> {
          if (over[0]) {
            return; // the close handler took the chunk on its way
          }
          pumping[0] = true;
          ahead
              .get(0)
              .onComplete(
                  result -> {
                    pumping[0] = false;
                    if (result.succeeded() && over[0]) {
                      VertxInternals.giveBack(result.result());
                    }
                    if (over[0]) {
                      return;
                    }
                    if (result.failed()) {
                      over[0] = true;
                      // after the headers: the connection is closed, the client sees a short body
                      ctx.fail(result.cause());
                      return;
                    }
                    Buffer chunk = result.result();
                    if (chunk.length() == 0 || sent[0] + chunk.length() >= bytes) {
                      over[0] = true;
                      if (chunk.length() > 0) {
                        write(response, chunk);
                      }
                      response.end();
                      return;
                    }
                    sent[0] += chunk.length();
                    ahead.set(0, download.next());
                    write(response, chunk);
                    if (response.writeQueueFull()) {
                      // once: the handler stays set and would pump again at every later drain
                      response.drainHandler(
                          d -> {
                            response.drainHandler(null);
                            pump[0].run();
                          });
                    } else {
                      pump[0].run();
                    }
                  });
        };
    pump[0].run();
  }

  /** Writes a chunk pulled from the relay, whose (direct) memory is given back once written. */
  private static void write(HttpServerResponse response, Buffer chunk) {
    response.write(chunk).onComplete(written -> VertxInternals.giveBack(chunk));
  }

  /**
   * If-None-Match wins over If-Modified-Since (RFC 9110 section 13.2.2); only GET and HEAD get 304.
   */
  private static boolean notModified(RoutingContext ctx, String etag, Instant modified) {
    String noneMatch = ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH);
    if (noneMatch != null) {
      return matchesAny(noneMatch, etag, true);
    }
    String since = ctx.request().getHeader(HttpHeaders.IF_MODIFIED_SINCE);
    Instant sinceTime = parseDate(since);
    return sinceTime != null && modified != null && !modified.isAfter(sinceTime);
  }

  /**
   * The Range to serve, or null for the whole file (no Range, several ranges, or an If-Range that
   * fails).
   */
  private static ByteRange rangeToHonour(
      RoutingContext ctx, String etag, Instant modified, long size) {
    String header = ctx.request().getHeader("Range");
    if (header == null) {
      return null;
    }
    String ifRange = ctx.request().getHeader("If-Range");
    if (ifRange != null) {
      boolean current =
          ifRange.startsWith("\"")
              ? ifRange.trim().equals(etag)
              : modified != null && modified.equals(parseDate(ifRange));
      if (!current) {
        return null;
      }
    }
    return ByteRange.parse(header);
  }

  /**
   * Whether a list of entity tags ("*", or a comma-separated list) names {@code etag} (weak
   * comparison).
   */
  static boolean matchesAny(String list, String etag, boolean weak) {
    if (list.trim().equals("*")) {
      return true;
    }
    for (String candidate : list.split(",")) {
      String tag = candidate.trim();
      if (weak && tag.startsWith("W/")) {
        tag = tag.substring(2);
      }
      if (tag.equals(etag)) {
        return true;
      }
    }
    return false;
  }

  static Instant parseDate(String value) {
    if (value == null) {
      return null;
    }
    try {
      return ZonedDateTime.parse(value.trim(), HTTP_DATE).toInstant();
    } catch (DateTimeParseException e) {
      return null; // an invalid date is ignored (RFC 9110 section 13.1.3)
    }
  }

  static String contentType(String name) {
    String type = MimeMapping.mimeTypeForFilename(name);
    return type == null ? "application/octet-stream" : type;
  }
}
