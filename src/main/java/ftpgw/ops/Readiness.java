package ftpgw.ops;

import ftpgw.cluster.ClusterView;
import ftpgw.config.FtpTarget;
import ftpgw.relay.FtpLoginProbe;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code GET /ready} checks: the node is a live cluster member (when clustered), its spool
 * folders are writable, and the FTP target can be logged in to, TLS included (relay nodes). Each
 * check answers with its detail.
 */
public final class Readiness {
  private static final int FTP_CONNECT_TIMEOUT_MILLIS = 2000;
  private static final long CHECK_TIMEOUT_MILLIS = 5000;

  /**
   * Connect (2 s), TLS, and a login that may be refused only after a few seconds (FtpLoginProbe's
   * 10 s at most).
   */
  private static final long FTP_CHECK_TIMEOUT_MILLIS = 15_000;

  private final Vertx vertx;
  private final HealthChecks checks;
  private NetClient ftpProbe;
  private FtpLoginCheck ftpLogin;

  /**
   * @param writableDirs folders the node writes to (its spool, a relay's inbound folder)
   * @param ftpLogin logs in to the FTP server a relay publishes to, or null when this node does not
   *     relay
   */
  public Readiness(Vertx vertx, List<Path> writableDirs, FtpLoginProbe ftpLogin) {
    this.vertx = vertx;
    this.checks = HealthChecks.create(vertx);
    ClusterView cluster = ClusterView.of(vertx);
    checks.register("cluster", CHECK_TIMEOUT_MILLIS, promise -> checkCluster(cluster, promise));
    if (!writableDirs.isEmpty()) {
      checks.register(
          "spool", CHECK_TIMEOUT_MILLIS, promise -> checkWritable(writableDirs, promise));
    }
    if (ftpLogin != null) {
      ftpProbe =
          vertx.createNetClient(
              new NetClientOptions().setConnectTimeout(FTP_CONNECT_TIMEOUT_MILLIS));
      this.ftpLogin = new FtpLoginCheck(vertx, ftpLogin);
      checks.register(
          "ftp", FTP_CHECK_TIMEOUT_MILLIS, promise -> checkFtp(ftpLogin.target(), promise));
    }
  }

  public HealthChecks checks() {
    return checks;
  }

  private static void checkCluster(ClusterView cluster, Promise<Status> promise) {
    JsonObject data =
        new JsonObject().put("clustered", cluster.clustered()).put("nodeId", cluster.nodeId());
    if (cluster.clustered()) {
      data.put("members", cluster.members().size());
    }
    promise.complete(
        cluster.active() ? Status.OK(data) : Status.KO(data.put("reason", "not a cluster member")));
  }

  private void checkWritable(List<Path> dirs, Promise<Status> promise) {
    vertx
        .executeBlocking(
            () -> {
              for (Path dir : dirs) {
                Files.createDirectories(dir);
                Path probe = Files.createTempFile(dir, ".ready-", ".probe");
                Files.write(probe, new byte[] {1});
                Files.delete(probe);
              }
              return null;
            },
            false)
        .onComplete(
            done -> {
              JsonObject data =
                  new JsonObject()
                      .put("dirs", dirs.stream().map(d -> d.toAbsolutePath().toString()).toList());
              promise.complete(
                  done.succeeded()
                      ? Status.OK(data)
                      : Status.KO(
                          data.put("reason", "not writable: " + done.cause().getMessage())));
            });
  }

  /**
   * A TCP connection on every call (an FTP server that stops shows at once), then the login, which
   * is cached and rate-limited by {@link FtpLoginCheck}.
   */
  private void checkFtp(FtpTarget target, Promise<Status> promise) {
    JsonObject data = new JsonObject().put("target", target.host() + ":" + target.port());
    ftpProbe
        .connect(target.port(), target.host())
        .compose(socket -> socket.close())
        .onFailure(
            e ->
                promise.complete(
                    Status.KO(data.put("reason", "cannot connect: " + e.getMessage()))))
        .onSuccess(
            connected ->
                ftpLogin
                    .result()
                    .onComplete(
                        login ->
                            promise.complete(
                                login.succeeded()
                                    ? Status.OK(data)
                                    : Status.KO(data.put("reason", login.cause().getMessage())))));
  }

  /** Closes the probe client. */
  public Future<Void> close() {
    return ftpProbe == null ? Future.succeededFuture() : ftpProbe.close();
  }
}
