package ftpgw.relay;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.ObservedFtpServer;
import ftpgw.testing.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session that dies mid-STOR (vsftpd: {@code 500 OOPS: priv_sock_get_int}, then the control
 * connection closes) is no refusal of the file: the upload is retried on a fresh connection and
 * lands. The dying server is a small proxy in front of a real FTP server that answers the first
 * STOR itself with that reply and hangs up.
 */
@ExtendWith(VertxExtension.class)
class SessionDeathTest {
  @TempDir Path dir;

  @Test
  void a500FollowedByAClosedSessionIsRetriedOnAFreshConnection(Vertx vertx) throws Exception {
    try (ObservedFtpServer ftp = ObservedFtpServer.start(dir, 20, 0);
        OopsProxy proxy = new OopsProxy(ftp.port(), 1)) {
      GatewayUnderTest gateway =
          GatewayUnderTest.start(
              vertx,
              dir.resolve("gw"),
              new JsonObject()
                  .put("ftpServer", new JsonObject().put("enabled", false))
                  .put(
                      "delivery",
                      new JsonObject().put("initialBackoffMs", 50).put("maxBackoffMs", 100))
                  .put(
                      "relay",
                      new JsonObject()
                          .put(
                              "target",
                              new JsonObject()
                                  .put("host", "127.0.0.1")
                                  .put("port", proxy.port())
                                  .put("user", ObservedFtpServer.USER)
                                  .put("password", ObservedFtpServer.PASSWORD))));

      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(gateway.url("/files/oops/x.bin")))
                      .PUT(HttpRequest.BodyPublishers.ofString("payload"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(proxy.oopses()).as("the first session died at its STOR").isEqualTo(1);
      // before the fix: 502 FTP_REFUSED after one attempt
      assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
      assertThat(ftp.root().resolve("oops/x.bin")).hasContent("payload");
      assertThat(TestFiles.filesUnder(ftp.root())).containsExactly("oops/x.bin");
      assertThat(gateway.strayFilesAfterAMoment()).isEmpty();
    }
  }

  /**
   * Relays FTP control connections to a real server; the first {@code deaths} STORs get "500 OOPS"
   * and a hang-up.
   */
  private static final class OopsProxy implements AutoCloseable {
    private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final int target;
    private final AtomicInteger deathsLeft;
    private final AtomicInteger oopses = new AtomicInteger();

    OopsProxy(int target, int deaths) throws IOException {
      this.target = target;
      this.deathsLeft = new AtomicInteger(deaths);
      Thread acceptor = new Thread(this::accept, "oops-proxy");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return listener.getLocalPort();
    }

    int oopses() {
      return oopses.get();
    }

    private void accept() {
      while (!listener.isClosed()) {
        try {
          Socket client = listener.accept();
          Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
          Thread down = new Thread(() -> copy(server, client), "oops-proxy-down");
          down.setDaemon(true);
          down.start();
          Thread up = new Thread(() -> relayCommands(client, server), "oops-proxy-up");
          up.setDaemon(true);
          up.start();
        } catch (IOException e) {
          return;
        }
      }
    }

    private void relayCommands(Socket client, Socket server) {
      try (client;
          server) {
        BufferedReader commands =
            new BufferedReader(
                new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
        OutputStream toServer = server.getOutputStream();
        for (String line; (line = commands.readLine()) != null; ) {
          if (line.startsWith("STOR ") && deathsLeft.getAndDecrement() > 0) {
            oopses.incrementAndGet();
            client
                .getOutputStream()
                .write("500 OOPS: priv_sock_get_int\r\n".getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            return; // vsftpd's session process exits: the control connection closes
          }
          toServer.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
          toServer.flush();
        }
      } catch (IOException ignored) {
        // either side hung up
      }
    }

    private static void copy(Socket from, Socket to) {
      try {
        from.getInputStream().transferTo(to.getOutputStream());
      } catch (IOException ignored) {
        // either side hung up
      } finally {
        try {
          to.close();
          from.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    }

    @Override
    public void close() throws IOException {
      listener.close();
    }
  }
}
