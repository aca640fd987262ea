package ftpgw.testing;

import ftpgw.config.FtpServerConfig;
import ftpgw.config.Secret;
import ftpgw.ftpserver.FtpAccount;
import ftpgw.ftpserver.FtpServerVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * An FTP target on a port of the test's choosing, account {@code uploader}/{@code secret}: the
 * gateway is pointed at it before it exists (an outage), and the server started there when the test
 * says so.
 */
public final class UploaderTarget {
  private UploaderTarget() {}

  /** Gateway settings: no embedded FTP server, relay to {@code 127.0.0.1:port} as uploader. */
  public static JsonObject relayTo(int port) {
    return new JsonObject()
        .put("ftpServer", new JsonObject().put("enabled", false))
        .put(
            "relay",
            new JsonObject()
                .put(
                    "target",
                    new JsonObject()
                        .put("host", "127.0.0.1")
                        .put("port", port)
                        .put("user", "uploader")
                        .put("password", "secret")));
  }

  /** Starts the embedded Apache FtpServer on {@code port}, serving {@code root}. */
  public static FtpServerVerticle start(Vertx vertx, int port, Path root, String passivePorts) {
    FtpServerVerticle ftp =
        new FtpServerVerticle(
            new FtpServerConfig(
                true, "127.0.0.1", port, root, null, passivePorts, null, 20, 20, 60, null),
            new FtpAccount("uploader", Secret.of("secret")));
    vertx.deployVerticle(ftp).await();
    return ftp;
  }
}
