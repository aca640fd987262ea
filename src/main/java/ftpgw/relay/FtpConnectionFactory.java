package ftpgw.relay;

import ftpgw.config.FtpTarget;
import ftpgw.config.RelayConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPConnectionClosedException;
import org.apache.commons.net.ftp.FTPReply;
import org.apache.commons.net.ftp.FTPSClient;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens logged-in FTP control connections for the pool, checks reused ones with NOOP, and closes
 * them.
 */
final class FtpConnectionFactory extends BasePooledObjectFactory<FTPClient> {
  private static final Logger log = LoggerFactory.getLogger(FtpConnectionFactory.class);
  private static final int BUFFER_BYTES = 256 * 1024;

  /**
   * A connection used this recently is trusted without a NOOP round trip; a stale one fails its
   * transfer, which is retried once.
   */
  private static final Duration TRUSTED_IDLE = Duration.ofSeconds(2);

  private static final int BUSY_TRIES = 4;
  private static final long BUSY_PAUSE_MILLIS = 200;
  private static final Executor RELEASE_LATER =
      CompletableFuture.delayedExecutor(250, TimeUnit.MILLISECONDS);

  private final RelayConfig config;
  private final FtpTarget target;
  private final Set<FTPClient> fresh = ConcurrentHashMap.newKeySet();
  private final ConnectionBudget budget;
  private final Map<FTPClient, ConnectionBudget.Permit> permits = new ConcurrentHashMap<>();
  private final FtpsContexts ftps;
  private BooleanSupplier idleSessionFree = () -> false;

  FtpConnectionFactory(RelayConfig config, ConnectionBudget budget) {
    this.config = config;
    this.target = config.target();
    this.budget = budget;
    this.ftps = target.tls() == null ? null : new FtpsContexts(target.tls());
  }

  /**
   * Tells a creation waiting for a budget permit that the pool has an idle session to reuse
   * instead.
   */
  void reuseWhen(BooleanSupplier idleSessionFree) {
    this.idleSessionFree = idleSessionFree;
  }

  @Override
  public FTPClient create() throws IOException {
    ConnectionBudget.Permit permit = budget.acquire(config.relayTimeout(), idleSessionFree);
    try {
      FTPClient ftp = openPatiently();
      permits.put(ftp, permit);
      return ftp;
    } catch (IOException | RuntimeException e) {
      permit.release();
      throw e;
    }
  }

  /**
   * A server still counts a session that has just ended (ours, another relay node's, anybody's) for
   * a moment, and answers a login in that moment with 421: try again a few times before the
   * transfer's attempt fails.
   */
  private FTPClient openPatiently() throws IOException {
    for (int tries = 1; ; tries++) {
      try {
        return open();
      } catch (IOException e) {
        if (tries >= BUSY_TRIES || !tooManySessions(e)) {
          throw e;
        }
        log.debug(
            "{}:{} has too many sessions for a moment (try {}): {}",
            target.host(),
            target.port(),
            tries,
            e.getMessage());
        try {
          Thread.sleep(BUSY_PAUSE_MILLIS * tries);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private static boolean tooManySessions(IOException e) {
    return e instanceof FtpReplyException reply
        ? reply.replyCode() == 421
        : e instanceof FTPConnectionClosedException
            && String.valueOf(e.getMessage()).contains("421");
  }

  private FTPClient open() throws IOException {
    FTPClient ftp = ftps == null ? new ChannelFtpClient() : ftps.newClient();
    // Commons Net speaks ISO-8859-1 on the control connection by default: names beyond Latin-1
    // would become '?'.
    // vsftpd and Apache FtpServer both take UTF-8 (FEAT: UTF8), as RFC 2640 asks.
    ftp.setControlEncoding(StandardCharsets.UTF_8.name());
    ftp.setConnectTimeout((int) config.connectTimeout().toMillis());
    ftp.setDefaultTimeout((int) config.replyTimeout().toMillis());
    ftp.setDataTimeout(config.dataTimeout());
    ftp.setBufferSize(BUFFER_BYTES);
    ftp.setUseEPSVwithIPv4(true);
    // Commons Net's control keep-alive sends NOOPs during transfers that FtpServer and vsftpd
    // answer only after
    // the transfer: it stalls uploads. Idle connections are checked by the pool instead.
    ftp.setControlKeepAliveTimeout(Duration.ZERO);
    try {
      connect(ftp, target, true);
      if (ftp instanceof FTPSClient secure) {
        secure.execPBSZ(0); // RFC 4217: 0 for TLS, which has its own framing
        secure.execPROT("P");
      }
      FtpReplyException.check(ftp, ftp.setFileType(FTP.BINARY_FILE_TYPE), "TYPE I");
      ftp.enterLocalPassiveMode();
      fresh.add(ftp);
      return ftp;
    } catch (IOException | RuntimeException e) {
      disconnectQuietly(ftp);
      throw e;
    }
  }

  /**
   * Connects {@code ftp} to {@code target} (TCP_NODELAY on the control connection) and, if {@code
   * logIn}, logs in with the relay's account; a refusal is an {@link FtpReplyException} that says
   * what to check.
   */
  static void connect(FTPClient ftp, FtpTarget target, boolean logIn) throws IOException {
    ftp.connect(target.host(), target.port());
    if (!FTPReply.isPositiveCompletion(ftp.getReplyCode())) {
      throw FtpReplyException.refused(ftp, "connecting to " + target.host() + ":" + target.port());
    }
    ftp.setTcpNoDelay(true);
    if (logIn && !ftp.login(target.user(), target.password().reveal())) {
      throw new FtpReplyException(
          "login as \""
              + target.user()
              + "\" on "
              + target.host()
              + ":"
              + target.port()
              + " (check relay.target.user/password)",
          ftp.getReplyCode(),
          ftp.getReplyString().trim());
    }
  }

  /** True once for a connection just opened (not yet used for a transfer). */
  boolean takeFresh(FTPClient ftp) {
    return fresh.remove(ftp);
  }

  @Override
  public PooledObject<FTPClient> wrap(FTPClient ftp) {
    return new DefaultPooledObject<>(ftp);
  }

  @Override
  public boolean validateObject(PooledObject<FTPClient> pooled) {
    FTPClient ftp = pooled.getObject();
    if (!ftp.isConnected()) {
      return false;
    }
    if (Duration.between(pooled.getLastReturnInstant(), Instant.now()).compareTo(TRUSTED_IDLE)
        < 0) {
      return true;
    }
    try {
      // isConnected() stays true after the server dropped us; only a command tells.
      return ftp.sendNoOp();
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void destroyObject(PooledObject<FTPClient> pooled) {
    FTPClient ftp = pooled.getObject();
    fresh.remove(ftp);
    try {
      if (ftp.isConnected()) {
        ftp.logout();
        awaitServerClose(ftp);
      }
    } catch (IOException ignored) {
      // the connection is going away either way
    } finally {
      disconnectQuietly(ftp);
      ConnectionBudget.Permit permit = permits.remove(ftp);
      if (permit != null) {
        // servers count a session until their own bookkeeping of its end has run (FtpServer: on a
        // worker thread,
        // vsftpd: when the parent reaps the session's process), a little after the socket closed
        RELEASE_LATER.execute(permit::release);
      }
    }
  }

  /**
   * The server counts a session (against its login limit) until it has closed its side after our
   * QUIT: wait for that before the session's budget permit goes to another relay node, or that
   * node's login may get 421.
   */
  private static void awaitServerClose(FTPClient ftp) {
    try {
      ftp.setSoTimeout(1000);
      ftp.getReply();
    } catch (IOException expected) {
      // FTPConnectionClosedException: the server has closed the session
    }
  }

  private static void disconnectQuietly(FTPClient ftp) {
    try {
      ftp.disconnect();
    } catch (IOException ignored) {
      // nothing left to do with a connection we are dropping
    }
  }
}
