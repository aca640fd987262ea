package ftpgw.events;

import ftpgw.auth.Authenticator;
import ftpgw.config.BridgesConfig.TcpBridgeConfig;
import ftpgw.config.DeliveryConfig;
import ftpgw.delivery.TransferStatusStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Vert.x TCP event-bus bridge ({@code bridges.tcp}): programs in any language receive transfer
 * events and ask for or cancel a transfer over a socket (4-byte length + JSON frames), with the
 * same logins as HTTP.
 */
public final class TcpBridgeVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(TcpBridgeVerticle.class);

  private final TcpBridgeConfig config;
  private final Authenticator auth;
  private final DeliveryConfig delivery;
  private TcpEventBusBridge bridge;

  public TcpBridgeVerticle(TcpBridgeConfig config, Authenticator auth, DeliveryConfig delivery) {
    this.config = config;
    this.auth = auth;
    this.delivery = delivery;
  }

  @Override
  public Future<?> start() {
    BridgeAccess access = new BridgeAccess(vertx, auth, new TransferStatusStore(vertx, delivery));
    NetServerOptions options = new NetServerOptions();
    if (config.tls()) {
      options
          .setSsl(true)
          .setKeyCertOptions(
              new PemKeyCertOptions()
                  .setKeyPath(config.keyPath().toString())
                  .setCertPath(config.certPath().toString()));
    }
    bridge =
        TcpEventBusBridge.create(
            vertx, access.permit(new io.vertx.ext.bridge.BridgeOptions()), options, access::tcp);
    return access
        .serveRequests()
        .compose(v -> bridge.listen(config.port(), config.host()))
        .onSuccess(
            b ->
                log.info(
                    "TCP event-bus bridge on {}:{}{}",
                    config.host(),
                    config.port(),
                    config.tls() ? " (TLS)" : ""));
  }

  @Override
  public Future<?> stop() {
    return bridge == null ? Future.succeededFuture() : bridge.close();
  }
}
