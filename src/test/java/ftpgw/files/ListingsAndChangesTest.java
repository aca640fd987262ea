package ftpgw.files;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Http;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listings (JSON from MLSD, HTML for browsers) and DELETE, MKCOL, MOVE, COPY on the embedded FTP
 * server.
 */
@ExtendWith(VertxExtension.class)
class ListingsAndChangesTest {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @TempDir Path dir;
  private GatewayUnderTest gateway;
  private Http http;
  private Path root;

  @BeforeEach
  void startGateway(Vertx vertx) throws Exception {
    gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    http = new Http(gateway.httpPort());
    root = gateway.ftpRoot();
    Files.createDirectories(root.resolve("p/sub"));
    Files.writeString(root.resolve("p/a.txt"), "alpha");
    Files.writeString(root.resolve("p/sub/b.txt"), "beta!");
  }

  @AfterEach
  void nothingStrayRemains() throws Exception {
    assertThat(gateway.strayFilesAfterAMoment()).isEmpty();
  }

  @Test
  void aFolderUrlListsItsEntries() throws Exception {
    HttpResponse<String> response = http.get("/files/p/");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject listing = new JsonObject(response.body());
    assertThat(listing.getString("path")).isEqualTo("p");
    JsonArray entries = listing.getJsonArray("entries");
    assertThat(entries).hasSize(2);
    JsonObject sub = entries.getJsonObject(0);
    JsonObject file = entries.getJsonObject(1);
    assertThat(sub.getString("name")).isEqualTo("sub");
    assertThat(sub.getString("type")).isEqualTo("folder");
    assertThat(file.getString("name")).isEqualTo("a.txt");
    assertThat(file.getString("type")).isEqualTo("file");
    assertThat(file.getLong("size")).isEqualTo(5);
    assertThat(file.getString("modified")).endsWith("Z");

    assertThat(new JsonObject(http.get("/files/p").body()).getJsonArray("entries")).hasSize(2);
    assertThat(
            new JsonObject(http.get("/files/").body())
                .getJsonArray("entries")
                .getJsonObject(0)
                .getString("name"))
        .isEqualTo("p");

    HttpResponse<String> html = http.get("/files/p/", "Accept", "text/html,application/xhtml+xml");
    assertThat(html.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(html.body())
        .contains("<a href=\"a.txt\">a.txt</a>")
        .contains("<a href=\"sub/\">sub/</a>");

    HttpResponse<String> missing = http.get("/files/nope/");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(missing.body()).getString("error")).isEqualTo("NOT_FOUND");
    assertThat(http.get("/files/p/a.txt/").statusCode())
        .as("a file named as a folder")
        .isEqualTo(404);
  }

  @Test
  void deleteRemovesAFileOrAnEmptyFolderButNotAFullOne() throws Exception {
    HttpResponse<String> full = http.delete("/files/p/sub/");
    assertThat(full.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(full.body()).getString("error")).isEqualTo("CONFLICT");
    assertThat(root.resolve("p/sub/b.txt")).exists();

    assertThat(http.delete("/files/p/sub/b.txt").statusCode()).isEqualTo(204);
    assertThat(root.resolve("p/sub/b.txt")).doesNotExist();
    assertThat(http.delete("/files/p/sub/").statusCode()).isEqualTo(204);
    assertThat(root.resolve("p/sub")).doesNotExist();

    HttpResponse<String> again = http.delete("/files/p/sub/b.txt");
    assertThat(again.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(again.body()).getString("error")).isEqualTo("NOT_FOUND");
  }

  @Test
  void mkcolCreatesAFolderOnce() throws Exception {
    assertThat(send("MKCOL", "/files/p/new/").statusCode()).isEqualTo(201);
    assertThat(root.resolve("p/new")).isDirectory();
    HttpResponse<String> again = send("MKCOL", "/files/p/new/");
    assertThat(again.statusCode()).isEqualTo(405);
    assertThat(new JsonObject(again.body()).getString("error")).isEqualTo("METHOD_NOT_ALLOWED");
    HttpResponse<String> orphan = send("MKCOL", "/files/none/x/");
    assertThat(orphan.statusCode()).isEqualTo(409);
    assertThat(root.resolve("none")).doesNotExist();
  }

  @Test
  void moveRenamesAndHonoursOverwrite() throws Exception {
    Files.writeString(root.resolve("p/c.txt"), "gamma");
    HttpResponse<String> refused =
        send(
            "MOVE",
            "/files/p/a.txt",
            "Destination",
            gateway.url("/files/p/c.txt"),
            "Overwrite",
            "F");
    assertThat(refused.statusCode()).isEqualTo(412);
    assertThat(new JsonObject(refused.body()).getString("error")).isEqualTo("PRECONDITION_FAILED");
    assertThat(Files.readString(root.resolve("p/c.txt"))).isEqualTo("gamma");

    assertThat(
            send("MOVE", "/files/p/a.txt", "Destination", gateway.url("/files/p/c.txt"))
                .statusCode())
        .isEqualTo(204);
    assertThat(Files.readString(root.resolve("p/c.txt"))).isEqualTo("alpha");
    assertThat(root.resolve("p/a.txt")).doesNotExist();

    assertThat(send("MOVE", "/files/p/sub/", "Destination", "/files/p/moved/").statusCode())
        .isEqualTo(201);
    assertThat(Files.readString(root.resolve("p/moved/b.txt"))).isEqualTo("beta!");

    HttpResponse<String> outside = send("MOVE", "/files/p/c.txt", "Destination", "/files/../etc/x");
    assertThat(outside.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(outside.body()).getString("error")).isEqualTo("BAD_PATH");
  }

  @Test
  void copyStreamsTheFileThroughTheGateway() throws Exception {
    byte[] big = new byte[3 * 1024 * 1024 + 5];
    new java.util.Random(7).nextBytes(big);
    Files.write(root.resolve("p/big.bin"), big);
    assertThat(
            send("COPY", "/files/p/big.bin", "Destination", "/files/p/sub/copy.bin").statusCode())
        .isEqualTo(201);
    assertThat(Files.readAllBytes(root.resolve("p/sub/copy.bin"))).isEqualTo(big);
    assertThat(Files.readAllBytes(root.resolve("p/big.bin"))).isEqualTo(big);

    HttpResponse<String> missing =
        send("COPY", "/files/p/none.bin", "Destination", "/files/p/x.bin");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(root.resolve("p/x.bin")).doesNotExist();
  }

  private HttpResponse<String> send(String method, String path, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(gateway.url(path)))
            .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
