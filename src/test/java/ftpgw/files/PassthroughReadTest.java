package ftpgw.files;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Http;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.ftpserver.usermanager.SaltedPasswordEncryptor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Auth mode passthrough: reads and listings run on each client's own FTP login, so each sees its
 * own FTP home.
 */
@ExtendWith(VertxExtension.class)
class PassthroughReadTest {
  private static final String CAROL_PASSWORD = "carol-ftp-" + System.nanoTime();
  private static final String DAVE_PASSWORD = "dave-ftp-" + System.nanoTime();

  @TempDir Path dir;
  private Http http;
  private Path root;

  @BeforeEach
  void startGateway(Vertx vertx) throws Exception {
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
    root = dir.resolve("gw/ftp");
    Files.createDirectories(root.resolve("homes/carol"));
    Files.createDirectories(root.resolve("homes/dave"));
    Files.writeString(root.resolve("homes/carol/c.txt"), "carol's");
    Files.writeString(root.resolve("homes/dave/d.txt"), "dave's");
    GatewayUnderTest gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject()
                .put("auth", new JsonObject().put("mode", "passthrough"))
                .put("relay", new JsonObject().put("connections", 2))
                .put("ftpServer", new JsonObject().put("usersFile", users.toString())));
    http = new Http(gateway.httpPort());
  }

  @Test
  void eachUserReadsItsOwnFtpHome() throws Exception {
    String carol = Http.basic("carol", CAROL_PASSWORD);
    String dave = Http.basic("dave", DAVE_PASSWORD);

    assertThat(http.get("/files/c.txt", "Authorization", carol).body()).isEqualTo("carol's");
    assertThat(http.get("/files/d.txt", "Authorization", dave).body()).isEqualTo("dave's");
    HttpResponse<String> notHers = http.get("/files/d.txt", "Authorization", carol);
    assertThat(notHers.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(notHers.body()).getString("error")).isEqualTo("NOT_FOUND");

    JsonArray listing =
        new JsonObject(http.get("/files/", "Authorization", dave).body()).getJsonArray("entries");
    assertThat(listing).hasSize(1);
    assertThat(listing.getJsonObject(0).getString("name")).isEqualTo("d.txt");

    assertThat(http.delete("/files/c.txt", "Authorization", carol).statusCode()).isEqualTo(204);
    assertThat(root.resolve("homes/carol/c.txt")).doesNotExist();
    assertThat(root.resolve("homes/dave/d.txt")).exists();
  }
}
