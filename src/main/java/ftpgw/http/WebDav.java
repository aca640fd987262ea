package ftpgw.http;

import ftpgw.files.FilesClient;
import ftpgw.files.RemoteEntry;
import ftpgw.transfer.Failure;
import ftpgw.transfer.RemotePath;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * WebDAV class 1 and 2 on {@code /files/} (RFC 4918): OPTIONS, PROPFIND (Depth 0 and 1; infinity is
 * refused with 403 as RFC 4918 section 9.1 allows), PROPPATCH (dead properties in {@link
 * DeadProps}, live ones refused with 403) and LOCK/UNLOCK (exclusive write locks in {@link
 * DavLocks}). GET, PUT, DELETE, MKCOL, MOVE and COPY are the plain HTTP routes.
 */
final class WebDav {
  static final String ALLOW =
      "OPTIONS, GET, HEAD, PUT, DELETE, MKCOL, MOVE, COPY, PROPFIND, PROPPATCH, LOCK, UNLOCK";
  private static final List<String> LIVE =
      List.of(
          "displayname",
          "resourcetype",
          "getcontentlength",
          "getlastmodified",
          "getetag",
          "getcontenttype",
          "supportedlock",
          "lockdiscovery");

  private final FilesClient files;
  private final DavLocks locks;
  private final DeadProps props;

  WebDav(FilesClient files, DavLocks locks, DeadProps props) {
    this.files = files;
    this.locks = locks;
    this.props = props;
  }

  void options(RoutingContext ctx) {
    ctx.response()
        .putHeader("DAV", "1, 2")
        .putHeader("MS-Author-Via", "DAV")
        .putHeader(HttpHeaders.ALLOW, ALLOW)
        .putHeader(HttpHeaders.CONTENT_LENGTH, "0")
        .end();
  }

  void propfind(RoutingContext ctx) {
    String depth = ctx.request().getHeader("Depth");
    if (depth == null || depth.equalsIgnoreCase("infinity")) {
      throw Failure.FORBIDDEN.exception(
          "PROPFIND with Depth: infinity is not served: use Depth 0 or 1");
    }
    if (!depth.equals("0") && !depth.equals("1")) {
      throw Failure.BAD_REQUEST.exception("Depth must be 0, 1 or infinity, got \"" + depth + "\"");
    }
    RemotePath path = FileRoutes.clientPath(ctx);
    String ftpPath = FileRoutes.ftpPath(ctx, path);
    String user = FileRoutes.ftpUser(ctx);
    DavXml.body(ctx.request())
        .compose(
            body -> {
              PropfindRequest asked = PropfindRequest.of(DavXml.parse(body));
              return files
                  .stat(ftpPath, user)
                  .compose(
                      self -> {
                        Future<List<RemoteEntry>> members =
                            self.folder() && depth.equals("1")
                                ? files.list(ftpPath, user)
                                : Future.succeededFuture(List.of());
                        return members.compose(
                            children ->
                                locks
                                    .all()
                                    .compose(
                                        held -> {
                                          List<Future<String>> responses = new ArrayList<>();
                                          responses.add(response(path, ftpPath, self, asked, held));
                                          for (RemoteEntry child : children) {
                                            responses.add(
                                                response(
                                                    path.resolve(RemotePath.fileName(child.name())),
                                                    FilesPaths.child(ftpPath, child.name()),
                                                    child,
                                                    asked,
                                                    held));
                                          }
                                          return Future.all(responses)
                                              .map(all -> multistatus(all.list()));
                                        }));
                      });
            })
        .onSuccess(xml -> answer(ctx, xml))
        .onFailure(ctx::fail);
  }

  private Future<String> response(
      RemotePath path,
      String ftpPath,
      RemoteEntry entry,
      PropfindRequest asked,
      List<DavLocks.Lock> held) {
    return props
        .of(ftpPath)
        .map(
            dead -> {
              Map<String, String> found = new LinkedHashMap<>();
              live(entry, path, ftpPath, held)
                  .forEach((name, value) -> found.put("{DAV:}" + name, value));
              dead.forEach(e -> found.put(e.getKey(), (String) e.getValue()));
              StringBuilder xml =
                  new StringBuilder("<D:response><D:href>")
                      .append(href(path, entry.folder()))
                      .append("</D:href>");
              List<String> missing = new ArrayList<>();
              StringBuilder ok = new StringBuilder();
              if (asked.names() == null) { // allprop or propname
                found.forEach(
                    (key, value) ->
                        ok.append(asked.namesOnly() ? DavXml.emptyElement(key) : value));
              } else {
                for (String key : asked.names()) {
                  if (found.containsKey(key)) {
                    ok.append(found.get(key));
                  } else {
                    missing.add(key);
                  }
                }
              }
              if (ok.length() > 0 || missing.isEmpty()) {
                xml.append(propstat(ok.toString(), "200 OK"));
              }
              if (!missing.isEmpty()) {
                StringBuilder absent = new StringBuilder();
                missing.forEach(key -> absent.append(DavXml.emptyElement(key)));
                xml.append(propstat(absent.toString(), "404 Not Found"));
              }
              return xml.append("</D:response>").toString();
            });
  }

  private static Map<String, String> live(
      RemoteEntry entry, RemotePath path, String ftpPath, List<DavLocks.Lock> held) {
    Map<String, String> live = new LinkedHashMap<>();
    String name = path.isEmpty() ? "" : path.name();
    live.put("displayname", "<D:displayname>" + DavXml.escape(name) + "</D:displayname>");
    live.put(
        "resourcetype",
        entry.folder() ? "<D:resourcetype><D:collection/></D:resourcetype>" : "<D:resourcetype/>");
    if (!entry.folder()) {
      live.put("getcontentlength", "<D:getcontentlength>" + entry.size() + "</D:getcontentlength>");
      live.put("getetag", "<D:getetag>" + DavXml.escape(Downloads.etag(entry)) + "</D:getetag>");
      live.put(
          "getcontenttype",
          "<D:getcontenttype>" + Downloads.contentType(entry.name()) + "</D:getcontenttype>");
    }
    if (entry.modified() != null) {
      live.put(
          "getlastmodified",
          "<D:getlastmodified>" + Downloads.httpDate(entry.modified()) + "</D:getlastmodified>");
    }
    live.put(
        "supportedlock",
        "<D:supportedlock><D:lockentry><D:lockscope><D:exclusive/></D:lockscope>"
            + "<D:locktype><D:write/></D:locktype></D:lockentry></D:supportedlock>");
    StringBuilder discovery = new StringBuilder("<D:lockdiscovery>");
    held.stream()
        .filter(l -> l.covers(ftpPath))
        .forEach(l -> discovery.append(LockRoutes.activeLock(l)));
    live.put("lockdiscovery", discovery.append("</D:lockdiscovery>").toString());
    return live;
  }

  void proppatch(RoutingContext ctx) {
    String ftpPath = FileRoutes.ftpPath(ctx);
    RemotePath path = FileRoutes.clientPath(ctx);
    locks
        .checkWrite(ctx, ftpPath)
        .compose(v -> DavXml.body(ctx.request()))
        .compose(
            body ->
                files
                    .stat(ftpPath, FileRoutes.ftpUser(ctx))
                    .compose(
                        entry -> {
                          Document doc = DavXml.parse(body);
                          if (doc == null
                              || !DavXml.is(doc.getDocumentElement(), "propertyupdate")) {
                            throw Failure.BAD_REQUEST.exception(
                                "PROPPATCH needs a DAV:propertyupdate body");
                          }
                          Map<String, String> set = new LinkedHashMap<>();
                          List<String> remove = new ArrayList<>();
                          List<String> all = new ArrayList<>();
                          List<String> refused = new ArrayList<>();
                          for (Element op : DavXml.children(doc.getDocumentElement())) {
                            Element prop = DavXml.child(op, "prop");
                            boolean setting = DavXml.is(op, "set");
                            if (prop == null || (!setting && !DavXml.is(op, "remove"))) {
                              throw Failure.BAD_REQUEST.exception(
                                  "propertyupdate holds only set and remove, each with a prop");
                            }
                            for (Element property : DavXml.children(prop)) {
                              String key = DavXml.key(property);
                              all.add(key);
                              if (DavXml.DAV.equals(property.getNamespaceURI())
                                  && LIVE.contains(property.getLocalName())) {
                                refused.add(
                                    key); // live properties come from the FTP server and cannot be
                                // set
                              } else if (setting) {
                                set.put(key, DavXml.serialize(property));
                                remove.remove(key);
                              } else {
                                remove.add(key);
                                set.remove(key);
                              }
                            }
                          }
                          Future<Boolean> applied =
                              refused.isEmpty()
                                  ? props.apply(ftpPath, set, remove)
                                  : Future.succeededFuture(false);
                          return applied.map(
                              ok -> {
                                StringBuilder xml =
                                    new StringBuilder("<D:response><D:href>")
                                        .append(href(path, entry.folder()))
                                        .append("</D:href>");
                                for (String key : all) {
                                  String status =
                                      ok
                                          ? "200 OK"
                                          : refused.contains(key)
                                              ? "403 Forbidden"
                                              : refused.isEmpty()
                                                  ? "507 Insufficient Storage"
                                                  : "424 Failed Dependency";
                                  xml.append(propstat(DavXml.emptyElement(key), status));
                                }
                                return multistatus(List.of(xml.append("</D:response>").toString()));
                              });
                        }))
        .onSuccess(xml -> answer(ctx, xml))
        .onFailure(ctx::fail);
  }

  static String href(RemotePath path, boolean folder) {
    StringBuilder href = new StringBuilder(FileRoutes.FILES).append('/');
    for (int i = 0; i < path.segments().size(); i++) {
      href.append(i == 0 ? "" : "/")
          .append(
              URLEncoder.encode(path.segments().get(i), StandardCharsets.UTF_8)
                  .replace("+", "%20"));
    }
    if (folder && !path.isEmpty()) {
      href.append('/');
    }
    return DavXml.escape(href.toString());
  }

  private static String propstat(String props, String status) {
    return "<D:propstat><D:prop>"
        + props
        + "</D:prop><D:status>HTTP/1.1 "
        + status
        + "</D:status></D:propstat>";
  }

  private static String multistatus(List<String> responses) {
    return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:multistatus xmlns:D=\"DAV:\">"
        + String.join("", responses)
        + "</D:multistatus>\n";
  }

  static void answer(RoutingContext ctx, String xml) {
    ctx.response()
        .setStatusCode(207)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/xml; charset=utf-8")
        .end(xml);
  }

  /**
   * What a PROPFIND asks for: names null for allprop (namesOnly for propname), else the properties
   * named.
   */
  private record PropfindRequest(List<String> names, boolean namesOnly) {
    static PropfindRequest of(Document doc) {
      if (doc == null) {
        return new PropfindRequest(null, false);
      }
      Element root = doc.getDocumentElement();
      if (!DavXml.is(root, "propfind")) {
        throw Failure.BAD_REQUEST.exception("PROPFIND's body must be a DAV:propfind element");
      }
      Element prop = DavXml.child(root, "prop");
      if (prop != null) {
        return new PropfindRequest(DavXml.children(prop).stream().map(DavXml::key).toList(), false);
      }
      if (DavXml.child(root, "propname") != null) {
        return new PropfindRequest(null, true);
      }
      if (DavXml.child(root, "allprop") != null) {
        return new PropfindRequest(null, false);
      }
      throw Failure.BAD_REQUEST.exception("PROPFIND's body must hold prop, propname or allprop");
    }
  }
}
