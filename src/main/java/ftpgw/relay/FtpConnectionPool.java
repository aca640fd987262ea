package ftpgw.relay;

import ftpgw.config.RelayConfig;
import java.io.IOException;
import java.time.Duration;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;

/**
 * At most {@code relay.connections} logged-in FTP connections, reused across transfers. Blocking:
 * call from workers.
 */
public final class FtpConnectionPool implements AutoCloseable {

  /** Work done on one borrowed connection. */
  @FunctionalInterface
  public interface FtpWork<T> {
    T run(FTPClient ftp) throws IOException;
  }

  private final FtpConnectionFactory factory;
  private final GenericObjectPool<FTPClient> pool;
  private final ConnectionBudget budget;

  public FtpConnectionPool(RelayConfig config) {
    this(config, ConnectionBudget.UNLIMITED);
  }

  /**
   * @param budget a limit on sessions shared with other processes (a cluster's relay nodes)
   */
  public FtpConnectionPool(RelayConfig config, ConnectionBudget budget) {
    this.budget = budget;
    GenericObjectPoolConfig<FTPClient> settings = new GenericObjectPoolConfig<>();
    settings.setMaxTotal(config.connections());
    settings.setMaxIdle(config.connections());
    settings.setMinIdle(0);
    settings.setBlockWhenExhausted(true);
    settings.setMaxWait(config.relayTimeout());
    settings.setTestOnBorrow(true);
    settings.setTestWhileIdle(true);
    settings.setLifo(true);
    settings.setMinEvictableIdleDuration(config.idleTimeout());
    settings.setTimeBetweenEvictionRuns(
        budget == ConnectionBudget.UNLIMITED
            ? Duration.ofMillis(Math.max(1000, config.idleTimeout().toMillis() / 2))
            : Duration.ofSeconds(1));
    // an idle session is closed after relay.idleTimeoutMs, or at once when another relay node waits
    // for its permit
    Duration idleTimeout = config.idleTimeout();
    settings.setEvictionPolicy(
        (evictionConfig, idle, idleCount) ->
            idle.getIdleDuration().compareTo(idleTimeout) > 0 || budget.othersWaiting());
    settings.setJmxEnabled(false);
    this.factory = new FtpConnectionFactory(config, budget);
    this.pool = new GenericObjectPool<>(factory, settings);
    factory.reuseWhen(() -> pool.getNumIdle() > 0);
  }

  /**
   * Runs {@code work} on a pooled connection. A connection that fails with an I/O error, or whose
   * session died right after a refusal ({@link FtpSessionLost}), is discarded; when it was a reused
   * one (it may have been dropped by the server while idle), the work runs once more on a fresh
   * connection.
   */
  public <T> T withConnection(FtpWork<T> work) throws IOException {
    boolean retried = false;
    while (true) {
      FTPClient ftp = borrow();
      boolean reused = !factory.takeFresh(ftp);
      try {
        T result = work.run(ftp);
        giveBack(ftp);
        return result;
      } catch (PublishFence.Superseded e) {
        giveBack(ftp);
        throw e;
      } catch (FtpReplyException e) {
        if (sessionAlive(ftp, e)) {
          giveBack(ftp);
          throw e;
        }
        invalidate(ftp);
        if (retried || !reused) {
          throw new FtpSessionLost(e);
        }
        retried = true;
      } catch (IOException | RuntimeException e) {
        invalidate(ftp);
        if (retried || !reused || !(e instanceof IOException)) {
          throw e;
        }
        retried = true;
      }
    }
  }

  /** A connection borrowed for work that outlives one call (a download read chunk by chunk). */
  public final class Lease implements AutoCloseable {
    private final FTPClient ftp;
    private boolean done;

    private Lease(FTPClient ftp) {
      this.ftp = ftp;
    }

    public FTPClient ftp() {
      return ftp;
    }

    /** Gives the connection back for the next transfer. */
    @Override
    public synchronized void close() {
      if (!done) {
        done = true;
        giveBack(ftp);
      }
    }

    /** Closes the connection instead (a transfer broken off midway leaves it out of step). */
    public synchronized void discard() {
      if (!done) {
        done = true;
        invalidate(ftp);
      }
    }
  }

  /** Borrows a connection until the lease is closed or discarded. */
  public Lease lease() throws IOException {
    FTPClient ftp = borrow();
    factory.takeFresh(ftp);
    return new Lease(ftp);
  }

  /**
   * Borrows a connection only if one is idle or may be opened now; null instead of waiting (a
   * transfer that already holds one asks for more without waiting: two such transfers waiting for
   * each other's connections would wait forever). Under a shared budget (cluster.ftpConnections,
   * passthrough logins) only an idle session is taken: opening one may wait for another process's
   * permit.
   */
  public Lease tryLease() {
    if (pool.getNumActive() >= pool.getMaxTotal()
        || (budget != ConnectionBudget.UNLIMITED && pool.getNumIdle() == 0)) {
      return null;
    }
    try {
      FTPClient ftp = pool.borrowObject(Duration.ZERO);
      factory.takeFresh(ftp);
      return new Lease(ftp);
    } catch (Exception e) {
      return null; // none free (or it could not be opened): the transfer goes on with what it has
    }
  }

  /**
   * Whether the session that answered {@code refusal} still stands. vsftpd reports a dying session
   * with a 500 (its "OOPS" replies) and closes it: that reply says nothing about the file. A
   * permanent refusal costs one NOOP to tell.
   */
  private static boolean sessionAlive(FTPClient ftp, FtpReplyException refusal) {
    if (refusal.replyCode() == 421 || refusal.getMessage().contains("OOPS")) {
      return false;
    }
    if (refusal.replyCode() < 500) {
      return true; // transient anyway: the pool's test on borrow weeds out a dead one
    }
    try {
      return ftp.isConnected() && (ftp.sendNoOp() || ftp.getReplyCode() != 421);
    } catch (IOException gone) {
      return false;
    }
  }

  /**
   * Opens one logged-in connection and keeps it idle in the pool: fails as the login fails (e.g.
   * 530).
   */
  public void addIdleConnection() throws IOException {
    try {
      pool.addObject();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** Connections borrowed now (transfers on the wire). */
  public int inUse() {
    return pool.getNumActive();
  }

  /** Connections open now (borrowed and idle). */
  public int open() {
    return pool.getNumActive() + pool.getNumIdle();
  }

  @Override
  public void close() {
    pool.close();
  }

  /**
   * Keeps the session for the next transfer, unless another process waits for a budget permit it
   * holds.
   */
  private void giveBack(FTPClient ftp) {
    if (budget.othersWaiting()) {
      invalidate(ftp);
    } else {
      pool.returnObject(ftp);
    }
  }

  private FTPClient borrow() throws IOException {
    while (true) {
      try {
        return pool.borrowObject();
      } catch (ConnectionBudget.ReuseIdleSession e) {
        // a session of ours went idle while we waited for a permit: take it instead
      } catch (IOException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException(e.getMessage(), e);
      }
    }
  }

  private void invalidate(FTPClient ftp) {
    try {
      pool.invalidateObject(ftp);
    } catch (Exception ignored) {
      // destroying a broken connection may fail too; it is gone either way
    }
  }
}
