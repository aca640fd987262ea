package ftpgw.client;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the gateway's listing ({@code {path, entries: [{name, type, size, modified}]}}) without a
 * JSON library, as {@link JsonFields} reads its flat replies: each entry object is cut out (strings
 * may hold braces), then its fields are read.
 */
final class ListingJson {
  private static final Pattern SIZE = Pattern.compile("\"size\"\\s*:\\s*(\\d+)");

  private ListingJson() {}

  /** The entries, each with its whole remote path ({@code folder/name}). */
  static List<RemoteTree.Entry> entries(String json, String folder) {
    List<RemoteTree.Entry> entries = new ArrayList<>();
    int start = json.indexOf("\"entries\"");
    if (start < 0) {
      return entries;
    }
    boolean inString = false;
    int depth = 0;
    int objectStart = -1;
    for (int i = json.indexOf('[', start) + 1; i > 0 && i < json.length(); i++) {
      char c = json.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' && depth++ == 0) {
        objectStart = i;
      } else if (c == '}' && --depth == 0) {
        entries.add(entry(json.substring(objectStart, i + 1), folder));
      } else if (c == ']' && depth == 0) {
        break;
      }
    }
    return entries;
  }

  private static RemoteTree.Entry entry(String object, String folder) {
    String name = JsonFields.string(object, "name").orElse("");
    Matcher size = SIZE.matcher(object);
    return new RemoteTree.Entry(
        folder.isEmpty() ? name : folder + "/" + name,
        JsonFields.string(object, "type").orElse("").equals("folder"),
        size.find() ? Long.parseLong(size.group(1)) : 0,
        JsonFields.string(object, "modified").orElse(null));
  }
}
