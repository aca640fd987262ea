package ftpgw.relay;

import ftpgw.config.RelayConfig;
import ftpgw.transfer.Addresses;
import ftpgw.transfer.Failure;
import ftpgw.transfer.RelayRequest;
import ftpgw.transfer.RelayResult;
import ftpgw.Stage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Drains spooled files to the target FTP server: answers {@link Addresses#RELAY_FILE} by publishing the file over a
 * pooled connection. The FTP calls block, so they run on a worker pool as large as the connection pool.
 */
public final class FtpRelayVerticle extends VerticleBase implements Stage {
  private static final Logger log = LoggerFactory.getLogger(FtpRelayVerticle.class);

  private final RelayConfig config;
  private final ConnectionBudget budget;
  private final FtpLogins clientLogins;
  private final TempFileLedger ledger;
  private volatile FtpConnectionPool pool;
  private FtpPublisher publisher;
  private WorkerExecutor ftpThreads;
  private MessageConsumer<JsonObject> consumer;

  public FtpRelayVerticle(RelayConfig config) {
    this(config, ConnectionBudget.UNLIMITED, null);
  }

  /**
   * @param budget       FTP sessions shared with other relay nodes (see {@link ConnectionBudget})
   * @param clientLogins the clients' own FTP logins (auth mode passthrough), or null
   */
  public FtpRelayVerticle(RelayConfig config, ConnectionBudget budget, FtpLogins clientLogins) {
    this(config, budget, clientLogins, null);
  }

  /**
   * @param tempRecords local folder where each temporary FTP file is recorded while it exists; on start, those an
   *                    earlier run left (a killed process) are deleted from the FTP server. Null: none recorded
   */
  public FtpRelayVerticle(RelayConfig config, ConnectionBudget budget, FtpLogins clientLogins, Path tempRecords) {
    this.config = config;
    this.budget = budget;
    this.clientLogins = clientLogins;
    this.ledger = new TempFileLedger(tempRecords);
  }

  /** FTP connections carrying a transfer now. */
  public int connectionsInUse() {
    FtpConnectionPool current = pool;
    return (current == null ? 0 : current.inUse()) + (clientLogins == null ? 0 : clientLogins.inUse());
  }

  /** FTP connections open now, busy or idle. */
  public int connectionsOpen() {
    FtpConnectionPool current = pool;
    return (current == null ? 0 : current.open()) + (clientLogins == null ? 0 : clientLogins.open());
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
    return consumer.completion()
        .onSuccess(v -> log.info("Relaying to {} with up to {} connections{}", config.target(),
            config.connections(), clientLogins == null ? "" : ", logging in as each client (passthrough)"))
        .onSuccess(v -> ftpThreads.executeBlocking(this::removeLeftoverTempFiles, false)
            .onFailure(e -> log.warn("Cannot remove temporary FTP files an earlier run left (tried again at the next"
                + " start): {}", e.getMessage())));
  }

  /** The janitor: deletes the temporary files a killed earlier run left on the FTP server (see TempFileLedger). */
  private Integer removeLeftoverTempFiles() throws IOException {
    List<TempFileLedger.Entry> leftovers = ledger.leftovers();
    if (leftovers.isEmpty()) {
      return 0;
    }
    int removed = pool.withConnection(ftp -> {
      int gone = 0;
      for (TempFileLedger.Entry entry : leftovers) {
        if (FtpPublisher.deleteQuietly(ftp, entry.remotePath())) {
          ledger.forget(entry);
          gone++;
        } else {
          log.warn("Cannot remove the temporary file {} yet: {}", entry.remotePath(), ftp.getReplyString());
        }
      }
      return gone;
    });
    if (removed > 0) {
      log.info("Removed {} temporary file(s) left on the FTP server by a killed run or a broken connection", removed);
    }
    return removed;
  }

  @Override
  public Future<?> stop() {
    return consumer.unregister()
        .eventually(() -> ftpThreads.close())
        .eventually(() -> vertx.executeBlocking(() -> {
          pool.close();
          if (clientLogins != null) {
            clientLogins.close();
          }
          return null;
        }));
  }

  private void relay(Message<JsonObject> message) {
    RelayRequest request = RelayRequest.fromJson(message.body());
    ftpThreads.executeBlocking(() -> publish(request), false)
        .onSuccess(result -> message.reply(result.toJson()))
        .onFailure(error -> {
          Failure failure = classify(error);
          log.warn("Transfer {} to {} failed ({}): {}", request.transferId(), request.remotePath(), failure,
              error.getMessage());
          message.fail(failure.busCode(), describe(error));
          // a temporary file whose delete failed with its connection: try again on a fresh one
          ftpThreads.executeBlocking(this::removeLeftoverTempFiles, false);
        });
  }

  private RelayResult publish(RelayRequest request) throws IOException {
    long started = System.nanoTime();
    String published;
    if (request.ftpUser() == null) {
      published = pool.withConnection(ftp -> publisher.publish(ftp, request));
    } else {
      FtpLogins.Login login = clientLogins == null ? null : clientLogins.of(request.ftpUser());
      if (login == null) {
        throw new FtpReplyException("login as \"" + request.ftpUser() + "\"", 530,
            "this relay does not log in as clients (auth mode is not passthrough)");
      }
      published = login.pool().withConnection(ftp -> login.publisher().publish(ftp, request));
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    log.debug("Transfer {} published as {} ({} bytes, {} ms)", request.transferId(), published, request.bytes(), millis);
    return new RelayResult(request.transferId(), published, request.bytes(), millis);
  }

  /**
   * RFC 959: 4xx replies are transient (421 too many users, 425/426 data connection trouble, 450/451 local
   * trouble), 5xx permanent (530 login, 550/553 refused names); 452/552 mean the server is out of room.
   */
  static Failure classify(Throwable error) {
    if (error instanceof FtpReplyException reply) {
      int code = reply.replyCode();
      if (code == 452 || code == 552) {
        return Failure.FTP_NO_SPACE;
      }
      return code >= 400 && code < 500 ? Failure.FTP_BUSY : Failure.FTP_REFUSED;
    }
    if (error instanceof FtpSessionLost) {
      return Failure.FTP_BUSY;
    }
    if (error instanceof PublishFence.Superseded) {
      return Failure.RELAY_UNAVAILABLE;
    }
    if (error instanceof NoSuchFileException) {
      return Failure.INTERNAL;
    }
    if (timedOut(error)) {
      return Failure.FTP_TIMEOUT;
    }
    if (error instanceof ConnectException || error instanceof UnknownHostException) {
      return Failure.FTP_UNREACHABLE;
    }
    if (error instanceof IOException) {
      return Failure.FTP_UNREACHABLE;
    }
    return Failure.INTERNAL;
  }

  /** Commons Net wraps some timeouts ("Timed out waiting for initial connect reply"), so look at the causes too. */
  private static boolean timedOut(Throwable error) {
    for (Throwable e = error; e != null; e = e.getCause()) {
      if (e instanceof SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }

  private String describe(Throwable error) {
    String target = config.target().host() + ":" + config.target().port();
    if (error instanceof FtpReplyException || error instanceof FtpSessionLost) {
      return "FTP server " + target + ": " + error.getMessage();
    }
    if (error instanceof NoSuchFileException) {
      return "the spooled body is gone: " + error.getMessage();
    }
    if (timedOut(error)) {
      return "FTP server " + target + " did not answer in time: " + error.getMessage();
    }
    if (error instanceof SSLException) {
      return "TLS with FTP server " + target + " failed (check relay.target.tls): " + error.getMessage();
    }
    return "FTP server " + target + " unreachable: " + error.getMessage();
  }
}
