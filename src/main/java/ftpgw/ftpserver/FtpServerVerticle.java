package ftpgw.ftpserver;

import ftpgw.config.FtpServerConfig;
import ftpgw.config.FtpServerConfig.FtpTlsConfig;
import ftpgw.config.GatewayConfig;
import ftpgw.lifecycle.Stage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.io.IOException;
import java.net.BindException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.ftpserver.ConnectionConfigFactory;
import org.apache.ftpserver.DataConnectionConfigurationFactory;
import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.ftplet.AuthenticationFailedException;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.UserManager;
import org.apache.ftpserver.listener.Listener;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.ftpserver.ssl.SslConfiguration;
import org.apache.ftpserver.ssl.SslConfigurationFactory;
import org.apache.ftpserver.usermanager.PropertiesUserManagerFactory;
import org.apache.ftpserver.usermanager.UsernamePasswordAuthentication;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeds Apache FtpServer: started with the verticle, stopped (listener and sessions closed) when
 * it is undeployed.
 */
public final class FtpServerVerticle extends VerticleBase implements Stage {
  private static final Logger log = LoggerFactory.getLogger(FtpServerVerticle.class);

  private final FtpServerConfig config;
  private final FtpAccount relayAccount;
  private FtpServer server;
  private Listener listener;

  /**
   * @param relayAccount an in-memory account for the gateway's own relay, or null
   */
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
    return vertx.executeBlocking(
        () -> {
          Files.createDirectories(config.root());
          UserManager fileUsers = fileUsers();
          refuseGuessablePasswords(fileUsers);
          UserManager users =
              new GatewayUserManager(
                  fileUsers,
                  relayAccount,
                  config.root(),
                  config.maxLogins(),
                  config.maxLoginsPerIp());
          Charset fileNames = SessionPolicy.fileNameCharset();
          server = createServer(users, fileNames);
          try {
            server.start();
          } catch (RuntimeException e) {
            throw new IllegalStateException(startFailure(e), e);
          }
          enableTcpNoDelay(listener);
          if (!StandardCharsets.UTF_8.equals(fileNames)) {
            log.warn(
                "The JVM stores file names as {} (locale {}): FTP names outside it are refused with 553. "
                    + "Start the gateway with LANG=C.UTF-8 to accept any name.",
                fileNames,
                System.getenv("LANG"));
          }
          log.info(
              "Embedded FTP server listening on {}:{}{}, passive ports {}{}, root {}, {} user(s), "
                  + "at most {} sessions ({} per address)",
              config.host(),
              listener.getPort(),
              tlsSummary(),
              config.passivePorts(),
              config.passiveAddress() == null ? "" : " announced as " + config.passiveAddress(),
              config.root().toAbsolutePath(),
              users.getAllUserNames().length,
              config.maxLogins(),
              config.maxLoginsPerIp());
          return listener.getPort();
        });
  }

  @Override
  public Future<?> stop() {
    return vertx.executeBlocking(
        () -> {
          if (server != null) {
            server.stop();
            log.info("Embedded FTP server stopped");
          }
          return null;
        });
  }

  /** The control port actually bound (useful with port 0). */
  public int actualPort() {
    return listener.getPort();
  }

  private FtpServer createServer(UserManager users, Charset fileNames) {
    // TLS 1.2, and one SSL context for control and data connections, so that a client can resume
    // its control session
    // on every data connection (an abbreviated handshake; vsftpd even requires it). TLS 1.3 would
    // also send session
    // tickets after the handshake, which an uploading client never reads: closing a data socket
    // with them unread
    // resets it and loses the upload's tail (curl: "426" after ~110 KiB).
    SslConfiguration tls = tlsConfiguration("TLSv1.2");
    DataConnectionConfigurationFactory data = new DataConnectionConfigurationFactory();
    data.setPassivePorts(config.passivePorts());
    if (tls != null) {
      data.setSslConfiguration(new NoDelaySslConfiguration(tls));
      data.setImplicitSsl(false);
    }
    data.setPassiveAddress(config.host());
    if (config.passiveAddress() != null) {
      data.setPassiveExternalAddress(config.passiveAddress());
    }

    ListenerFactory listeners = new ListenerFactory();
    listeners.setServerAddress(config.host());
    listeners.setPort(config.port());
    listeners.setIdleTimeout(config.idleTimeoutSeconds());
    listeners.setDataConnectionConfiguration(data.createDataConnectionConfiguration());
    if (tls != null) {
      listeners.setSslConfiguration(tls);
      listeners.setImplicitSsl(false);
    }
    listener = listeners.createListener();

    ConnectionConfigFactory connections = new ConnectionConfigFactory();
    connections.setAnonymousLoginEnabled(false);
    connections.setMaxLogins(config.maxLogins());
    connections.setMaxThreads(0);

    FtpServerFactory factory = new FtpServerFactory();
    factory.addListener("default", listener);
    factory.setConnectionConfig(connections.createConnectionConfig());
    factory.setUserManager(users);
    factory.setFileSystem(new NoTruncateFileSystem());
    // a mutable map: FtpServer clears it when it stops
    factory.setFtplets(
        new HashMap<>(
            Map.of(
                "policy",
                new SessionPolicy(config.tls() != null && config.tls().required(), fileNames),
                "features",
                new HonestFeatures(tls != null))));
    return factory.createServer();
  }

  /**
   * On any address but loopback, a user whose password is its own name (the shipped demo/demo) is a
   * start-up error: anyone who reads the README could log in.
   */
  private void refuseGuessablePasswords(UserManager fileUsers) throws FtpException {
    if (fileUsers == null || GatewayConfig.isLoopback(config.host())) {
      return;
    }
    Set<String> names = new LinkedHashSet<>(List.of("demo"));
    String[] listed = fileUsers.getAllUserNames();
    if (listed.length <= 50) {
      names.addAll(List.of(listed));
    }
    for (String name : names) {
      try {
        fileUsers.authenticate(new UsernamePasswordAuthentication(name, name));
      } catch (AuthenticationFailedException expected) {
        continue;
      }
      throw new IllegalStateException(
          "ftpServer: user \""
              + name
              + "\" in "
              + config.usersFile()
              + " has its own name as password and the server binds "
              + config.host()
              + ", not loopback. Give it a real"
              + " password (java -cp gateway-fat.jar ftpgw.ftpserver.FtpUsers add "
              + name
              + ") or remove it.");
    }
  }

  /** Explicit FTPS (AUTH TLS) from the configured keystore, or null. */
  private SslConfiguration tlsConfiguration(String... protocols) {
    FtpTlsConfig tls = config.tls();
    if (tls == null) {
      return null;
    }
    if (!Files.isRegularFile(tls.keystore())) {
      throw new IllegalStateException(
          "ftpServer.tls.keystore " + tls.keystore().toAbsolutePath() + " does not exist");
    }
    SslConfigurationFactory factory = new SslConfigurationFactory();
    factory.setKeystoreFile(tls.keystore().toFile());
    factory.setKeystoreType(tls.keystoreType());
    factory.setKeystorePassword(tls.keystorePassword().reveal());
    factory.setKeyPassword(tls.keystorePassword().reveal());
    factory.setSslProtocol(protocols);
    // forward-secret AEAD suites only, unless configured otherwise (the JDK's defaults include
    // static RSA)
    factory.setEnabledCipherSuites(tls.cipherSuites().toArray(String[]::new));
    return factory.createSslConfiguration();
  }

  private String tlsSummary() {
    if (config.tls() == null) {
      return " (plain FTP)";
    }
    return config.tls().required()
        ? " (FTPS required: AUTH TLS + PROT P)"
        : " (FTPS offered: AUTH TLS)";
  }

  /** Why the server did not start, in the operator's terms (a port in use above all). */
  private String startFailure(RuntimeException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof BindException) {
        return "ftpServer.port "
            + config.port()
            + " on "
            + config.host()
            + " is already in use (or not bindable): "
            + cause.getMessage();
      }
    }
    return "the embedded FTP server did not start on "
        + config.host()
        + ":"
        + config.port()
        + ": "
        + e.getMessage();
  }

  private UserManager fileUsers() throws IOException {
    if (config.usersFile() == null) {
      return null;
    }
    if (!Files.isRegularFile(config.usersFile())) {
      throw new IOException(
          "ftpServer.usersFile " + config.usersFile().toAbsolutePath() + " does not exist");
    }
    PropertiesUserManagerFactory factory = new PropertiesUserManagerFactory();
    factory.setFile(config.usersFile().toFile());
    factory.setPasswordEncryptor(new Pbkdf2PasswordEncryptor());
    factory.setAdminName("");
    return factory.createUserManager();
  }

  /**
   * Apache FtpServer never sets TCP_NODELAY on control connections, so the 226 after every transfer
   * waits behind Nagle for the client's delayed ACK (~40 ms: about 23 files/s whatever the client).
   * MINA's acceptor is not exposed, hence {@link FtpServerInternals}.
   */
  private static void enableTcpNoDelay(Listener listener) {
    try {
      FtpServerInternals.acceptorOf(listener).getSessionConfig().setTcpNoDelay(true);
    } catch (ReflectiveOperationException e) {
      log.warn(
          "Cannot set TCP_NODELAY on the FTP control connections; small transfers will be slow", e);
    }
  }
}
