package ftpgw.auth;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.config.Pbkdf2Hash;
import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Http;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failed logins count per address and per user name: one valid account does not open guessing at
 * another.
 */
@ExtendWith(VertxExtension.class)
class LoginLockoutAcrossUsersTest {
  private static final String ALICE_PASSWORD = "alice-Pa55-" + System.nanoTime();
  private static final String BOB_PASSWORD = "bob-Pa55-" + System.nanoTime();

  @TempDir Path dir;
  private GatewayUnderTest gateway;
  private Http http;

  @BeforeEach
  void startGateway(Vertx vertx) {
    gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject()
                .put(
                    "auth",
                    new JsonObject()
                        .put("mode", "users")
                        .put("failureDelayMs", 0)
                        .put("maxFailures", 4)
                        .put("blockMs", 60_000)
                        .put(
                            "users",
                            new JsonArray()
                                .add(
                                    new JsonObject()
                                        .put("name", "alice")
                                        .put(
                                            "passwordHash",
                                            Pbkdf2Hash.create(ALICE_PASSWORD.toCharArray(), 1000)
                                                .encode()))
                                .add(
                                    new JsonObject()
                                        .put("name", "bob")
                                        .put(
                                            "passwordHash",
                                            Pbkdf2Hash.create(BOB_PASSWORD.toCharArray(), 1000)
                                                .encode())))));
    http = new Http(gateway.httpPort());
  }

  @Test
  void anotherUsersSuccessDoesNotResetTheGuessesAtBob() throws Exception {
    for (int i = 0; i < 4; i++) {
      assertThat(
              http.get("/transfers", "Authorization", Http.basic("bob", "guess-" + i)).statusCode())
          .isEqualTo(401);
      // before the fix, this success cleared the address's count and bob could be guessed at for
      // ever
      if (i < 3) {
        assertThat(
                http.get("/transfers", "Authorization", Http.basic("alice", ALICE_PASSWORD))
                    .statusCode())
            .isEqualTo(200);
      }
    }
    HttpResponse<String> blocked =
        http.get("/transfers", "Authorization", Http.basic("bob", BOB_PASSWORD));

    assertThat(blocked.statusCode()).as(blocked.body()).isEqualTo(429);
    assertThat(new JsonObject(blocked.body()).getString("error")).isEqualTo("LOGIN_BLOCKED");
    assertThat(blocked.headers().firstValue("Retry-After")).isPresent();
    assertThat(gateway.strayFiles()).isEmpty();
  }

  @Test
  void aUsersSuccessResetsOnlyItsOwnCount() throws Exception {
    FailedLogins logins =
        new FailedLogins(
            "user", 3, java.time.Duration.ofMinutes(1), java.time.Duration.ofMinutes(1));
    logins.failed("bob");
    logins.failed("bob");
    logins.failed("alice");
    logins.failed("alice");
    logins.succeeded("alice");
    logins.failed("alice");
    logins.failed("alice");
    logins.failed("bob");

    assertThat(logins.blockedSeconds("alice")).isZero();
    assertThat(logins.blockedSeconds("bob")).isPositive();
  }
}
