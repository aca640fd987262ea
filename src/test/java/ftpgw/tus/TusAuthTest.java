package ftpgw.tus;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.config.Pbkdf2Hash;
import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Http;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * /tus/ takes the same logins, per-user folders and limits as PUT /files; only discovery (OPTIONS)
 * is open.
 */
@ExtendWith(VertxExtension.class)
class TusAuthTest {
  private static final String ALICE = "alice-Pa55-" + System.nanoTime();
  private static final String BOB = "bob-Pa55-" + System.nanoTime();

  @TempDir Path dir;

  @Test
  void uploadsLandInTheUsersFolderAndAreTheirsAlone(Vertx vertx) throws Exception {
    GatewayUnderTest gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject()
                .put(
                    "auth",
                    new JsonObject()
                        .put("mode", "users")
                        .put("failureDelayMs", 0)
                        .put(
                            "users",
                            new JsonArray()
                                .add(
                                    new JsonObject()
                                        .put("name", "alice")
                                        .put("folder", "teams/alice")
                                        .put(
                                            "passwordHash",
                                            Pbkdf2Hash.create(ALICE.toCharArray(), 1000).encode()))
                                .add(
                                    new JsonObject()
                                        .put("name", "bob")
                                        .put("maxUploadBytes", 1000)
                                        .put(
                                            "passwordHash",
                                            Pbkdf2Hash.create(BOB.toCharArray(), 1000)
                                                .encode())))));
    TusRequests alice =
        new TusRequests(gateway.httpPort(), "Authorization", Http.basic("alice", ALICE));
    TusRequests bob = new TusRequests(gateway.httpPort(), "Authorization", Http.basic("bob", BOB));
    TusRequests nobody = new TusRequests(gateway.httpPort());

    assertThat(nobody.options().statusCode()).isEqualTo(204);
    HttpResponse<String> refused = nobody.create(10, TusRequests.metadata("filename", "x.bin"));
    TusProtocolTest.assertError(refused, 401, "UNAUTHORIZED");
    TusProtocolTest.assertError(
        bob.create(1001, TusRequests.metadata("filename", "x.bin")), 413, "TOO_LARGE");

    byte[] file = TusProtocolTest.bytes(5000);
    String location =
        alice
            .create(file.length, TusRequests.metadata("filename", "a.bin", "folder", "in"))
            .headers()
            .firstValue("Location")
            .orElseThrow();
    TusProtocolTest.assertError(bob.head(location), 404, null);
    TusProtocolTest.assertError(bob.patch(location, 0, file), 404, "NOT_FOUND");
    TusProtocolTest.assertError(bob.delete(location), 404, "NOT_FOUND");
    TusProtocolTest.assertError(nobody.head(location), 401, null);
    assertThat(alice.patch(location, 0, file).statusCode()).isEqualTo(204);
    assertThat(Files.readAllBytes(gateway.ftpRoot().resolve("teams/alice/in/a.bin")))
        .isEqualTo(file);
    assertThat(TusProtocolTest.strayFiles(gateway)).isEmpty();
  }
}
