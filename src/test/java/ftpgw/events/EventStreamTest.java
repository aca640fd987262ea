package ftpgw.events;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.config.Pbkdf2Hash;
import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Http;
import ftpgw.testing.SseClient;
import ftpgw.testing.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /events}: every state change of an upload as SSE, resumable, filtered, and private to
 * its user.
 */
@ExtendWith(VertxExtension.class)
class EventStreamTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String ALICE_PASSWORD = "alice-Pa55-" + System.nanoTime();
  private static final String BOB_PASSWORD = "bob-Pa55-" + System.nanoTime();

  @TempDir Path dir;

  @Test
  void anUploadShowsEveryStateWithIdsAndALastEventIdResumesAfterIt(Vertx vertx) throws Exception {
    GatewayUnderTest gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject()
                .put("events", new JsonObject().put("heartbeatMs", 200))
                // relayed after it is spooled, so that it passes through queued and relaying
                .put("delivery", new JsonObject().put("cutThroughBytes", 0)));
    Http http = new Http(gateway.httpPort());
    Path file = TestFiles.random(dir, "a.bin", 2_000_000);
    try (SseClient sse = SseClient.open(gateway.url("/events"))) {
      assertThat(sse.response().statusCode()).isEqualTo(200);
      assertThat(sse.response().headers().firstValue("Content-Type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));

      HttpResponse<String> put = http.put("/files/ev/a.bin", file);
      assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
      String id = new JsonObject(put.body()).getString("id");

      SseClient.Event receiving =
          sse.await(
              e -> e.getString("id").equals(id) && e.getString("state").equals("receiving"), WAIT);
      SseClient.Event delivered =
          sse.await(
              e -> e.getString("id").equals(id) && e.getString("state").equals("delivered"), WAIT);
      JsonObject event = delivered.data();
      assertThat(event.fieldNames())
          .contains(
              "id",
              "path",
              "state",
              "bytes",
              "totalBytes",
              "sha256",
              "owner",
              "node",
              "attempts",
              "error",
              "at",
              "eventId");
      assertThat(event.getString("path")).isEqualTo("ev/a.bin");
      assertThat(event.getLong("bytes")).isEqualTo(2_000_000L);
      assertThat(event.getLong("totalBytes")).isEqualTo(2_000_000L);
      assertThat(event.getString("sha256")).isEqualTo(TestFiles.sha256(file));
      assertThat(event.getString("node")).isEqualTo("local");
      assertThat(delivered.id()).isEqualTo(event.getString("eventId")).isNotEqualTo(receiving.id());
      Thread.sleep(500);
      assertThat(sse.comments()).contains("heartbeat");

      // a client that saw only the first event gets every later one replayed, in order, then live
      // ones
      try (SseClient resumed =
          SseClient.open(gateway.url("/events?transfer=" + id), "Last-Event-ID", receiving.id())) {
        List<SseClient.Event> replayed = resumed.drain(Duration.ofMillis(500));
        assertThat(replayed)
            .isNotEmpty()
            .allSatisfy(e -> assertThat(e.data().getString("id")).isEqualTo(id));
        assertThat(replayed.get(0).id()).isNotEqualTo(receiving.id());
        assertThat(replayed.get(replayed.size() - 1).data().getString("state"))
            .isEqualTo("delivered");
        assertThat(replayed.stream().map(e -> e.data().getString("state")))
            .containsSubsequence("queued", "relaying", "delivered");
      }
      // a client without Last-Event-ID starts from now: nothing old is replayed
      try (SseClient fresh = SseClient.open(gateway.url("/events"))) {
        assertThat(fresh.drain(Duration.ofMillis(400))).isEmpty();
      }
    }
    assertThat(gateway.strayFilesAfterAMoment()).isEmpty();
  }

  @Test
  void aPathFilterShowsOnlyThatFolder(Vertx vertx) throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    Http http = new Http(gateway.httpPort());
    try (SseClient sse = SseClient.open(gateway.url("/events?path=wanted/"))) {
      assertThat(http.put("/files/other/x.txt", "x").statusCode()).isEqualTo(201);
      assertThat(http.put("/files/wanted/y.txt", "y").statusCode()).isEqualTo(201);
      sse.await(e -> e.getString("state").equals("delivered"), WAIT);
      Thread.sleep(300);
      assertThat(sse.drain(Duration.ofMillis(300)))
          .allSatisfy(e -> assertThat(e.data().getString("path")).isEqualTo("wanted/y.txt"));
    }
  }

  @Test
  void inUsersModeAnotherUsersEventsAreInvisible(Vertx vertx) throws Exception {
    GatewayUnderTest gateway =
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
                                        .put("folder", "alice")
                                        .put(
                                            "passwordHash",
                                            Pbkdf2Hash.create(ALICE_PASSWORD.toCharArray(), 1000)
                                                .encode()))
                                .add(
                                    new JsonObject()
                                        .put("name", "bob")
                                        .put("folder", "bob")
                                        .put(
                                            "passwordHash",
                                            Pbkdf2Hash.create(BOB_PASSWORD.toCharArray(), 1000)
                                                .encode())))));
    Http http = new Http(gateway.httpPort());
    String alice = Http.basic("alice", ALICE_PASSWORD);
    String bob = Http.basic("bob", BOB_PASSWORD);

    try (SseClient anonymous = SseClient.open(gateway.url("/events"))) {
      assertThat(anonymous.response().statusCode()).isEqualTo(401);
    }
    try (SseClient aliceEvents = SseClient.open(gateway.url("/events"), "Authorization", alice)) {
      HttpResponse<String> bobs = http.put("/files/secret.txt", "bob's", "Authorization", bob);
      assertThat(bobs.statusCode()).isEqualTo(201);
      HttpResponse<String> alices = http.put("/files/mine.txt", "alice's", "Authorization", alice);
      assertThat(alices.statusCode()).isEqualTo(201);
      String bobsId = new JsonObject(bobs.body()).getString("id");

      SseClient.Event delivered =
          aliceEvents.await(e -> e.getString("state").equals("delivered"), WAIT);
      assertThat(delivered.data().getString("owner")).isEqualTo("alice");
      assertThat(delivered.data().getString("path")).isEqualTo("mine.txt");
      List<SseClient.Event> rest = aliceEvents.drain(Duration.ofMillis(500));
      assertThat(rest)
          .allSatisfy(
              e -> {
                assertThat(e.data().getString("owner")).isEqualTo("alice");
                assertThat(e.data().getString("id")).isNotEqualTo(bobsId);
              });
      // not even when asked for by id, nor replayed
      try (SseClient asked =
          SseClient.open(
              gateway.url("/events?transfer=" + bobsId),
              "Authorization",
              alice,
              "Last-Event-ID",
              "unknown-0")) {
        assertThat(asked.drain(Duration.ofMillis(500))).isEmpty();
      }
    }
    assertThat(gateway.strayFilesAfterAMoment()).isEmpty();
  }
}
