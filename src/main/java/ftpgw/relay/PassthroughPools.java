package ftpgw.relay;

import ftpgw.auth.LoginCheck;
import ftpgw.config.RelayConfig;
import ftpgw.config.Secret;
import ftpgw.transfer.Failure;
import ftpgw.transfer.GatewayException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Auth mode passthrough: each client's FTP login gets a connection pool of its own, never shared
 * with another user, and created by the login check itself (the first connection is the proof).
 * Passwords live in this process's memory only: a transfer journalled before a restart cannot be
 * published until its user logs in again. All pools together stay within {@code relay.connections}
 * sessions. Blocking: call from worker threads.
 */
public final class PassthroughPools implements LoginCheck, AutoCloseable {
  private static final int NOT_LOGGED_IN = 530;

  /**
   * One user's pool, the password it logs in with, and when the FTP server last accepted that
   * password.
   */
  record Login(FtpConnectionPool pool, FtpPublisher publisher, Secret password, long acceptedAt) {}

  private final RelayConfig config;
  private final ConnectionBudget budget;
  private final Duration recheckAfter;
  private final Map<String, Login> byUser = new ConcurrentHashMap<>();

  /**
   * @param budget shared by all users' pools (a cluster's, or one of this process)
   * @param recheckAfter a password the FTP server accepted is trusted this long before it is tried
   *     again
   */
  public PassthroughPools(RelayConfig config, ConnectionBudget budget, Duration recheckAfter) {
    this.config = config;
    this.budget =
        budget == ConnectionBudget.UNLIMITED
            ? new LocalConnectionBudget(config.connections())
            : budget;
    this.recheckAfter = recheckAfter;
  }

  @Override
  public boolean accepts(String user, Secret password) throws IOException {
    Login known = byUser.get(user);
    if (known != null
        && samePassword(known.password, password)
        && System.nanoTime() - known.acceptedAt < recheckAfter.toNanos()) {
      return true;
    }
    FtpConnectionPool pool =
        new FtpConnectionPool(config.withTarget(config.target().withLogin(user, password)), budget);
    try {
      pool.addIdleConnection();
    } catch (FtpReplyException e) {
      pool.close();
      if (e.replyCode() == NOT_LOGGED_IN) {
        return false;
      }
      throw checkFailed(e);
    } catch (IOException e) {
      pool.close();
      throw checkFailed(e);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    Login previous =
        byUser.put(
            user,
            new Login(pool, new FtpPublisher(config.target().dir()), password, System.nanoTime()));
    if (previous != null) {
      previous.pool.close(); // connections it has lent out are closed when they come back
    }
    return true;
  }

  /**
   * The login could not be checked (the FTP server is down, busy, or its TLS handshake failed): an
   * expected failure with the cause in plain words, answered 502 (504 for a timeout) without a
   * stack trace. A certificate the relay does not trust is {@link Failure#FTP_UNREACHABLE} here: no
   * FTP session can be had, whoever logs in.
   */
  private GatewayException checkFailed(IOException error) {
    Failure failure = FtpFailures.classify(error);
    if (failure == Failure.FTP_UNTRUSTED || failure == Failure.INTERNAL) {
      failure = Failure.FTP_UNREACHABLE;
    }
    return failure.exception(
        "cannot check the login with the FTP server: "
            + FtpFailures.describe(config.target(), error));
  }

  /** The pool of {@code user}; refused (530, permanent) when its login is not known here. */
  Login of(String user) throws FtpReplyException {
    Login login = byUser.get(user);
    if (login == null) {
      throw new FtpReplyException(
          "login as \"" + user + "\"",
          NOT_LOGGED_IN,
          "the gateway does not know this "
              + "user's FTP password (passthrough logins are kept in memory only, e.g. not across a restart): upload"
              + " again");
    }
    return login;
  }

  /** FTP sessions open now, over all users. */
  int open() {
    return byUser.values().stream().mapToInt(l -> l.pool.open()).sum();
  }

  /** FTP sessions carrying a transfer now, over all users. */
  int inUse() {
    return byUser.values().stream().mapToInt(l -> l.pool.inUse()).sum();
  }

  @Override
  public void close() {
    byUser.values().forEach(l -> l.pool.close());
    byUser.clear();
  }

  private static boolean samePassword(Secret a, Secret b) {
    return MessageDigest.isEqual(
        a.reveal().getBytes(StandardCharsets.UTF_8), b.reveal().getBytes(StandardCharsets.UTF_8));
  }
}
