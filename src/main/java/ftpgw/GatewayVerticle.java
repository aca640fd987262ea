package ftpgw;

import ftpgw.config.FtpServerConfig;
import ftpgw.config.FtpTarget;
import ftpgw.config.GatewayConfig;
import ftpgw.config.RelayConfig;
import ftpgw.config.Secret;
import ftpgw.delivery.DeliveryVerticle;
import ftpgw.ftpserver.FtpAccount;
import ftpgw.ftpserver.FtpServerVerticle;
import ftpgw.http.HttpUploadVerticle;
import ftpgw.relay.FtpRelayVerticle;
import ftpgw.spool.Spool;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Deployable;
import io.vertx.core.VerticleBase;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Deploys the gateway's verticles from its config: the embedded FTP server, then the relay, then the delivery
 * (which re-queues what the spool recovered), then HTTP — consumers before producers. Nothing else.
 */
public final class GatewayVerticle extends VerticleBase {
  /** The relay's login on the embedded server; its password is random per start and lives in memory only. */
  static final String RELAY_ACCOUNT = "ftpgw-relay";

  private GatewayConfig config;
  private FtpAccount relayAccount;
  private FtpServerVerticle ftpServer;
  private HttpUploadVerticle http;
  private Stage previousStage;

  @Override
  public Future<?> start() {
    config = GatewayConfig.fromJson(config());
    relayAccount = new FtpAccount(RELAY_ACCOUNT, Secret.of(randomPassword()));
    return deployFtpServer()
        .compose(v -> deployRelay(relayConfig()))
        .compose(v -> vertx.executeBlocking(() -> Spool.open(config.spool())))
        .compose(spool -> deployDelivery(spool).compose(v -> deployHttp(spool)));
  }

  /**
   * Deploys {@code verticle} as a child of the stage deployed before it. Vert.x undeploys children before their
   * parent, so on shutdown HTTP stops first, then the delivery lets relays in progress finish, then the relay
   * closes its connections, and the embedded FTP server stops last.
   */
  private Future<String> deployStage(Deployable verticle, DeploymentOptions options) {
    Context parent = previousStage == null ? context : previousStage.stageContext();
    Promise<String> deployed = Promise.promise();
    parent.runOnContext(v -> vertx.deployVerticle(verticle, options).onComplete(deployed));
    return deployed.future().onSuccess(id -> {
      if (verticle instanceof Stage stage) {
        previousStage = stage;
      }
    });
  }

  /** The HTTP port actually bound (useful with port 0). */
  public int httpPort() {
    return http.actualPort();
  }

  /** The embedded FTP server's port, or -1 when it is not running. */
  public int ftpPort() {
    return ftpServer == null ? -1 : ftpServer.actualPort();
  }

  private Future<?> deployFtpServer() {
    FtpServerConfig ftp = config.ftpServer();
    if (!ftp.enabled()) {
      return Future.succeededFuture();
    }
    ftpServer = new FtpServerVerticle(ftp, config.relay().target() == null ? relayAccount : null);
    return deployStage(ftpServer, new DeploymentOptions());
  }

  /** A relay target given in config wins over the embedded server. */
  private RelayConfig relayConfig() {
    RelayConfig relay = config.relay();
    if (relay.target() != null) {
      return relay;
    }
    String host = config.ftpServer().host();
    String reachable = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    return relay.withTarget(new FtpTarget(reachable, ftpServer.actualPort(), relayAccount.name(),
        relayAccount.password(), ""));
  }

  private Future<?> deployRelay(RelayConfig relay) {
    return deployStage(new FtpRelayVerticle(relay), new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER));
  }

  private Future<?> deployDelivery(Spool spool) {
    return deployStage(new DeliveryVerticle(config.delivery(), spool, config.relay().relayTimeout(),
        config.relay().connections()), new DeploymentOptions());
  }

  private Future<?> deployHttp(Spool spool) {
    http = new HttpUploadVerticle(config.http(), spool, config.delivery());
    Future<String> first = deployStage(http, new DeploymentOptions());
    int more = config.http().instances() - 1;
    return more == 0 ? first : first.compose(id -> {
      Promise<String> deployed = Promise.promise();
      previousStage.stageContext().runOnContext(v -> vertx.deployVerticle(
          () -> new HttpUploadVerticle(config.http(), spool, config.delivery()),
          new DeploymentOptions().setInstances(more)).onComplete(deployed));
      return deployed.future();
    });
  }

  private static String randomPassword() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
