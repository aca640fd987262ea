package ftpgw.auth;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Http;
import ftpgw.testing.LogCapture;
import ftpgw.testing.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.ftpserver.usermanager.SaltedPasswordEncryptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Auth mode passthrough: the client's HTTP Basic credentials are its FTP login on the embedded
 * server, whose users file gives two users different homes. The FTP server decides; the gateway
 * keeps no user list of its own.
 */
@ExtendWith(VertxExtension.class)
class AuthPassthroughTest {
  private static final String CAROL_PASSWORD = "carol-ftp-" + System.nanoTime();
  private static final String DAVE_PASSWORD = "dave-ftp-" + System.nanoTime();

  @TempDir Path dir;
  private GatewayUnderTest gateway;
  private Http http;
  private LogCapture logs;

  @BeforeEach
  void startGateway(Vertx vertx) throws Exception {
    logs = LogCapture.start();
    Path users = dir.resolve("ftp-users.properties");
    SaltedPasswordEncryptor hash = new SaltedPasswordEncryptor();
    Files.writeString(
        users,
        String.join(
            "\n",
            "ftpserver.user.carol.userpassword=" + hash.encrypt(CAROL_PASSWORD).replace(":", "\\:"),
            "ftpserver.user.carol.homedirectory=homes/carol",
            "ftpserver.user.carol.writepermission=true",
            "ftpserver.user.carol.enableflag=true",
            "ftpserver.user.dave.userpassword=" + hash.encrypt(DAVE_PASSWORD).replace(":", "\\:"),
            "ftpserver.user.dave.homedirectory=homes/dave",
            "ftpserver.user.dave.writepermission=true",
            "ftpserver.user.dave.enableflag=true",
            ""));
    Files.createDirectories(dir.resolve("gw/ftp/homes/carol"));
    Files.createDirectories(dir.resolve("gw/ftp/homes/dave"));
    gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject()
                .put(
                    "auth",
                    new JsonObject()
                        .put("mode", "passthrough")
                        .put("failureDelayMs", 200)
                        .put("maxFailures", 3)
                        .put("blockMs", 60_000))
                .put("relay", new JsonObject().put("connections", 2))
                .put("ftpServer", new JsonObject().put("usersFile", users.toString())));
    http = new Http(gateway.httpPort());
  }

  @AfterEach
  void noSecretWasLoggedAndNothingStrayRemains() throws Exception {
    try {
      logs.assertNoSecret(CAROL_PASSWORD, DAVE_PASSWORD);
      assertThat(gateway.strayFilesAfterAMoment()).isEmpty();
    } finally {
      logs.close();
    }
  }

  @Test
  void eachUsersUploadLandsInItsOwnFtpHome() throws Exception {
    String carol = Http.basic("carol", CAROL_PASSWORD);
    String dave = Http.basic("dave", DAVE_PASSWORD);
    for (int i = 0; i < 3; i++) {
      assertThat(
              http.put("/files/in/c" + i + ".bin", "carol " + i, "Authorization", carol)
                  .statusCode())
          .isEqualTo(201);
      assertThat(
              http.put("/files/in/d" + i + ".bin", "dave " + i, "Authorization", dave).statusCode())
          .isEqualTo(201);
    }
    assertThat(Files.readString(gateway.ftpRoot().resolve("homes/carol/in/c2.bin")))
        .isEqualTo("carol 2");
    assertThat(Files.readString(gateway.ftpRoot().resolve("homes/dave/in/d2.bin")))
        .isEqualTo("dave 2");
    assertThat(TestFiles.filesUnder(gateway.ftpRoot().resolve("homes/carol")))
        .containsExactly("in/c0.bin", "in/c1.bin", "in/c2.bin");
    assertThat(TestFiles.filesUnder(gateway.ftpRoot().resolve("homes/dave")))
        .containsExactly("in/d0.bin", "in/d1.bin", "in/d2.bin");

    JsonObject carolsTransfers =
        new JsonObject(http.get("/transfers", "Authorization", carol).body());
    assertThat(carolsTransfers.getInteger("total")).isEqualTo(3);
    assertThat(carolsTransfers.encode()).doesNotContain(CAROL_PASSWORD).doesNotContain("dave");
  }

  @Test
  void aLargeUploadRelayedWhileItArrivesUsesTheClientsLogin() throws Exception {
    Path file =
        TestFiles.random(dir, "large.bin", 3 * TestFiles.MiB + 5); // over delivery.cutThroughBytes

    HttpResponse<String> response =
        http.put("/files/large.bin", file, "Authorization", Http.basic("dave", DAVE_PASSWORD));

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("homes/dave/large.bin")))
        .isEqualTo(TestFiles.sha256(file));
  }

  @Test
  void aPasswordTheFtpServerRefusesGets401() throws Exception {
    HttpResponse<String> wrong =
        http.put("/files/w.bin", "x", "Authorization", Http.basic("carol", "wrong"));
    HttpResponse<String> unknown =
        http.put("/files/w.bin", "x", "Authorization", Http.basic("nobody", "x"));
    HttpResponse<String> missing = http.put("/files/w.bin", "x");
    HttpResponse<String> bearer =
        http.put("/files/w.bin", "x", "Authorization", "Bearer carol.token");

    for (HttpResponse<String> response : java.util.List.of(wrong, unknown, missing, bearer)) {
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.headers().firstValue("WWW-Authenticate"))
          .hasValue("Basic realm=\"ftpgw\", charset=\"UTF-8\"");
      assertThat(new JsonObject(response.body()).getString("error")).isEqualTo("UNAUTHORIZED");
    }
    assertThat(TestFiles.filesUnder(gateway.ftpRoot())).isEmpty();
  }

  @Test
  void aChangedPasswordIsCheckedAgainAndTheOldPoolIsNotUsedForAnotherUser() throws Exception {
    String carol = Http.basic("carol", CAROL_PASSWORD);
    assertThat(http.put("/files/1.bin", "1", "Authorization", carol).statusCode()).isEqualTo(201);
    // dave logging in with carol's password is refused, even though carol's pool is open
    assertThat(
            http.put("/files/2.bin", "2", "Authorization", Http.basic("dave", CAROL_PASSWORD))
                .statusCode())
        .isEqualTo(401);
    assertThat(TestFiles.filesUnder(gateway.ftpRoot())).containsExactly("homes/carol/1.bin");
  }

  @Test
  void repeatedRefusedLoginsBlockTheAddress() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(
              http.put("/files/x.bin", "x", "Authorization", Http.basic("carol", "guess" + i))
                  .statusCode())
          .isEqualTo(401);
    }
    HttpResponse<String> blocked =
        http.put("/files/x.bin", "x", "Authorization", Http.basic("carol", CAROL_PASSWORD));

    assertThat(blocked.statusCode()).isEqualTo(429);
    assertThat(blocked.headers().firstValue("Retry-After")).isPresent();
    assertThat(logs.lines().stream().filter(l -> l.contains("Blocking 127.0.0.1"))).hasSize(1);
  }
}
