package ftpgw.auth;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.config.Pbkdf2Hash;
import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Http;
import ftpgw.testing.LogCapture;
import ftpgw.testing.RawHttp;
import ftpgw.testing.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Auth mode users: the gateway's own users, Basic and bearer, each jailed in its folder, with its
 * own limits.
 */
@ExtendWith(VertxExtension.class)
class AuthUsersTest {
  private static final String ALICE_PASSWORD = "alice-Pa55-" + System.nanoTime();
  private static final String BOB_PASSWORD = "bob-Pa55-" + System.nanoTime();
  private static final String ALICE_TOKEN = HashSecret.newToken("alice");
  private static final String ALICE_HASH =
      Pbkdf2Hash.create(ALICE_PASSWORD.toCharArray(), 1000).encode();
  private static final String ALICE_TOKEN_HASH =
      Pbkdf2Hash.create(ALICE_TOKEN.toCharArray(), 1000).encode();
  private static final String BOB_HASH =
      Pbkdf2Hash.create(BOB_PASSWORD.toCharArray(), 1000).encode();
  private static final String CAROL_PASSWORD = "carol-Pa55-" + System.nanoTime();

  /**
   * Slow to check on purpose (as the shipped 100 000 iterations are): a client can be gone before
   * it is checked.
   */
  private static final String CAROL_HASH =
      Pbkdf2Hash.create(CAROL_PASSWORD.toCharArray(), 300_000).encode();

  @TempDir Path dir;
  private GatewayUnderTest gateway;
  private Http http;
  private LogCapture logs;

  @BeforeEach
  void startGateway(Vertx vertx) {
    logs = LogCapture.start();
    gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject()
                .put(
                    "auth",
                    new JsonObject()
                        .put("mode", "users")
                        .put("failureDelayMs", 250)
                        .put("maxFailures", 4)
                        .put("blockMs", 3000)
                        .put(
                            "users",
                            new JsonArray()
                                .add(
                                    new JsonObject()
                                        .put("name", "alice")
                                        .put("passwordHash", ALICE_HASH)
                                        .put("tokenHash", ALICE_TOKEN_HASH)
                                        .put("folder", "teams/alice"))
                                .add(
                                    new JsonObject()
                                        .put("name", "bob")
                                        .put("passwordHash", BOB_HASH)
                                        .put("maxUploadBytes", 1000)
                                        .put("maxConcurrentUploads", 1))
                                .add(
                                    new JsonObject()
                                        .put("name", "carol")
                                        .put("passwordHash", CAROL_HASH)
                                        .put("maxConcurrentUploads", 1)))));
    http = new Http(gateway.httpPort());
  }

  @AfterEach
  void noSecretWasLoggedAndNothingStrayRemains() throws Exception {
    try {
      assertThat(logs.lines()).as("the scan saw the gateway's log").isNotEmpty();
      logs.assertNoSecret(
          ALICE_PASSWORD,
          BOB_PASSWORD,
          ALICE_TOKEN,
          ALICE_HASH,
          ALICE_TOKEN_HASH,
          BOB_HASH,
          CAROL_PASSWORD,
          CAROL_HASH);
      assertThat(gateway.strayFilesAfterAMoment()).isEmpty();
    } finally {
      logs.close();
    }
  }

  @Test
  void theRightPasswordUploadsIntoTheUsersFolder() throws Exception {
    HttpResponse<String> response =
        http.put("/files/in/a.bin", "hello", "Authorization", Http.basic("alice", ALICE_PASSWORD));

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(new JsonObject(response.body()).getString("path")).isEqualTo("in/a.bin");
    assertThat(Files.readString(gateway.ftpRoot().resolve("teams/alice/in/a.bin")))
        .isEqualTo("hello");
    assertThat(response.body()).doesNotContain(ALICE_PASSWORD);
  }

  @Test
  void theSeedsMultipartFormLandsInTheUsersFolderToo() throws Exception {
    String body =
        "--XyZ\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\nreports\r\n"
            + "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.txt\"\r\n\r\nreport\r\n--XyZ--\r\n";
    java.net.http.HttpRequest request =
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(gateway.url("/upload")))
            .header("Content-Type", "multipart/form-data; boundary=XyZ")
            .header("Authorization", Http.basic("alice", ALICE_PASSWORD))
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
            .build();

    HttpResponse<String> response =
        java.net.http.HttpClient.newHttpClient()
            .send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    assertThat(Files.readString(gateway.ftpRoot().resolve("teams/alice/reports/r.txt")))
        .isEqualTo("report");
  }

  @Test
  void aBearerTokenUploadsToo() throws Exception {
    HttpResponse<String> response =
        http.put("/files/t.bin", "token", "Authorization", "Bearer " + ALICE_TOKEN);

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(Files.readString(gateway.ftpRoot().resolve("teams/alice/t.bin"))).isEqualTo("token");
  }

  @Test
  void aWrongPasswordOrTokenGets401AfterADelayAndNothingIsStored() throws Exception {
    long started = System.nanoTime();
    HttpResponse<String> wrong =
        http.put("/files/w.bin", "x", "Authorization", Http.basic("alice", "guess"));
    long millis = (System.nanoTime() - started) / 1_000_000;
    HttpResponse<String> wrongToken =
        http.put("/files/w.bin", "x", "Authorization", "Bearer alice.not-the-token");
    HttpResponse<String> unknownUser =
        http.put("/files/w.bin", "x", "Authorization", Http.basic("mallory", "x"));

    for (HttpResponse<String> response : java.util.List.of(wrong, wrongToken, unknownUser)) {
      assertUnauthorized(response);
    }
    assertThat(millis).as("the 401 comes after auth.failureDelayMs").isGreaterThanOrEqualTo(240);
    assertThat(TestFiles.filesUnder(gateway.ftpRoot())).isEmpty();
  }

  @Test
  void missingCredentialsGet401WithAChallengeAndTheBodyIsNeverRead() throws Exception {
    assertUnauthorized(http.put("/files/m.bin", "x"));
    assertUnauthorized(http.get("/transfers"));
    // Expect: 100-continue is answered 401, never 100: the body is not read
    try (RawHttp raw = new RawHttp(gateway.httpPort())) {
      RawHttp.Response response =
          raw.send(
                  "PUT /files/e.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n"
                      + "Expect: 100-continue\r\n\r\n")
              .read();
      assertThat(response.status()).isEqualTo(401);
      assertThat(response.head()).containsIgnoringCase("WWW-Authenticate: Basic realm=\"ftpgw\"");
    }
    assertThat(TestFiles.filesUnder(gateway.ftpRoot())).isEmpty();
  }

  @Test
  void aUserCannotWriteOutsideItsFolder() throws Exception {
    String alice = Http.basic("alice", ALICE_PASSWORD);
    try (RawHttp raw = new RawHttp(gateway.httpPort())) {
      RawHttp.Response response =
          raw.send(
                  "PUT /files/../bob/x.bin HTTP/1.1\r\nHost: x\r\nAuthorization: "
                      + alice
                      + "\r\nContent-Length: 1\r\n\r\nx")
              .read();
      assertThat(response.status()).isEqualTo(400);
      assertThat(new JsonObject(response.body()).getString("error")).isEqualTo("BAD_PATH");
    }
    HttpResponse<String> encoded =
        http.put("/files/a/%2e%2e/%2e%2e/%2e%2e/bob/x.bin", "x", "Authorization", alice);
    assertThat(encoded.statusCode()).isEqualTo(400);
    HttpResponse<String> looksAbsolute =
        http.put("/files/bob/x.bin", "mine", "Authorization", alice);
    assertThat(looksAbsolute.statusCode()).isEqualTo(201);

    assertThat(TestFiles.filesUnder(gateway.ftpRoot())).containsExactly("teams/alice/bob/x.bin");
  }

  @Test
  void eachUserSeesOnlyItsOwnTransfers() throws Exception {
    String alice = Http.basic("alice", ALICE_PASSWORD);
    String bob = Http.basic("bob", BOB_PASSWORD);
    String aliceId =
        new JsonObject(http.put("/files/a.bin", "a", "Authorization", alice).body())
            .getString("id");
    String bobId =
        new JsonObject(http.put("/files/b.bin", "b", "Authorization", bob).body()).getString("id");

    JsonObject aliceList = new JsonObject(http.get("/transfers", "Authorization", alice).body());
    assertThat(aliceList.getJsonArray("items").stream().map(i -> ((JsonObject) i).getString("id")))
        .containsExactly(aliceId);
    assertThat(http.get("/transfers/" + bobId, "Authorization", alice).statusCode()).isEqualTo(404);
    assertThat(http.delete("/transfers/" + bobId, "Authorization", alice).statusCode())
        .isEqualTo(404);
    HttpResponse<String> own = http.get("/transfers/" + bobId, "Authorization", bob);
    assertThat(own.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(own.body()).getString("path")).isEqualTo("b.bin");
    assertThat(own.body()).doesNotContain(BOB_PASSWORD).doesNotContain(BOB_HASH);
    assertThat(Files.readString(gateway.ftpRoot().resolve("bob/b.bin"))).isEqualTo("b");
  }

  @Test
  void aUsersOwnLimitsAreEnforced() throws Exception {
    String bob = Http.basic("bob", BOB_PASSWORD);
    HttpResponse<String> tooLarge =
        http.put("/files/big.bin", "x".repeat(1001), "Authorization", bob);
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(new JsonObject(tooLarge.body()).getString("error")).isEqualTo("TOO_LARGE");

    try (RawHttp first = new RawHttp(gateway.httpPort())) {
      // one upload in progress (its body still arriving) ...
      first.send(
          "PUT /files/slow.bin HTTP/1.1\r\nHost: x\r\nAuthorization: "
              + bob
              + "\r\nContent-Length: 10\r\n\r\nabc");
      awaitReceiving(bob);
      // ... and bob may have only one
      HttpResponse<String> second = http.put("/files/second.bin", "x", "Authorization", bob);
      assertThat(second.statusCode()).isEqualTo(429);
      assertThat(second.headers().firstValue("Retry-After")).isPresent();
      assertThat(new JsonObject(second.body()).getString("error")).isEqualTo("TOO_MANY_UPLOADS");
      // alice has no such limit
      assertThat(
              http.put("/files/free.bin", "x", "Authorization", Http.basic("alice", ALICE_PASSWORD))
                  .statusCode())
          .isEqualTo(201);
      first.send("defghij");
      assertThat(first.read().status()).isEqualTo(201);
    }
    assertThat(http.put("/files/third.bin", "x", "Authorization", bob).statusCode()).isEqualTo(201);
  }

  @Test
  void aClientGoneWhileItsPasswordIsCheckedHoldsNoUploadSlotAndLeavesNothing() throws Exception {
    String carol = Http.basic("carol", CAROL_PASSWORD);
    try (RawHttp gone = new RawHttp(gateway.httpPort())) {
      gone.send(
          "PUT /files/gone.bin HTTP/1.1\r\nHost: x\r\nAuthorization: "
              + carol
              + "\r\nContent-Length: 100000\r\n\r\n");
    }
    // carol may have one upload at a time: the one whose client left must not hold it
    HttpResponse<String> next = http.put("/files/next.bin", "x", "Authorization", carol);

    assertThat(next.statusCode()).as(next.body()).isEqualTo(201);
    assertThat(Files.exists(gateway.ftpRoot().resolve("gone.bin"))).isFalse();
  }

  @Test
  void repeatedFailuresBlockTheAddressForAWhileAndTheBlockIsLoggedOnce() throws Exception {
    for (int i = 0; i < 4; i++) {
      assertUnauthorized(
          http.put("/files/x.bin", "x", "Authorization", Http.basic("alice", "guess-" + i)));
    }
    HttpResponse<String> blocked =
        http.put("/files/x.bin", "x", "Authorization", Http.basic("alice", ALICE_PASSWORD));
    HttpResponse<String> stillBlocked =
        http.get("/transfers", "Authorization", Http.basic("alice", ALICE_PASSWORD));

    assertThat(blocked.statusCode()).isEqualTo(429);
    assertThat(stillBlocked.statusCode()).isEqualTo(429);
    assertThat(new JsonObject(blocked.body()).getString("error")).isEqualTo("LOGIN_BLOCKED");
    assertThat(Integer.parseInt(blocked.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1, 3);
    assertThat(logs.lines().stream().filter(l -> l.contains("Blocking 127.0.0.1"))).hasSize(1);
    // ops endpoints stay open (auth.protectOps is false)
    assertThat(http.get("/health").statusCode()).isEqualTo(200);

    Thread.sleep(3100);
    assertThat(
            http.put("/files/x.bin", "x", "Authorization", Http.basic("alice", ALICE_PASSWORD))
                .statusCode())
        .isEqualTo(201);
  }

  @Test
  void aLargeUploadRelayedWhileItArrivesLandsInTheUsersFolderToo() throws Exception {
    Path file =
        TestFiles.random(dir, "large.bin", 3 * TestFiles.MiB + 5); // over delivery.cutThroughBytes

    HttpResponse<String> response =
        http.put("/files/large/x.bin", file, "Authorization", Http.basic("alice", ALICE_PASSWORD));

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(new JsonObject(response.body()).getString("path")).isEqualTo("large/x.bin");
    assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("teams/alice/large/x.bin")))
        .isEqualTo(TestFiles.sha256(file));
  }

  @Test
  void protectedOpsEndpointsNeedALoginToo(Vertx vertx) throws Exception {
    GatewayUnderTest protectedOps =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw2"),
            new JsonObject()
                .put(
                    "auth",
                    new JsonObject()
                        .put("mode", "users")
                        .put("protectOps", true)
                        .put("failureDelayMs", 0)
                        .put(
                            "users",
                            new JsonArray()
                                .add(
                                    new JsonObject()
                                        .put("name", "alice")
                                        .put("passwordHash", ALICE_HASH)))));
    Http ops = new Http(protectedOps.httpPort());

    for (String path : java.util.List.of("/health", "/ready", "/metrics")) {
      assertThat(ops.get(path).statusCode()).as(path).isEqualTo(401);
      assertThat(ops.get(path, "Authorization", Http.basic("alice", ALICE_PASSWORD)).statusCode())
          .as(path)
          .isEqualTo(200);
    }
  }

  @Test
  void aNodeWithoutUploadsAsksForALoginForTransfersToo(Vertx vertx) throws Exception {
    GatewayUnderTest relayNode =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw3"),
            new JsonObject()
                .put("roles", new JsonArray().add("relay").add("ftp"))
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
                                        .put("passwordHash", ALICE_HASH)))));
    Http node = new Http(relayNode.httpPort());

    assertThat(node.get("/transfers").statusCode()).isEqualTo(401);
    assertThat(
            node.get("/transfers", "Authorization", Http.basic("alice", ALICE_PASSWORD))
                .statusCode())
        .isEqualTo(200);
    assertThat(node.get("/health").statusCode()).isEqualTo(200);
  }

  @Test
  void opsEndpointsStayOpenWithoutALogin() throws Exception {
    assertThat(http.get("/health").statusCode()).isEqualTo(200);
    assertThat(http.get("/ready").statusCode()).isEqualTo(200);
    assertThat(http.get("/metrics").statusCode()).isEqualTo(200);
  }

  private void awaitReceiving(String auth) throws Exception {
    http.awaitJson(
        "/transfers?state=receiving",
        j -> j.getInteger("total") == 1,
        java.time.Duration.ofSeconds(10),
        "Authorization",
        auth);
  }

  private static void assertUnauthorized(HttpResponse<String> response) {
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(
            v -> assertThat(v).startsWith("Basic realm=\"ftpgw\"").contains("Bearer"));
    assertThat(new JsonObject(response.body()).getString("error")).isEqualTo("UNAUTHORIZED");
  }
}
