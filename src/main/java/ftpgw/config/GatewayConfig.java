package ftpgw.config;

import io.vertx.core.json.JsonObject;

/** The whole gateway configuration, parsed and validated once at start-up from the {@code -conf} JSON. */
public record GatewayConfig(HttpConfig http, SpoolConfig spool, RelayConfig relay, DeliveryConfig delivery,
                            FtpServerConfig ftpServer) {

  public GatewayConfig {
    Json.require(relay.target() != null || ftpServer.enabled(),
        "relay.target is not set and ftpServer.enabled is false: the relay has nowhere to publish");
  }

  /** Parses {@code json}; an invalid value throws {@link IllegalArgumentException} naming its key. */
  public static GatewayConfig fromJson(JsonObject json) {
    Json root = new Json(json == null ? new JsonObject() : json, "");
    RelayConfig relay = RelayConfig.fromJson(Json.section(root.json(), "relay", "relay"));
    return new GatewayConfig(
        HttpConfig.fromJson(Json.section(root.json(), "http", "http")),
        SpoolConfig.fromJson(Json.section(root.json(), "spool", "spool")),
        relay,
        DeliveryConfig.fromJson(Json.section(root.json(), "delivery", "delivery")),
        FtpServerConfig.fromJson(Json.section(root.json(), "ftpServer", "ftpServer"), relay.target() == null));
  }
}
