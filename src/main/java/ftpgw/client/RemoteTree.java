package ftpgw.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What is on the gateway's side ({@code GET /files/{folder}/} listings, {@code HEAD /files/{file}})
 * and the plan of a {@code download}: every remote file with its local destination and its rank,
 * dealt largest first to the rank with the least bytes so far, as uploads are.
 */
final class RemoteTree {
  /** One entry of a listing: {@code path} is the whole remote path. */
  record Entry(String path, boolean folder, long size, String modified) {}

  private final URI gateway;
  private final GatewayLogin credentials;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  RemoteTree(URI gateway, GatewayLogin credentials) {
    this.gateway = gateway;
    this.credentials = credentials;
  }

  /** The folder's entries, or null when {@code remote} is not a folder (a file, or nothing). */
  List<Entry> list(String remote) throws IOException {
    String folder = trim(remote);
    HttpResponse<String> response =
        send(
            request(folder.isEmpty() ? "/files/" : RemoteNames.urlPath(folder) + "/")
                .header("Accept", "application/json")
                .GET()
                .build());
    if (response.statusCode() == 404) {
      return null;
    }
    check(response, "list " + (folder.isEmpty() ? "/" : folder));
    return ListingJson.entries(response.body(), folder);
  }

  /** The size of the file {@code remote}, or -1 when there is none. */
  long size(String remote) throws IOException {
    HttpResponse<String> response =
        send(
            request(RemoteNames.urlPath(trim(remote)))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build());
    if (response.statusCode() == 404) {
      return -1;
    }
    check(response, "look up " + remote);
    return response.headers().firstValueAsLong("Content-Length").orElse(-1);
  }

  /**
   * Every file under the remote paths (a folder is taken whole, keeping its own name under {@code
   * localFolder}, as {@code upload} keeps a local folder's name); paths that do not exist are in
   * {@code notFound}.
   */
  UploadPlan plan(List<String> remotes, String localFolder, int ranks) throws IOException {
    Map<String, Long> files = new LinkedHashMap<>();
    Map<String, String> localOf = new LinkedHashMap<>();
    List<String> notFound = new ArrayList<>();
    Path local =
        Path.of(localFolder == null || localFolder.isEmpty() ? "." : localFolder).toAbsolutePath();
    for (String remote : remotes) {
      String path = trim(remote);
      List<Entry> entries = list(path);
      if (entries != null) {
        String base = path.contains("/") ? path.substring(0, path.lastIndexOf('/') + 1) : "";
        walk(path, entries, files);
        files.keySet().stream()
            .filter(f -> f.startsWith(path.isEmpty() ? "" : path + "/"))
            .forEach(
                f -> localOf.putIfAbsent(f, local.resolve(f.substring(base.length())).toString()));
        continue;
      }
      long size = size(path);
      if (size < 0) {
        notFound.add(remote);
      } else {
        files.put(path, size);
        localOf.put(path, local.resolve(path.substring(path.lastIndexOf('/') + 1)).toString());
      }
    }
    long[] load = new long[ranks];
    List<PlannedFile> planned = new ArrayList<>();
    files.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(
            f -> {
              int rank = Planner.leastLoaded(load);
              load[rank] += f.getValue() + Planner.PER_FILE_COST_BYTES;
              planned.add(new PlannedFile(localOf.get(f.getKey()), f.getKey(), f.getValue(), rank));
            });
    return new UploadPlan(planned, notFound);
  }

  private void walk(String folder, List<Entry> entries, Map<String, Long> files)
      throws IOException {
    for (Entry entry : entries) {
      if (entry.folder()) {
        List<Entry> inside = list(entry.path());
        if (inside != null) {
          walk(entry.path(), inside, files);
        }
      } else {
        files.put(entry.path(), entry.size());
      }
    }
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(gateway.resolve(path)).timeout(Duration.ofMinutes(2));
    credentials.authorizationHeader().ifPresent(value -> builder.header("Authorization", value));
    return builder;
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static void check(HttpResponse<String> response, String what) throws IOException {
    if (response.statusCode() != 200) {
      throw new IOException(
          "cannot "
              + what
              + ": the gateway answered "
              + response.statusCode()
              + " "
              + response.body());
    }
  }

  private static String trim(String remote) {
    return String.join(
        "/", java.util.Arrays.stream(remote.split("/")).filter(s -> !s.isEmpty()).toList());
  }
}
