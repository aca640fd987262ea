package ftpgw.http;

import ftpgw.files.FilesClient;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The WebDAV {@code If} header (RFC 4918 section 10.4): lists of conditions (lock tokens, entity
 * tags, each optionally negated), each list optionally tagged with the resource it is about. The
 * header holds when any list does; every lock token in it counts as submitted.
 */
final class IfHeader {
  private record Condition(boolean not, String token, String etag) {}

  private record ConditionList(String resource, List<Condition> conditions) {}

  private final List<ConditionList> lists;

  private IfHeader(List<ConditionList> lists) {
    this.lists = lists;
  }

  /**
   * A missing header holds; a malformed one holds for no resource (its lists are dropped where
   * unreadable).
   */
  static IfHeader parse(String header) {
    List<ConditionList> lists = new ArrayList<>();
    if (header == null) {
      return new IfHeader(lists);
    }
    String resource = null;
    int i = 0;
    int n = header.length();
    while (i < n) {
      char c = header.charAt(i);
      if (c == '<') {
        int end = header.indexOf('>', i);
        if (end < 0) {
          break;
        }
        resource = header.substring(i + 1, end);
        i = end + 1;
      } else if (c == '(') {
        int end = header.indexOf(')', i);
        if (end < 0) {
          break;
        }
        lists.add(new ConditionList(resource, conditions(header.substring(i + 1, end))));
        i = end + 1;
      } else {
        i++;
      }
    }
    return new IfHeader(lists);
  }

  private static List<Condition> conditions(String list) {
    List<Condition> conditions = new ArrayList<>();
    boolean not = false;
    int i = 0;
    while (i < list.length()) {
      char c = list.charAt(i);
      if (list.startsWith("Not", i)) {
        not = true;
        i += 3;
      } else if (c == '<' || c == '[') {
        int end = list.indexOf(c == '<' ? '>' : ']', i);
        if (end < 0) {
          break;
        }
        String value = list.substring(i + 1, end);
        conditions.add(
            c == '<' ? new Condition(not, value, null) : new Condition(not, null, value));
        not = false;
        i = end + 1;
      } else {
        i++;
      }
    }
    return conditions;
  }

  /** Every lock token the header names. */
  Set<String> tokens() {
    Set<String> tokens = new HashSet<>();
    lists.forEach(
        l -> l.conditions.stream().filter(c -> c.token != null).forEach(c -> tokens.add(c.token)));
    return tokens;
  }

  /** Whether the header holds for a request on {@code path} (FTP path), given the live locks. */
  Future<Boolean> holds(
      RoutingContext ctx, String path, List<DavLocks.Lock> locks, FilesClient files) {
    if (lists.isEmpty()) {
      return Future.succeededFuture(true);
    }
    Map<String, Future<String>> etags = new HashMap<>();
    List<String> resources = new ArrayList<>();
    for (ConditionList list : lists) {
      String resource = list.resource == null ? path : ftpPathOf(ctx, list.resource);
      resources.add(resource);
      if (resource != null && list.conditions.stream().anyMatch(c -> c.etag != null)) {
        etags.computeIfAbsent(
            resource,
            r ->
                files
                    .stat(r, FileRoutes.ftpUser(ctx))
                    .map(Downloads::etag)
                    .otherwise((String) null));
      }
    }
    return Future.join(new ArrayList<>(etags.values()))
        .otherwiseEmpty()
        .map(
            done -> {
              for (int i = 0; i < lists.size(); i++) {
                String resource = resources.get(i);
                if (resource != null && allHold(lists.get(i), resource, locks, etags)) {
                  return true;
                }
              }
              return false;
            });
  }

  private static boolean allHold(
      ConditionList list,
      String resource,
      List<DavLocks.Lock> locks,
      Map<String, Future<String>> etags) {
    for (Condition c : list.conditions) {
      boolean matches;
      if (c.token != null) {
        matches = locks.stream().anyMatch(l -> l.token().equals(c.token) && l.covers(resource));
      } else {
        Future<String> etag = etags.get(resource);
        String current = etag == null ? null : etag.result();
        matches = current != null && Downloads.matchesAny(c.etag, current, false);
      }
      if (matches == c.not) {
        return false;
      }
    }
    return true;
  }

  private static String ftpPathOf(RoutingContext ctx, String url) {
    try {
      String raw = new URI(url).getRawPath();
      if (raw == null || !FileRoutes.isTree(raw)) {
        return null;
      }
      String rest =
          raw.length() <= FileRoutes.FILES.length() + 1
              ? ""
              : raw.substring(FileRoutes.FILES.length() + 1);
      return FileRoutes.ftpPath(ctx, FileRoutes.pathOf(rest));
    } catch (Exception e) {
      return null; // a tag naming no resource of ours holds for nothing
    }
  }
}
