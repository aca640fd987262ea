package ftpgw.events;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.config.Pbkdf2Hash;
import ftpgw.testing.FreePorts;
import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Http;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TCP event-bus bridge in users mode, spoken frame by frame (4-byte length + JSON): a user
 * hears only its own address, can get and cancel only its own transfers, and can neither publish
 * nor reach any other address.
 */
@ExtendWith(VertxExtension.class)
class TcpBridgeTest {
  private static final String ALICE_PASSWORD = "alice-Pa55-" + System.nanoTime();
  private static final String BOB_PASSWORD = "bob-Pa55-" + System.nanoTime();

  @TempDir Path dir;
  private GatewayUnderTest gateway;
  private int bridgePort;

  @BeforeEach
  void start(Vertx vertx) {
    bridgePort = FreePorts.one();
    gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject()
                .put(
                    "bridges",
                    new JsonObject().put("tcp", new JsonObject().put("port", bridgePort)))
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
  }

  @Test
  void aUserHearsAndReachesOnlyItsOwnTransfers() throws Exception {
    Http http = new Http(gateway.httpPort());
    try (Frames alice = new Frames(bridgePort, Http.basic("alice", ALICE_PASSWORD))) {
      alice.send(new JsonObject().put("type", "register").put("address", "ftpgw.transfers.events"));
      assertDenied(alice.read());
      alice.send(
          new JsonObject().put("type", "register").put("address", "ftpgw.transfers.events.bob"));
      assertDenied(alice.read());
      alice.send(
          new JsonObject()
              .put("type", "publish")
              .put("address", "ftpgw.transfers.events.alice")
              .put("body", new JsonObject().put("state", "delivered")));
      assertDenied(alice.read());
      alice.send(
          new JsonObject()
              .put("type", "send")
              .put("address", "ftpgw.delivery.cancel")
              .put("body", new JsonObject().put("id", "x"))
              .put("replyAddress", "r0"));
      assertDenied(alice.read());

      alice.send(
          new JsonObject().put("type", "register").put("address", "ftpgw.transfers.events.alice"));
      // the bridge handles a connection's frames in order: once the ping is answered, alice is
      // registered
      // (without this, the uploads below could be published before her registration, on a loaded
      // machine)
      alice.send(new JsonObject().put("type", "ping"));
      assertThat(alice.read().getString("type")).isEqualTo("pong");
      HttpResponse<String> bobs =
          http.put("/files/b.txt", "bob's", "Authorization", Http.basic("bob", BOB_PASSWORD));
      HttpResponse<String> alices =
          http.put("/files/a.txt", "alice's", "Authorization", Http.basic("alice", ALICE_PASSWORD));
      assertThat(bobs.statusCode()).isEqualTo(201);
      assertThat(alices.statusCode()).isEqualTo(201);
      String alicesId = new JsonObject(alices.body()).getString("id");
      String bobsId = new JsonObject(bobs.body()).getString("id");

      JsonObject message;
      do {
        message = alice.read();
        assertThat(message.getString("type")).isEqualTo("message");
        assertThat(message.getJsonObject("body").getString("owner")).isEqualTo("alice");
        assertThat(message.getJsonObject("body").getString("id")).isEqualTo(alicesId);
      } while (!message.getJsonObject("body").getString("state").equals("delivered"));

      alice.send(
          new JsonObject()
              .put("type", "send")
              .put("address", "ftpgw.transfers.get")
              .put("body", new JsonObject().put("id", alicesId))
              .put("replyAddress", "r1"));
      JsonObject own = alice.readFor("r1");
      assertThat(own.getJsonObject("body").getString("state")).isEqualTo("delivered");
      assertThat(own.getJsonObject("body").getString("path")).isEqualTo("a.txt");

      alice.send(
          new JsonObject()
              .put("type", "send")
              .put("address", "ftpgw.transfers.get")
              .put("body", new JsonObject().put("id", bobsId))
              .put("replyAddress", "r2")
              .put(
                  "headers",
                  new JsonObject()
                      .put("ftpgw-user", "bob"))); // a forged user header changes nothing
      JsonObject foreign = alice.readFor("r2");
      assertThat(foreign.getString("type")).isEqualTo("err");
      assertThat(foreign.getString("message")).contains("no transfer " + bobsId);

      alice.send(
          new JsonObject()
              .put("type", "send")
              .put("address", "ftpgw.transfers.cancel")
              .put("body", new JsonObject().put("id", alicesId))
              .put("replyAddress", "r3"));
      JsonObject late = alice.readFor("r3");
      assertThat(late.getString("type")).isEqualTo("err");
      assertThat(late.getString("message")).contains("already delivered");
    }
    try (Frames stranger = new Frames(bridgePort, Http.basic("alice", "wrong"))) {
      stranger.send(
          new JsonObject().put("type", "register").put("address", "ftpgw.transfers.events.alice"));
      assertDenied(stranger.read());
    }
    assertThat(gateway.strayFilesAfterAMoment()).isEmpty();
  }

  /**
   * Refused by the permitted addresses ("access_denied") or by the gateway's own check of the user.
   */
  private static void assertDenied(JsonObject frame) {
    assertThat(frame.getString("type")).as(frame.encode()).isEqualTo("err");
    assertThat(frame.getString("message")).isIn("access_denied", "blocked by bridgeEvent handler");
  }

  /**
   * One bridge connection; every frame sent carries the credentials, as a bridge client sends them.
   */
  private static final class Frames implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final String authorization;

    Frames(int port, String authorization) throws Exception {
      this.socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(15_000);
      this.in = new DataInputStream(socket.getInputStream());
      this.out = new DataOutputStream(socket.getOutputStream());
      this.authorization = authorization;
    }

    void send(JsonObject frame) throws Exception {
      JsonObject headers =
          frame
              .getJsonObject("headers", new JsonObject())
              .copy()
              .put("Authorization", authorization);
      byte[] bytes = frame.copy().put("headers", headers).encode().getBytes(StandardCharsets.UTF_8);
      out.writeInt(bytes.length);
      out.write(bytes);
      out.flush();
    }

    JsonObject read() throws Exception {
      byte[] frame = new byte[in.readInt()];
      in.readFully(frame);
      return new JsonObject(new String(frame, StandardCharsets.UTF_8));
    }

    /** The reply to a request sent with {@code replyAddress}, skipping event messages. */
    JsonObject readFor(String replyAddress) throws Exception {
      while (true) {
        JsonObject frame = read();
        if (replyAddress.equals(frame.getString("address"))
            || "err".equals(frame.getString("type"))) {
          return frame;
        }
      }
    }

    @Override
    public void close() throws Exception {
      socket.close();
    }
  }
}
