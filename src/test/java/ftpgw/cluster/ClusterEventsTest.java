package ftpgw.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.FreePorts;
import ftpgw.testing.GatewayProcess;
import ftpgw.testing.Http;
import ftpgw.testing.ObservedFtpServer;
import ftpgw.testing.SseClient;
import ftpgw.testing.TestClusterXml;
import ftpgw.testing.TestFiles;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateway JVMs in a cluster of their own: an edge that takes uploads and a relay node that
 * publishes them. A client of the relay node's {@code GET /events} sees the upload the edge took,
 * as the edge published it.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterEventsTest {
  @TempDir Path dir;

  @Test
  void anUploadToTheEdgeIsSeenOnTheRelayNodesEventStream() throws Exception {
    Path hazelcast = TestClusterXml.write(dir, 2);
    ObservedFtpServer ftp = ObservedFtpServer.start(dir, 2, 100_000_000);
    JsonObject relayConfig = relayNode(ftp);
    try (GatewayProcess relay =
        GatewayProcess.startClustered(relayConfig, dir.resolve("relay.json"), hazelcast)) {
      JsonObject edgeConfig = node("edge", new JsonArray().add("http"));
      try (GatewayProcess edge =
          GatewayProcess.startClustered(edgeConfig, dir.resolve("edge.json"), hazelcast)) {
        int relayPort = relayConfig.getJsonObject("http").getInteger("port");
        Http edgeHttp = new Http(edgeConfig.getJsonObject("http").getInteger("port"));
        new Http(relayPort)
            .awaitJson(
                "/ready",
                ready ->
                    ready.getJsonArray("checks").stream()
                        .map(JsonObject.class::cast)
                        .anyMatch(
                            c ->
                                "cluster".equals(c.getString("id"))
                                    && c.getJsonObject("data").getInteger("members") == 2),
                Duration.ofSeconds(60));
        edgeHttp.awaitJson(
            "/ready", ready -> "UP".equals(ready.getString("status")), Duration.ofSeconds(60));
        Path file = TestFiles.random(dir, "c.bin", 1_000_000);

        try (SseClient relayEvents =
            SseClient.open("http://127.0.0.1:" + relayPort + "/events?path=ev/")) {
          HttpResponse<String> put = edgeHttp.put("/files/ev/c.bin", file);
          assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
          String id = new JsonObject(put.body()).getString("id");

          JsonObject delivered =
              relayEvents
                  .await(
                      e -> e.getString("id").equals(id) && e.getString("state").equals("delivered"),
                      Duration.ofSeconds(30))
                  .data();
          assertThat(delivered.getString("sha256")).isEqualTo(TestFiles.sha256(file));
          assertThat(delivered.getString("node"))
              .isEqualTo(nodeId(edge))
              .isNotEqualTo(nodeId(relay));
          assertThat(TestFiles.sha256(ftp.root().resolve("ev/c.bin")))
              .isEqualTo(TestFiles.sha256(file));
        }
      }
    } finally {
      ftp.close();
    }
  }

  private static String nodeId(GatewayProcess process) {
    return process.output().stream()
        .map(line -> java.util.regex.Pattern.compile("Node (\\S+) with roles").matcher(line))
        .filter(java.util.regex.Matcher::find)
        .map(m -> m.group(1))
        .findFirst()
        .orElseThrow();
  }

  private JsonObject relayNode(ObservedFtpServer ftp) {
    return node("relay", new JsonArray().add("relay"))
        .put(
            "relay",
            new JsonObject()
                .put(
                    "target",
                    new JsonObject()
                        .put("host", "127.0.0.1")
                        .put("port", ftp.port())
                        .put("user", ObservedFtpServer.USER)
                        .put("password", ObservedFtpServer.PASSWORD))
                .put("connections", 2));
  }

  private JsonObject node(String name, JsonArray roles) {
    return new JsonObject()
        .put("roles", roles)
        .put("http", new JsonObject().put("port", FreePorts.one()))
        .put("spool", new JsonObject().put("dir", dir.resolve(name).resolve("spool").toString()))
        .put("cluster", new JsonObject().put("ftpConnections", 2).put("relayStartTimeoutMs", 5000));
  }
}
