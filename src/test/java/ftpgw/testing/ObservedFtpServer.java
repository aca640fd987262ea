package ftpgw.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.ftpserver.ConnectionConfigFactory;
import org.apache.ftpserver.DataConnectionConfigurationFactory;
import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.ftplet.DefaultFtpReply;
import org.apache.ftpserver.ftplet.DefaultFtplet;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.FtpRequest;
import org.apache.ftpserver.ftplet.FtpSession;
import org.apache.ftpserver.ftplet.FtpletResult;
import org.apache.ftpserver.listener.Listener;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.ftpserver.ssl.SslConfiguration;
import org.apache.ftpserver.ssl.SslConfigurationFactory;
import org.apache.ftpserver.usermanager.PropertiesUserManagerFactory;
import org.apache.ftpserver.usermanager.SaltedPasswordEncryptor;

/**
 * An Apache FtpServer on a loopback port that counts what a test needs to see from the outside:
 * sessions logged in at once (and the most ever), STORs as they start, and completed renames per
 * target. One user, {@code uploader}, whose uploads are throttled to {@code bytesPerSecond} per
 * session. Optionally FTPS only: explicit AUTH TLS, and both logins and uploads refused without
 * TLS.
 */
public final class ObservedFtpServer implements AutoCloseable {
  public static final String USER = "uploader";
  public static final String PASSWORD = "secret";

  private final Path root;
  private final AtomicInteger sessions = new AtomicInteger();
  private final AtomicInteger maxSessions = new AtomicInteger();
  private final AtomicInteger refusedLogins = new AtomicInteger();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> renamesTo = new ConcurrentHashMap<>();
  private final List<Consumer<String>> uploadListeners = new CopyOnWriteArrayList<>();
  private final AtomicInteger secureUploads = new AtomicInteger();
  private final AtomicInteger uploading = new AtomicInteger();
  private final AtomicInteger maxUploading = new AtomicInteger();
  private org.apache.ftpserver.ftplet.FileSystemFactory fileSystem;
  private TestCertificate tls;
  private FtpServer server;
  private Listener listener;

  private ObservedFtpServer(Path root) {
    this.root = root;
  }

  public static ObservedFtpServer start(Path dir, int maxLogins, long bytesPerSecond)
      throws Exception {
    ObservedFtpServer observed = new ObservedFtpServer(dir.resolve("ftp-root"));
    observed.startServer(dir, maxLogins, bytesPerSecond);
    return observed;
  }

  /**
   * As {@link #start(Path, int, long)}, with {@code fileSystem} instead of FtpServer's stock one
   * (whose {@code REST k} + STOR cuts the file at k).
   */
  public static ObservedFtpServer start(
      Path dir,
      int maxLogins,
      long bytesPerSecond,
      org.apache.ftpserver.ftplet.FileSystemFactory fileSystem)
      throws Exception {
    ObservedFtpServer observed = new ObservedFtpServer(dir.resolve("ftp-root"));
    observed.fileSystem = fileSystem;
    observed.startServer(dir, maxLogins, bytesPerSecond);
    return observed;
  }

  /**
   * A server that takes logins and uploads over TLS only (explicit AUTH TLS, PROT P), with {@code
   * cert}.
   */
  public static ObservedFtpServer startWithTls(Path dir, TestCertificate cert) throws Exception {
    ObservedFtpServer observed = new ObservedFtpServer(dir.resolve("ftp-root"));
    observed.tls = cert;
    observed.startServer(dir, 100, 0);
    return observed;
  }

  private void startServer(Path dir, int maxLogins, long bytesPerSecond) throws Exception {
    Files.createDirectories(root);
    Path users = dir.resolve("ftp-users.properties");
    Files.writeString(
        users,
        String.join(
            "\n",
            "ftpserver.user."
                + USER
                + ".userpassword="
                + new SaltedPasswordEncryptor().encrypt(PASSWORD),
            "ftpserver.user." + USER + ".homedirectory=" + root,
            "ftpserver.user." + USER + ".enableflag=true",
            "ftpserver.user." + USER + ".writepermission=true",
            "ftpserver.user." + USER + ".maxloginnumber=0",
            "ftpserver.user." + USER + ".uploadrate=" + bytesPerSecond,
            ""));
    PropertiesUserManagerFactory userFactory = new PropertiesUserManagerFactory();
    userFactory.setFile(users.toFile());
    userFactory.setPasswordEncryptor(new SaltedPasswordEncryptor());
    userFactory.setAdminName("");

    DataConnectionConfigurationFactory data = new DataConnectionConfigurationFactory();
    data.setPassivePorts(FreePorts.range(40));
    data.setPassiveAddress("127.0.0.1");
    ListenerFactory listeners = new ListenerFactory();
    if (tls != null) {
      SslConfigurationFactory ssl = new SslConfigurationFactory();
      ssl.setKeystoreFile(tls.pkcs12().toFile());
      ssl.setKeystoreType("PKCS12");
      ssl.setKeystorePassword(tls.pkcs12Password());
      ssl.setKeyPassword(tls.pkcs12Password());
      ssl.setSslProtocol("TLSv1.3", "TLSv1.2"); // FtpServer offers TLS 1.2 only by default
      SslConfiguration sslConfiguration = ssl.createSslConfiguration();
      data.setSslConfiguration(sslConfiguration);
      listeners.setSslConfiguration(sslConfiguration);
      listeners.setImplicitSsl(false);
    }
    listeners.setServerAddress("127.0.0.1");
    listeners.setPort(0);
    listeners.setDataConnectionConfiguration(data.createDataConnectionConfiguration());
    listener = listeners.createListener();
    ConnectionConfigFactory connections = new ConnectionConfigFactory();
    connections.setAnonymousLoginEnabled(false);
    connections.setMaxLogins(maxLogins);
    // FtpServer's default is one worker thread per allowed login, shared by every session's
    // commands and its
    // blocking transfers: with a login limit of 2, a session's end could wait behind two throttled
    // uploads to be
    // counted. A real server does not work that way.
    connections.setMaxThreads(32);

    FtpServerFactory factory = new FtpServerFactory();
    factory.addListener("default", listener);
    factory.setConnectionConfig(connections.createConnectionConfig());
    factory.setUserManager(userFactory.createUserManager());
    if (fileSystem != null) {
      factory.setFileSystem(fileSystem);
    }
    factory.setFtplets(new java.util.HashMap<>(Map.of("observer", new Observer())));
    server = factory.createServer();
    server.start();
  }

  public int port() {
    return listener.getPort();
  }

  public Path root() {
    return root;
  }

  /** The gateway's temporary files (".ftpgw-…") under the root, as paths relative to it. */
  public List<String> temporaryFiles() {
    return TestFiles.filesUnder(root).stream().filter(f -> f.contains(".ftpgw-")).toList();
  }

  /** Waits until a STOR of transfer {@code id} is writing its temporary file. */
  public void awaitTemporaryFileOf(String id, Duration within) throws InterruptedException {
    Poll.until(
        "a temporary file of transfer " + id,
        within,
        this::temporaryFiles,
        files -> files.stream().anyMatch(f -> f.contains(".ftpgw-" + id)));
  }

  /** Waits until no temporary file is left. */
  public void awaitNoTemporaryFile(Duration within) throws InterruptedException {
    Poll.until("no temporary file left", within, this::temporaryFiles, List::isEmpty);
  }

  /** Uploads whose control and data connections were both encrypted (TLS servers only). */
  public int secureUploads() {
    return secureUploads.get();
  }

  /** The most sessions that were logged in at the same time. */
  public int maxSessions() {
    return maxSessions.get();
  }

  /** What happened to sessions, in order, with times: for assertion messages. */
  public String events() {
    return String.join("\n", events);
  }

  private void event(FtpSession session, String what) {
    events.add(java.time.LocalTime.now() + " " + session.getClientAddress().getPort() + " " + what);
  }

  /** The most STORs (and APPEs) that were receiving bytes at the same time, over any sessions. */
  public int maxConcurrentUploads() {
    return maxUploading.get();
  }

  /** Logins the server refused (421: too many users). */
  public int refusedLogins() {
    return refusedLogins.get();
  }

  /** Completed renames onto {@code path} (relative to the root): 1 means published once. */
  public int renamesTo(String path) {
    AtomicInteger count = renamesTo.get(path);
    return count == null ? 0 : count.get();
  }

  /** Called with the STOR argument as each upload starts. */
  public void onUploadStart(Consumer<String> listener) {
    uploadListeners.add(listener);
  }

  @Override
  public void close() {
    server.stop();
  }

  /** Logged-in sessions are counted from a successful PASS to the session's end. */
  private final class Observer extends DefaultFtplet {
    private static final String COUNTED = "observed.counted";
    private static final String UPLOADING = "observed.uploading";

    @Override
    public FtpletResult afterCommand(
        FtpSession session, FtpRequest request, org.apache.ftpserver.ftplet.FtpReply reply)
        throws FtpException, IOException {
      String command = request.getCommand();
      if (session.getAttribute(UPLOADING) != null
          && ("STOR".equals(command) || "APPE".equals(command))) {
        session.removeAttribute(UPLOADING);
        uploading.decrementAndGet();
      }
      if (reply.getCode() == 421 && ("USER".equals(command) || "PASS".equals(command))) {
        refusedLogins.incrementAndGet();
        event(session, "refused at " + command + " with " + sessions.get() + " counted");
      }
      if ("QUIT".equals(command)) {
        event(session, "quit");
      }
      if ("PASS".equals(command) && reply.getCode() == 230) {
        event(session, "logged in, " + (sessions.get() + 1) + " counted");
        session.setAttribute(COUNTED, Boolean.TRUE);
        maxSessions.accumulateAndGet(sessions.incrementAndGet(), Math::max);
      }
      if ("RNTO".equals(request.getCommand()) && reply.getCode() == 250) {
        renamesTo
            .computeIfAbsent(request.getArgument(), k -> new AtomicInteger())
            .incrementAndGet();
      }
      return super.afterCommand(session, request, reply);
    }

    @Override
    public FtpletResult beforeCommand(FtpSession session, FtpRequest request)
        throws FtpException, IOException {
      if (tls == null) {
        return super.beforeCommand(session, request);
      }
      String command = request.getCommand();
      if (("USER".equals(command) || "PASS".equals(command)) && !session.isSecure()) {
        session.write(new DefaultFtpReply(530, "TLS required: AUTH TLS first"));
        return FtpletResult.SKIP;
      }
      if ("STOR".equals(command)) {
        if (!session.getDataConnection().isSecure()) {
          session.write(
              new DefaultFtpReply(521, "data connections must be protected: PROT P first"));
          return FtpletResult.SKIP;
        }
        secureUploads.incrementAndGet();
      }
      return super.beforeCommand(session, request);
    }

    @Override
    public FtpletResult onUploadStart(FtpSession session, FtpRequest request) {
      session.setAttribute(UPLOADING, Boolean.TRUE);
      maxUploading.accumulateAndGet(uploading.incrementAndGet(), Math::max);
      uploadListeners.forEach(listener -> listener.accept(request.getArgument()));
      return FtpletResult.DEFAULT;
    }

    @Override
    public FtpletResult onDisconnect(FtpSession session) {
      event(session, "disconnected");
      if (session.getAttribute(COUNTED) != null) {
        session.removeAttribute(COUNTED);
        sessions.decrementAndGet();
      }
      return FtpletResult.DEFAULT;
    }
  }
}
