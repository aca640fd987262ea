package ftpgw.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The {@code roles} and {@code cluster} keys: defaults, what each role needs, messages naming the
 * key.
 */
class RolesConfigTest {

  @Test
  void aNodeWithoutRolesDoesEverything() {
    GatewayConfig config = GatewayConfig.fromJson(new JsonObject());

    assertThat(config.roles()).containsExactlyInAnyOrder(Role.HTTP, Role.RELAY, Role.FTP);
    assertThat(config.ftpServer().enabled()).isTrue();
    assertThat(config.cluster().ftpConnections()).isEqualTo(config.relay().connections());
    assertThat(config.cluster().chunkBytes()).isEqualTo(1 << 20);
  }

  @Test
  void anEdgeNeedsNoFtpSettingsAtAll() {
    GatewayConfig edge =
        GatewayConfig.fromJson(new JsonObject().put("roles", new JsonArray().add("http")));

    assertThat(edge.roles()).containsExactly(Role.HTTP);
    assertThat(edge.ftpServer().enabled()).isFalse();
    assertThat(edge.relay().target()).isNull();
  }

  @Test
  void theClusterBudgetDefaultsToTheRelayPoolSize() {
    GatewayConfig config =
        GatewayConfig.fromJson(
            new JsonObject().put("relay", new JsonObject().put("connections", 3)));

    assertThat(config.cluster().ftpConnections()).isEqualTo(3);
  }

  @Test
  void refusesARelayWithNowhereToPublish() {
    assertThatThrownBy(
            () ->
                GatewayConfig.fromJson(new JsonObject().put("roles", new JsonArray().add("relay"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("relay.target is not set");
  }

  @Test
  void refusesAnEmbeddedFtpServerOnANodeWithoutTheFtpRole() {
    JsonObject json =
        new JsonObject()
            .put("roles", new JsonArray().add("http"))
            .put("ftpServer", new JsonObject().put("enabled", true));

    assertThatThrownBy(() -> GatewayConfig.fromJson(json))
        .hasMessageContaining("roles has no \"ftp\"");
  }

  @Test
  void refusesUnknownDuplicateOrMissingRoles() {
    assertThatThrownBy(() -> roles(new JsonArray().add("http").add("proxy")))
        .hasMessageContaining(
            "roles may contain only \"http\", \"relay\" and \"ftp\", got \"proxy\"");
    assertThatThrownBy(() -> roles(new JsonArray().add("http").add("http")))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> roles(new JsonArray()))
        .hasMessageContaining("roles must be a non-empty list");
    assertThatThrownBy(() -> GatewayConfig.fromJson(new JsonObject().put("roles", "http")))
        .hasMessageContaining("roles must be a non-empty list");
  }

  @Test
  void refusesBadClusterValuesNamingTheKey() {
    assertThatThrownBy(() -> cluster(new JsonObject().put("chunkBytes", 10)))
        .hasMessageContaining("cluster.chunkBytes must be 4096..16777216, got 10");
    assertThatThrownBy(() -> cluster(new JsonObject().put("chunkWindow", 0)))
        .hasMessageContaining("cluster.chunkWindow must be 1..64");
    assertThatThrownBy(() -> cluster(new JsonObject().put("ftpConnections", 0)))
        .hasMessageContaining("cluster.ftpConnections must be 1..1024");
    assertThatThrownBy(() -> cluster(new JsonObject().put("members", "10.0.0.1")))
        .hasMessageContaining("cluster.members must be a list of addresses");
    assertThatThrownBy(() -> cluster(new JsonObject().put("relayStartTimeoutMs", 0)))
        .hasMessageContaining("cluster.relayStartTimeoutMs must be > 0");
  }

  @Test
  void everyShippedNodeConfigIsValid() throws Exception {
    List<Path> files;
    try (Stream<Path> deploy =
        Stream.of(Path.of("deploy/nodes"), Path.of("deploy/docker"))
            .flatMap(RolesConfigTest::jsonFiles)) {
      files = Stream.concat(Stream.of(Path.of("conf/node.json")), deploy).toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(8);
    for (Path file : files) {
      // secrets come from files and variables of the target host: stand in for them
      String json =
          Files.readString(file)
              .replaceAll("\"passwordFile\": \"[^\"]+\"", "\"password\": \"x\"")
              .replaceAll(
                  "\"passwordHashFile\": \"[^\"]+\"",
                  "\"passwordHash\": \""
                      + Pbkdf2Hash.create("x".toCharArray(), Pbkdf2Hash.MIN_ITERATIONS)
                          .encode()
                          .replace("$", "\\$")
                      + "\"");
      GatewayConfig config = GatewayConfig.fromJson(new JsonObject(json));
      assertThat(config.roles()).as(file.toString()).isNotEmpty();
    }
  }

  private static Stream<Path> jsonFiles(Path dir) {
    try {
      return Files.list(dir).filter(p -> p.toString().endsWith(".json")).toList().stream();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static GatewayConfig roles(JsonArray roles) {
    return GatewayConfig.fromJson(new JsonObject().put("roles", roles));
  }

  private static GatewayConfig cluster(JsonObject cluster) {
    return GatewayConfig.fromJson(new JsonObject().put("cluster", cluster));
  }
}
