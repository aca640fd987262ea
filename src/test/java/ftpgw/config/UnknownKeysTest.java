package ftpgw.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every key of a config must be one some parser reads; the shipped configs hold only such keys. */
class UnknownKeysTest {
  @Test
  void theShippedConfigsHaveNoUnknownKeys() throws Exception {
    for (String name : new String[] {"conf/node.json", "conf/proxy.json"}) {
      GatewayConfig.fromJson(new JsonObject(Files.readString(Path.of(name))));
    }
  }

  @Test
  void nestedSectionsListsAndSecretVariantsAreKnown() {
    GatewayConfig.fromJson(
        new JsonObject(
            """
        {"relay": {"target": {"host": "127.0.0.1", "user": "u", "passwordEnv": "PATH",
                              "tls": {"protocols": ["TLSv1.2"], "verifyHostname": false}}},
         "cluster": {"members": ["127.0.0.1"], "chunkBytes": 65536}}"""));
  }

  @Test
  void everyUnknownKeyIsNamedWithItsNearestKnownOne() {
    assertThatThrownBy(
            () ->
                GatewayConfig.fromJson(
                    new JsonObject(
                        """
        {"http": {"port": 6969, "maxUploadByte": 5}, "spool": {"dir": "x", "quota": 1},
         "relay": {"target": {"host": "h", "user": "u", "pasword": "p"}}}""")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown key http.maxUploadByte (did you mean http.maxUploadBytes?)")
        .hasMessageContaining("unknown key spool.quota")
        .hasMessageContaining(
            "unknown key relay.target.pasword (did you mean relay.target.password?)")
        .hasMessageContaining("docs/configuration.md");
  }

  @Test
  void nearestIsByEditDistanceAndFarOffKeysGetNoSuggestion() {
    assertThat(UnknownKeys.distance("htpp.port", "http.port")).isEqualTo(1);
    assertThat(
            UnknownKeys.nearest(
                "relay.conections", java.util.Set.of("relay.connections", "relay.target")))
        .isEqualTo("relay.connections");
    assertThat(UnknownKeys.nearest("completely.different", java.util.Set.of("http.port"))).isNull();
  }
}
