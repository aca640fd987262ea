package ftpgw.relay;

import ftpgw.config.RelayConfig;
import ftpgw.lifecycle.Stage;
import ftpgw.transfer.Addresses;
import ftpgw.transfer.Failure;
import ftpgw.transfer.RelayRequest;
import ftpgw.transfer.RelayResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains spooled files to the target FTP server: answers {@link Addresses#RELAY_FILE} by publishing
 * the file over a pooled connection. The FTP calls block, so they run on a worker pool as large as
 * the connection pool.
 */
public final class FtpRelayVerticle extends VerticleBase implements Stage {
  private static final Logger log = LoggerFactory.getLogger(FtpRelayVerticle.class);

  private final RelayConfig config;
  private final ConnectionBudget budget;
  private final PassthroughPools clientLogins;
  private final TempFileLedger ledger;
  private volatile FtpConnectionPool pool;
  private FtpPublisher publisher;
  private WorkerExecutor ftpThreads;
  private MessageConsumer<JsonObject> consumer;

  public FtpRelayVerticle(RelayConfig config) {
    this(config, ConnectionBudget.UNLIMITED, null);
  }

  /**
   * @param budget FTP sessions shared with other relay nodes (see {@link ConnectionBudget})
   * @param clientLogins the clients' own FTP logins (auth mode passthrough), or null
   */
  public FtpRelayVerticle(
      RelayConfig config, ConnectionBudget budget, PassthroughPools clientLogins) {
    this(config, budget, clientLogins, null);
  }

  /**
   * @param tempRecords local folder where each temporary FTP file is recorded while it exists; on
   *     start, those an earlier run left (a killed process) are deleted from the FTP server. Null:
   *     none recorded
   */
  public FtpRelayVerticle(
      RelayConfig config,
      ConnectionBudget budget,
      PassthroughPools clientLogins,
      Path tempRecords) {
    this.config = config;
    this.budget = budget;
    this.clientLogins = clientLogins;
    this.ledger = new TempFileLedger(tempRecords);
  }

  /** FTP connections carrying a transfer now. */
  public int connectionsInUse() {
    FtpConnectionPool current = pool;
    return (current == null ? 0 : current.inUse())
        + (clientLogins == null ? 0 : clientLogins.inUse());
  }

  /** FTP connections open now, busy or idle. */
  public int connectionsOpen() {
    FtpConnectionPool current = pool;
    return (current == null ? 0 : current.open())
        + (clientLogins == null ? 0 : clientLogins.open());
  }

  /**
   * The pool that serves {@code ftpUser}'s requests (the relay's own login when null); refused
   * (530) in passthrough mode for a user whose login this node does not know.
   */
  public FtpConnectionPool poolFor(String ftpUser) throws FtpReplyException {
    if (ftpUser == null) {
      return pool;
    }
    if (clientLogins == null) {
      throw new FtpReplyException(
          "login as \"" + ftpUser + "\"",
          530,
          "this relay does not log in as clients (auth mode is not passthrough)");
    }
    return clientLogins.of(ftpUser).pool();
  }

  /** The remote folder every client path is under ("" for the login's home). */
  public String baseDir() {
    return config.target().dir();
  }

  @Override
  public Context stageContext() {
    return context;
  }

  @Override
  public Future<?> start() {
    pool = new FtpConnectionPool(config, budget);
    publisher = new FtpPublisher(config.target().dir(), ledger);
    ftpThreads = vertx.createSharedWorkerExecutor("ftp-relay", config.connections());
    // local: the request names a file on this host (edges reach relay nodes through RELAY_REMOTE)
    consumer = vertx.eventBus().localConsumer(Addresses.RELAY_FILE, this::relay);
    return consumer
        .completion()
        .onSuccess(
            v ->
                log.info(
                    "Relaying to {} with up to {} connections{}",
                    config.target(),
                    config.connections(),
                    clientLogins == null ? "" : ", logging in as each client (passthrough)"))
        .onSuccess(
            v ->
                ftpThreads
                    .executeBlocking(this::removeLeftoverTempFiles, false)
                    .onFailure(
                        e ->
                            log.warn(
                                "Cannot remove temporary FTP files an earlier run left (tried again at the next"
                                    + " start): {}",
                                e.getMessage())));
  }

  /**
   * The janitor: deletes the temporary files a killed earlier run left on the FTP server (see
   * TempFileLedger).
   */
  private Integer removeLeftoverTempFiles() throws IOException {
    List<TempFileLedger.Entry> leftovers = ledger.leftovers();
    if (leftovers.isEmpty()) {
      return 0;
    }
    int removed =
        pool.withConnection(
            ftp -> {
              int gone = 0;
              for (TempFileLedger.Entry entry : leftovers) {
                if (FtpPublisher.deleteQuietly(ftp, entry.remotePath())) {
                  ledger.forget(entry);
                  gone++;
                } else {
                  log.warn(
                      "Cannot remove the temporary file {} yet: {}",
                      entry.remotePath(),
                      ftp.getReplyString());
                }
              }
              return gone;
            });
    if (removed > 0) {
      log.info(
          "Removed {} temporary file(s) left on the FTP server by a killed run or a broken connection",
          removed);
    }
    return removed;
  }

  @Override
  public Future<?> stop() {
    return consumer
        .unregister()
        .eventually(() -> ftpThreads.close())
        .eventually(
            () ->
                vertx.executeBlocking(
                    () -> {
                      pool.close();
                      if (clientLogins != null) {
                        clientLogins.close();
                      }
                      return null;
                    }));
  }

  private void relay(Message<JsonObject> message) {
    RelayRequest request = RelayRequest.fromJson(message.body());
    ftpThreads
        .executeBlocking(() -> publish(request), false)
        .onSuccess(result -> message.reply(result.toJson()))
        .onFailure(
            error -> {
              Failure failure = classify(error);
              log.warn(
                  "Transfer {} to {} failed ({}): {}",
                  request.transferId(),
                  request.remotePath(),
                  failure,
                  error.getMessage());
              message.fail(failure.busCode(), describe(error));
              // a temporary file whose delete failed with its connection: try again on a fresh one
              ftpThreads.executeBlocking(this::removeLeftoverTempFiles, false);
            });
  }

  private RelayResult publish(RelayRequest request) throws IOException {
    long started = System.nanoTime();
    FtpPublisher.Published published;
    if (request.ftpUser() == null) {
      FtpConnectionPool parallel = config.offsetWrites() ? pool : null;
      published = pool.withConnection(ftp -> publisher.publish(ftp, request, parallel));
    } else {
      PassthroughPools.Login login =
          clientLogins == null ? null : clientLogins.of(request.ftpUser());
      if (login == null) {
        throw new FtpReplyException(
            "login as \"" + request.ftpUser() + "\"",
            530,
            "this relay does not log in as clients (auth mode is not passthrough)");
      }
      FtpConnectionPool parallel = config.offsetWrites() ? login.pool() : null;
      published =
          login.pool().withConnection(ftp -> login.publisher().publish(ftp, request, parallel));
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    log.debug(
        "Transfer {} published as {} ({} bytes, {} ms)",
        request.transferId(),
        published.path(),
        published.bytes(),
        millis);
    // the file's length, not the request's: a form that crossed while it arrived was offered with
    // its whole multipart length
    return new RelayResult(request.transferId(), published.path(), published.bytes(), millis);
  }

  /**
   * @see FtpFailures#classify
   */
  public static Failure classify(Throwable error) {
    return FtpFailures.classify(error);
  }

  private String describe(Throwable error) {
    return FtpFailures.describe(config.target(), error);
  }
}
