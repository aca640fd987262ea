package ftpgw.files;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.config.Pbkdf2Hash;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Auth mode users: a user reads, lists and changes only its own folder, and cannot reach another
 * user's.
 */
@ExtendWith(VertxExtension.class)
class ReadJailTest {
  private static final String ALICE_PASSWORD = "alice-Pa55-" + System.nanoTime();
  private static final String BOB_PASSWORD = "bob-Pa55-" + System.nanoTime();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @TempDir Path dir;
  private GatewayUnderTest gateway;
  private Http http;
  private String alice;
  private String bob;

  @BeforeEach
  void startGateway(Vertx vertx) throws Exception {
    gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject()
                .put(
                    "auth",
                    new JsonObject()
                        .put("mode", "users")
                        .put(
                            "users",
                            new JsonArray()
                                .add(
                                    new JsonObject()
                                        .put("name", "alice")
                                        .put("folder", "teams/alice")
                                        .put(
                                            "passwordHash",
                                            Pbkdf2Hash.create(ALICE_PASSWORD.toCharArray(), 1000)
                                                .encode()))
                                .add(
                                    new JsonObject()
                                        .put("name", "bob")
                                        .put("folder", "teams/bob")
                                        .put(
                                            "passwordHash",
                                            Pbkdf2Hash.create(BOB_PASSWORD.toCharArray(), 1000)
                                                .encode())))));
    http = new Http(gateway.httpPort());
    alice = Http.basic("alice", ALICE_PASSWORD);
    bob = Http.basic("bob", BOB_PASSWORD);
    Files.createDirectories(gateway.ftpRoot().resolve("teams/alice"));
    Files.createDirectories(gateway.ftpRoot().resolve("teams/bob"));
    Files.writeString(gateway.ftpRoot().resolve("teams/bob/secret.txt"), "bob's");
    Files.writeString(gateway.ftpRoot().resolve("teams/alice/mine.txt"), "alice's");
  }

  @Test
  void aUserCannotReadAnotherUsersFolder() throws Exception {
    assertThat(http.get("/files/mine.txt", "Authorization", alice).body()).isEqualTo("alice's");
    assertThat(http.get("/files/secret.txt", "Authorization", bob).body()).isEqualTo("bob's");

    JsonArray top =
        new JsonObject(http.get("/files/", "Authorization", alice).body()).getJsonArray("entries");
    assertThat(top).hasSize(1);
    assertThat(top.getJsonObject(0).getString("name")).isEqualTo("mine.txt");

    for (String path :
        new String[] {
          "/files/secret.txt", "/files/bob/secret.txt", "/files/teams/bob/secret.txt"
        }) {
      HttpResponse<String> response = http.get(path, "Authorization", alice);
      assertThat(response.statusCode()).as(path).isEqualTo(404);
      assertThat(new JsonObject(response.body()).getString("error")).isEqualTo("NOT_FOUND");
    }
    for (String path :
        new String[] {"/files/%2e%2e/bob/secret.txt", "/files/..%2fbob/secret.txt"}) {
      HttpResponse<String> response = http.get(path, "Authorization", alice);
      assertThat(response.statusCode()).as(path).isEqualTo(400);
      assertThat(new JsonObject(response.body()).getString("error")).isEqualTo("BAD_PATH");
    }
    HttpResponse<String> escape =
        send(
            "MOVE",
            "/files/mine.txt",
            "Authorization",
            alice,
            "Destination",
            "/files/%2e%2e/bob/stolen.txt");
    assertThat(escape.statusCode()).isEqualTo(400);
    assertThat(gateway.ftpRoot().resolve("teams/alice/mine.txt")).exists();

    HttpResponse<String> propfind =
        send("PROPFIND", "/files/", "Authorization", alice, "Depth", "1");
    assertThat(propfind.statusCode()).isEqualTo(207);
    assertThat(propfind.body()).contains("/files/mine.txt").doesNotContain("secret");

    HttpResponse<String> anonymous = http.get("/files/mine.txt");
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(anonymous.body()).getString("error")).isEqualTo("UNAUTHORIZED");
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
