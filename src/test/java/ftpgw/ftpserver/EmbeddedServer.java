package ftpgw.ftpserver;

import ftpgw.config.FtpServerConfig;
import ftpgw.config.FtpServerConfig.FtpTlsConfig;
import ftpgw.config.Secret;
import ftpgw.testing.FreePorts;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPReply;

/**
 * The FTP-server verticle deployed on a loopback ephemeral port, with two users from a users file:
 * {@code alice} (home {@code alice/}) and {@code bob} (home {@code bob/}).
 */
final class EmbeddedServer implements AutoCloseable {
  static final String ALICE = "alice";
  static final String ALICE_PASSWORD = "wonder-land-42";
  static final String BOB = "bob";
  static final String BOB_PASSWORD = "builder-7";

  private final Vertx vertx;
  private final FtpServerVerticle verticle;
  private final Path root;

  private EmbeddedServer(Vertx vertx, FtpServerVerticle verticle, Path root) {
    this.vertx = vertx;
    this.verticle = verticle;
    this.root = root;
  }

  static EmbeddedServer start(Path dir) throws IOException {
    return start(dir, 100, 50, null);
  }

  static EmbeddedServer start(Path dir, int maxLogins, int maxLoginsPerIp, FtpTlsConfig tls)
      throws IOException {
    return start(config(dir, 0, maxLogins, maxLoginsPerIp, tls));
  }

  static EmbeddedServer start(FtpServerConfig config) {
    Vertx vertx = Vertx.vertx();
    FtpServerVerticle verticle = new FtpServerVerticle(config, null);
    try {
      vertx.deployVerticle(verticle).await();
    } catch (RuntimeException e) {
      vertx.close().await();
      throw e;
    }
    return new EmbeddedServer(vertx, verticle, config.root());
  }

  static FtpServerConfig config(
      Path dir, int port, int maxLogins, int maxLoginsPerIp, FtpTlsConfig tls) throws IOException {
    Path users = dir.resolve("ftp-users.properties");
    if (!Files.exists(users)) {
      Pbkdf2PasswordEncryptor hashes = new Pbkdf2PasswordEncryptor();
      Files.writeString(
          users,
          String.join(
              "\n",
              "ftpserver.user.alice.userpassword=" + hashes.encrypt(ALICE_PASSWORD),
              "ftpserver.user.alice.homedirectory=alice",
              "ftpserver.user.alice.writepermission=true",
              "ftpserver.user.bob.userpassword=" + hashes.encrypt(BOB_PASSWORD),
              "ftpserver.user.bob.homedirectory=bob",
              "ftpserver.user.bob.writepermission=true",
              ""),
          StandardCharsets.UTF_8);
    }
    return new FtpServerConfig(
        true,
        "127.0.0.1",
        port,
        dir.resolve("ftp-root"),
        users,
        FreePorts.range(30),
        null,
        maxLogins,
        maxLoginsPerIp,
        60,
        tls);
  }

  static FtpTlsConfig tls(Path keystore, String password, boolean required) {
    return new FtpTlsConfig(keystore, Secret.of(password), required);
  }

  int port() {
    return verticle.actualPort();
  }

  Path home(String user) {
    return root.resolve(user);
  }

  Path root() {
    return root;
  }

  String url(String user, String password, String path) {
    return "ftp://" + user + ":" + password + "@127.0.0.1:" + port() + "/" + path;
  }

  /** A logged-in, binary, passive Commons Net client. */
  FTPClient login(String user, String password) throws IOException {
    FTPClient client = connect();
    if (!client.login(user, password)) {
      String reply = client.getReplyString();
      client.disconnect();
      throw new IOException("login refused: " + reply);
    }
    client.setFileType(FTP.BINARY_FILE_TYPE);
    client.enterLocalPassiveMode();
    return client;
  }

  FTPClient connect() throws IOException {
    FTPClient client = new FTPClient();
    configure(client);
    client.connect("127.0.0.1", port());
    if (!FTPReply.isPositiveCompletion(client.getReplyCode())) {
      throw new IOException("greeting: " + client.getReplyString());
    }
    return client;
  }

  static void configure(FTPClient client) {
    client.setControlEncoding("UTF-8");
    client.setConnectTimeout(5_000);
    client.setDefaultTimeout(15_000);
    client.setDataTimeout(Duration.ofSeconds(15));
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
