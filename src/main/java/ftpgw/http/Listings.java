package ftpgw.http;

import ftpgw.files.FilesClient;
import ftpgw.files.RemoteEntry;
import ftpgw.transfer.RemotePath;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;

/**
 * {@code GET /files/{dir}/}: {@code {path, entries: [{name, type, size, modified}]}} from MLSD
 * (LIST where the server has no MLSD), or a plain HTML index when the client asks for {@code
 * text/html} (a browser).
 */
final class Listings {
  private final FilesClient files;

  Listings(FilesClient files) {
    this.files = files;
  }

  void answer(RoutingContext ctx, RemotePath path, String ftpPath) {
    files
        .list(ftpPath, FileRoutes.ftpUser(ctx))
        .onSuccess(
            entries -> {
              List<RemoteEntry> sorted =
                  entries.stream()
                      .sorted(
                          Comparator.comparing((RemoteEntry e) -> !e.folder())
                              .thenComparing(RemoteEntry::name))
                      .toList();
              String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
              if (accept != null && accept.contains("text/html")) {
                ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
                    .end(html(path, sorted));
              } else {
                ctx.json(
                    new JsonObject()
                        .put("path", path.toString())
                        .put(
                            "entries",
                            new JsonArray(sorted.stream().map(RemoteEntry::toJson).toList())));
              }
            })
        .onFailure(ctx::fail);
  }

  private static String html(RemotePath path, List<RemoteEntry> entries) {
    String title = "/" + path + (path.isEmpty() ? "" : "/");
    StringBuilder page =
        new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index of ")
            .append(escape(title))
            .append("</title></head><body>\n<h1>Index of ")
            .append(escape(title))
            .append("</h1>\n<table>\n<tr><th>name</th><th>size</th><th>modified</th></tr>\n");
    if (!path.isEmpty()) {
      page.append("<tr><td><a href=\"../\">../</a></td><td></td><td></td></tr>\n");
    }
    for (RemoteEntry entry : entries) {
      String href =
          URLEncoder.encode(entry.name(), StandardCharsets.UTF_8).replace("+", "%20")
              + (entry.folder() ? "/" : "");
      page.append("<tr><td><a href=\"")
          .append(href)
          .append("\">")
          .append(escape(entry.name()))
          .append(entry.folder() ? "/" : "")
          .append("</a></td><td>")
          .append(entry.folder() ? "" : entry.size())
          .append("</td><td>")
          .append(entry.modified() == null ? "" : entry.modified())
          .append("</td></tr>\n");
    }
    return page.append("</table>\n</body></html>\n").toString();
  }

  static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
