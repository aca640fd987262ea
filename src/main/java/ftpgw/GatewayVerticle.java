package ftpgw;

import ftpgw.auth.Authenticator;
import ftpgw.cluster.ClusterFtpBudget;
import ftpgw.cluster.ClusterRelayVerticle;
import ftpgw.cluster.ClusterView;
import ftpgw.cluster.EdgeRelayVerticle;
import ftpgw.config.AuthMode;
import ftpgw.config.DeliveryConfig;
import ftpgw.config.FtpServerConfig;
import ftpgw.config.FtpTarget;
import ftpgw.config.GatewayConfig;
import ftpgw.config.RelayConfig;
import ftpgw.config.Role;
import ftpgw.config.Secret;
import ftpgw.delivery.DeliveryVerticle;
import ftpgw.events.TcpBridgeVerticle;
import ftpgw.files.FilesVerticle;
import ftpgw.ftpserver.FtpAccount;
import ftpgw.ftpserver.FtpServerVerticle;
import ftpgw.hooks.PostHookVerticle;
import ftpgw.http.HttpUploadVerticle;
import ftpgw.http.OpsHttpVerticle;
import ftpgw.lifecycle.Stage;
import ftpgw.ops.NodeMetrics;
import ftpgw.ops.OpsRoutes;
import ftpgw.ops.Readiness;
import ftpgw.relay.ConnectionBudget;
import ftpgw.relay.FtpLoginProbe;
import ftpgw.relay.FtpRelayVerticle;
import ftpgw.relay.PassthroughPools;
import ftpgw.spool.Spool;
import ftpgw.tus.TusStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys the gateway's verticles for the node's roles, consumers before producers: the embedded
 * FTP server ({@code ftp}), the relay and its cluster side ({@code relay}), then the spool, the
 * edge's cluster relay when the node does not relay itself, the delivery and HTTP ({@code http}). A
 * node without {@code http} still serves the ops endpoints and transfer status over HTTP. Nothing
 * else.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(GatewayVerticle.class);

  /**
   * The relay's login on the embedded server; its password is random per start and lives in memory
   * only.
   */
  static final String RELAY_ACCOUNT = "ftpgw-relay";

  /** Under spool.dir: bodies a relay node is receiving from edges. */
  static final String RELAY_INBOUND = "relay-inbound";

  private GatewayConfig config;
  private FtpAccount relayAccount;
  private FtpServerVerticle ftpServer;
  private FtpRelayVerticle relay;
  private HttpUploadVerticle http;
  private OpsHttpVerticle opsHttp;
  private Readiness readiness;
  private PrometheusMeterRegistry metrics;
  private PassthroughPools clientLogins;
  private Authenticator auth;
  private Stage previousStage;

  @Override
  public Future<?> start() {
    config = GatewayConfig.fromJson(config());
    relayAccount = new FtpAccount(RELAY_ACCOUNT, Secret.of(randomPassword()));
    metrics = NodeMetrics.registry();
    ClusterView cluster = ClusterView.of(vertx);
    gauge("ftpgw.cluster.members", cluster, c -> c.members().size());
    log.info(
        "Node {} with roles {}{}",
        cluster.nodeId(),
        config.roles().stream().map(Role::apiName).sorted().toList(),
        cluster.clustered() ? " in a cluster of " + cluster.members().size() : " (not clustered)");
    return deployFtpServer()
        .compose(
            v ->
                config.has(Role.RELAY)
                    ? deployRelay(relayConfig())
                    : Future.<Object>succeededFuture())
        .compose(
            v -> {
              readiness =
                  new Readiness(
                      vertx,
                      writableDirs(),
                      relay == null
                          ? null
                          : new FtpLoginProbe(
                              relayConfig(), config.auth().mode() != AuthMode.PASSTHROUGH));
              auth = new Authenticator(vertx, config.auth(), clientLogins);
              OpsRoutes ops = new OpsRoutes(readiness, metrics, auth);
              return auth.refuseGuessablePasswords(config.http().host())
                  .compose(
                      checked -> {
                        Future<?> rest =
                            config.has(Role.HTTP) ? deployUploads(ops) : deployOpsHttp(ops);
                        return rest.compose(deployed -> deployLive()).mapEmpty();
                      });
            })
        .onSuccess(v -> log.info(ReadyLine.of(config, httpPort())));
  }

  @Override
  public Future<?> stop() {
    return readiness == null ? Future.succeededFuture() : readiness.close();
  }

  /**
   * Deploys {@code verticle} as a child of the stage deployed before it. Vert.x undeploys children
   * before their parent, so on shutdown HTTP stops first, then the delivery lets relays in progress
   * finish, then the relay closes its connections, and the embedded FTP server stops last.
   */
  private Future<String> deployStage(Deployable verticle, DeploymentOptions options) {
    Context parent = previousStage == null ? context : previousStage.stageContext();
    Promise<String> deployed = Promise.promise();
    parent.runOnContext(v -> vertx.deployVerticle(verticle, options).onComplete(deployed));
    return deployed
        .future()
        .onSuccess(
            id -> {
              if (verticle instanceof Stage stage) {
                previousStage = stage;
              }
            });
  }

  /** The HTTP port actually bound (useful with port 0). */
  public int httpPort() {
    return http != null ? http.actualPort() : opsHttp.actualPort();
  }

  /** The embedded FTP server's port, or -1 when it is not running. */
  public int ftpPort() {
    return ftpServer == null ? -1 : ftpServer.actualPort();
  }

  private Future<?> deployFtpServer() {
    if (!config.ftpServer().enabled()) {
      return Future.succeededFuture();
    }
    boolean localRelay = config.has(Role.RELAY) && config.relay().target() == null;
    ftpServer = new FtpServerVerticle(config.ftpServer(), localRelay ? relayAccount : null);
    return deployStage(ftpServer, new DeploymentOptions());
  }

  /** A relay target given in config wins over the embedded server. */
  private RelayConfig relayConfig() {
    RelayConfig relayConfig = config.relay();
    if (relayConfig.target() != null) {
      return relayConfig;
    }
    String host = config.ftpServer().host();
    String reachable = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    return relayConfig.withTarget(
        new FtpTarget(
            reachable,
            ftpServer.actualPort(),
            relayAccount.name(),
            relayAccount.password(),
            "",
            embeddedServerTls()));
  }

  /**
   * FTPS to the embedded server when it takes nothing else (ftpServer.tls.required). The relay
   * trusts exactly the server's own certificate, read from its keystore, so the name in it does not
   * have to match the bind address.
   */
  private FtpTarget.FtpsConfig embeddedServerTls() {
    FtpServerConfig.FtpTlsConfig tls = config.ftpServer().tls();
    if (tls == null || !tls.required()) {
      return null;
    }
    return new FtpTarget.FtpsConfig(
        tls.keystore(),
        tls.keystorePassword(),
        tls.keystoreType(),
        null,
        false,
        List.of("TLSv1.2"));
  }

  /**
   * The node's relay; when clustered, its FTP sessions count against the cluster's budget and edges
   * can use it.
   */
  private Future<Object> deployRelay(RelayConfig relayConfig) {
    boolean clustered = ClusterView.of(vertx).clustered();
    ConnectionBudget budget =
        clustered
            ? new ClusterFtpBudget(vertx, context, config.cluster().ftpConnections())
            : ConnectionBudget.UNLIMITED;
    if (config.auth().mode() == AuthMode.PASSTHROUGH) {
      clientLogins = new PassthroughPools(relayConfig, budget, config.auth().cacheFor());
    }
    relay = new FtpRelayVerticle(relayConfig, budget, clientLogins, config.spool().dir());
    gauge("ftpgw.ftp.connections.in.use", relay, FtpRelayVerticle::connectionsInUse);
    gauge("ftpgw.ftp.connections.open", relay, FtpRelayVerticle::connectionsOpen);
    Future<String> deployed =
        deployStage(relay, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER))
            .compose(
                id ->
                    deployStage(new FilesVerticle(relay, relayConfig), new DeploymentOptions())
                        .map(id));
    if (!clustered) {
      return deployed.map(id -> id);
    }
    return deployed
        .compose(
            id ->
                deployStage(
                    new ClusterRelayVerticle(
                        inboundDir(), relayConfig.relayTimeout(), relayConfig.dataTimeout()),
                    new DeploymentOptions()))
        .map(id -> id);
  }

  /** Spool, the edge's way to relay nodes (when this node does not relay), delivery, HTTP. */
  private Future<?> deployUploads(OpsRoutes ops) {
    return vertx
        .executeBlocking(() -> Spool.open(config.spool()))
        .compose(
            spool -> {
              gauge("ftpgw.spool.bytes", spool, Spool::reservedBytes);
              Future<?> edge =
                  config.has(Role.RELAY)
                      ? Future.succeededFuture()
                      : deployStage(
                          new EdgeRelayVerticle(config.cluster(), config.relay().relayTimeout()),
                          new DeploymentOptions());
              return edge.compose(v -> deployDelivery(spool))
                  .compose(v -> vertx.executeBlocking(() -> TusStore.open(spool, config.tus())))
                  .compose(tus -> deployHttp(spool, tus, ops));
            });
  }

  private Future<?> deployDelivery(Spool spool) {
    return deployStage(
        new DeliveryVerticle(
            config.delivery(),
            spool,
            config.relay().relayTimeout(),
            config.relay().connections(),
            metrics),
        new DeploymentOptions());
  }

  private Future<?> deployHttp(Spool spool, TusStore tus, OpsRoutes ops) {
    // an edge keeps no body in memory (it may cross to another node at any time); a body still
    // arriving crosses only over the direct stream
    boolean relaysItself = config.has(Role.RELAY);
    DeliveryConfig delivery =
        relaysItself
            ? config.delivery()
            : config.cluster().stream()
                ? config.delivery().withoutSmallBodies()
                : config.delivery().withEveryBodySpooled();
    http =
        new HttpUploadVerticle(
            config.http(), spool, delivery, ops, auth, config.live(), tus, relaysItself);
    Future<String> first = deployStage(http, new DeploymentOptions());
    int more = config.http().instances() - 1;
    return more == 0
        ? first
        : first.compose(
            id -> {
              Promise<String> deployed = Promise.promise();
              previousStage
                  .stageContext()
                  .runOnContext(
                      v ->
                          vertx
                              .deployVerticle(
                                  () ->
                                      new HttpUploadVerticle(
                                          config.http(),
                                          spool,
                                          delivery,
                                          ops,
                                          auth,
                                          config.live(),
                                          tus,
                                          relaysItself),
                                  new DeploymentOptions().setInstances(more))
                              .onComplete(deployed));
              return deployed.future();
            });
  }

  private Future<?> deployOpsHttp(OpsRoutes ops) {
    opsHttp =
        new OpsHttpVerticle(
            config.http(),
            ops,
            config.delivery(),
            config.spool().retryAfterSeconds(),
            auth,
            config.live());
    return deployStage(opsHttp, new DeploymentOptions());
  }

  /**
   * The TCP event-bus bridge and the post-upload hooks' queue, when configured; after HTTP, so
   * events flow.
   */
  private Future<?> deployLive() {
    Future<?> hooks =
        config.hooks().hasPostHooks() && config.has(Role.HTTP)
            ? deployStage(
                new PostHookVerticle(config.hooks(), config.spool().dir()), new DeploymentOptions())
            : Future.succeededFuture();
    return hooks.compose(
        v ->
            config.bridges().tcp() == null
                ? Future.succeededFuture()
                : deployStage(
                    new TcpBridgeVerticle(config.bridges().tcp(), auth, config.delivery()),
                    new DeploymentOptions()));
  }

  private List<Path> writableDirs() {
    List<Path> dirs = new ArrayList<>();
    if (config.has(Role.HTTP)) {
      dirs.add(config.spool().dir());
    }
    if (relay != null && ClusterView.of(vertx).clustered()) {
      dirs.add(inboundDir());
    }
    return dirs;
  }

  private Path inboundDir() {
    return config.spool().dir().resolve(RELAY_INBOUND);
  }

  private <T> void gauge(String name, T source, ToDoubleFunction<T> value) {
    Gauge.builder(name, source, value).strongReference(true).register(metrics);
  }

  private static String randomPassword() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
