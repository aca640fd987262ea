package ftpgw.ftpserver;

import ftpgw.config.FtpServerConfig;
import ftpgw.Stage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.apache.ftpserver.ConnectionConfigFactory;
import org.apache.ftpserver.DataConnectionConfigurationFactory;
import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.filesystem.nativefs.NativeFileSystemFactory;
import org.apache.ftpserver.ftplet.UserManager;
import org.apache.ftpserver.listener.Listener;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.ftpserver.usermanager.PropertiesUserManagerFactory;
import org.apache.ftpserver.usermanager.SaltedPasswordEncryptor;
import org.apache.mina.transport.socket.SocketAcceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;

/** Embeds Apache FtpServer: started with the verticle, stopped (listener and sessions closed) when it is undeployed. */
public final class FtpServerVerticle extends VerticleBase implements Stage {
  private static final Logger log = LoggerFactory.getLogger(FtpServerVerticle.class);

  private final FtpServerConfig config;
  private final FtpAccount relayAccount;
  private FtpServer server;
  private Listener listener;

  /** @param relayAccount an in-memory account for the gateway's own relay, or null */
  public FtpServerVerticle(FtpServerConfig config, FtpAccount relayAccount) {
    this.config = config;
    this.relayAccount = relayAccount;
  }

  @Override
  public Context stageContext() {
    return context;
  }

  @Override
  public Future<?> start() {
    return vertx.executeBlocking(() -> {
      Files.createDirectories(config.root());
      UserManager users = new GatewayUserManager(fileUsers(), relayAccount, config.root());
      server = createServer(users);
      server.start();
      enableTcpNoDelay(listener);
      log.info("Embedded FTP server on {}:{} (passive ports {}{}), root {}, {} user(s)", config.host(),
          listener.getPort(), config.passivePorts(),
          config.passiveAddress() == null ? "" : " announced as " + config.passiveAddress(),
          config.root().toAbsolutePath(), users.getAllUserNames().length);
      return listener.getPort();
    });
  }

  @Override
  public Future<?> stop() {
    return vertx.executeBlocking(() -> {
      if (server != null) {
        server.stop();
      }
      return null;
    });
  }

  /** The control port actually bound (useful with port 0). */
  public int actualPort() {
    return listener.getPort();
  }

  private FtpServer createServer(UserManager users) {
    DataConnectionConfigurationFactory data = new DataConnectionConfigurationFactory();
    data.setPassivePorts(config.passivePorts());
    data.setPassiveAddress(config.host());
    if (config.passiveAddress() != null) {
      data.setPassiveExternalAddress(config.passiveAddress());
    }

    ListenerFactory listeners = new ListenerFactory();
    listeners.setServerAddress(config.host());
    listeners.setPort(config.port());
    listeners.setIdleTimeout(config.idleTimeoutSeconds());
    listeners.setDataConnectionConfiguration(data.createDataConnectionConfiguration());
    listener = listeners.createListener();

    ConnectionConfigFactory connections = new ConnectionConfigFactory();
    connections.setAnonymousLoginEnabled(false);
    connections.setMaxLogins(config.maxLogins());
    connections.setMaxThreads(0);

    NativeFileSystemFactory files = new NativeFileSystemFactory();
    files.setCreateHome(true);

    FtpServerFactory factory = new FtpServerFactory();
    factory.addListener("default", listener);
    factory.setConnectionConfig(connections.createConnectionConfig());
    factory.setUserManager(users);
    factory.setFileSystem(files);
    return factory.createServer();
  }

  private UserManager fileUsers() throws IOException {
    if (config.usersFile() == null) {
      return null;
    }
    if (!Files.isRegularFile(config.usersFile())) {
      throw new IOException("ftpServer.usersFile " + config.usersFile().toAbsolutePath() + " does not exist");
    }
    PropertiesUserManagerFactory factory = new PropertiesUserManagerFactory();
    factory.setFile(config.usersFile().toFile());
    factory.setPasswordEncryptor(new SaltedPasswordEncryptor());
    factory.setAdminName("");
    return factory.createUserManager();
  }

  /**
   * Apache FtpServer never sets TCP_NODELAY on control connections, so the 226 after every transfer waits behind
   * Nagle for the client's delayed ACK (~40 ms: about 23 files/s whatever the client). MINA's acceptor is not exposed,
   * hence the reflection.
   */
  private static void enableTcpNoDelay(Listener listener) {
    try {
      Field field = listener.getClass().getDeclaredField("acceptor");
      field.setAccessible(true);
      ((SocketAcceptor) field.get(listener)).getSessionConfig().setTcpNoDelay(true);
    } catch (ReflectiveOperationException | ClassCastException e) {
      log.warn("Cannot set TCP_NODELAY on the FTP control connections; small transfers will be slow", e);
    }
  }
}
