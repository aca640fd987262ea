package ftpgw.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;

/**
 * A real vsftpd (the Debian package) in the foreground on a free loopback port, with its own
 * vsftpd.conf, jail folder and log in a temporary folder. {@link #close()} stops it and its
 * sessions and removes the folder. Fails (never skips) when vsftpd is not installed: CI installs it
 * with deploy/setup.sh.
 */
public final class VsftpdServer implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/sbin/vsftpd");
  private static final String HOST = "127.0.0.1";
  private static final long START_TIMEOUT_MS = 15_000;
  private static final int PASSIVE_PORTS = 40;
  private static final int START_ATTEMPTS = 5;

  private final Path dir;
  private final Path root;
  private final VsftpdAccount account;
  private final TestCertificate tls;
  private Process process;
  private int port;

  private VsftpdServer(Path dir, VsftpdAccount account, TestCertificate tls) {
    this.dir = dir;
    this.root = dir.resolve("root");
    this.account = account;
    this.tls = tls;
  }

  /** Starts a vsftpd whose login {@link #user()} is jailed in {@link #root()}. */
  public static VsftpdServer start() throws IOException, InterruptedException {
    return start(null);
  }

  /**
   * Starts a vsftpd that speaks only FTPS (explicit AUTH TLS; logins and data must be encrypted)
   * with its own test certificate for {@code 127.0.0.1} ({@link #certificate()}), and vsftpd's
   * default {@code require_ssl_reuse=YES}: a data connection must resume the control connection's
   * TLS session. Its files can then be checked on disk only ({@link #root()}), not with {@link
   * #sha256} or {@link #exists}.
   */
  public static VsftpdServer startWithTls() throws IOException, InterruptedException {
    Path certs = Files.createTempDirectory("ftpgw-vsftpd-cert-");
    return start(TestCertificate.create(certs, "127.0.0.1", "IP:127.0.0.1"));
  }

  /**
   * A plain-FTP vsftpd whose sessions each receive at most {@code bytesPerSecond} (vsftpd's {@code
   * local_max_rate}): uploads last long enough for a test to see them overlap in the log.
   */
  public static VsftpdServer startThrottled(long bytesPerSecond)
      throws IOException, InterruptedException {
    return start(null, bytesPerSecond);
  }

  private static VsftpdServer start(TestCertificate tls) throws IOException, InterruptedException {
    return start(tls, 0);
  }

  private static VsftpdServer start(TestCertificate tls, long maxRate)
      throws IOException, InterruptedException {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(
          "vsftpd is not installed ("
              + BINARY
              + " is missing): run deploy/setup.sh, "
              + "or apt-get install vsftpd");
    }
    VsftpdAccount account = VsftpdAccount.ensure();
    Path dir = Files.createTempDirectory("ftpgw-vsftpd-");
    VsftpdServer server = new VsftpdServer(dir, account, tls);
    server.maxRate = maxRate;
    try {
      server.prepareFolders();
      server.launch();
      return server;
    } catch (IOException | InterruptedException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** local_max_rate: bytes per second per session, 0 for no limit. */
  private long maxRate;

  public String host() {
    return HOST;
  }

  public int port() {
    return port;
  }

  public String user() {
    return account.name();
  }

  public String password() {
    return account.password();
  }

  /** The folder the login is jailed in: its "/" over FTP. */
  public Path root() {
    return root;
  }

  /** The server's certificate (null without TLS): what a client must trust. */
  public TestCertificate certificate() {
    return tls;
  }

  /** vsftpd's own log (logins, transfers and the FTP dialogue). */
  public Path log() {
    return dir.resolve("vsftpd.log");
  }

  /**
   * SHA-256 (hex) of a file as vsftpd serves it, fetched over FTP with UTF-8 names: the test JVM's
   * file-name encoding may not be UTF-8 (LANG unset), so non-ASCII names are not read from disk.
   */
  public String sha256(String path) throws IOException {
    FTPClient ftp = login();
    try {
      InputStream in = ftp.retrieveFileStream(path);
      if (in == null) {
        throw new IOException("RETR " + path + " failed: " + ftp.getReplyString().trim());
      }
      MessageDigest digest = sha256();
      try (DigestInputStream digesting = new DigestInputStream(in, digest)) {
        digesting.transferTo(OutputStream.nullOutputStream());
      }
      if (!ftp.completePendingCommand()) {
        throw new IOException("RETR " + path + " did not complete: " + ftp.getReplyString().trim());
      }
      return HexFormat.of().formatHex(digest.digest());
    } finally {
      ftp.disconnect();
    }
  }

  /** Whether a file exists (as vsftpd sees it): SIZE answers 213. */
  public boolean exists(String path) throws IOException {
    FTPClient ftp = login();
    try {
      return ftp.sendCommand("SIZE", path) == 213;
    } finally {
      ftp.disconnect();
    }
  }

  /** Every regular file under {@link #root()}, relative to it ('/'-separated). */
  public List<String> files() throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  /** Files left behind by an unfinished atomic publish ({@code .ftpgw-*.part}). */
  public List<String> temporaryFiles() throws IOException {
    return files().stream()
        .filter(
            p -> {
              String name = p.substring(p.lastIndexOf('/') + 1);
              return name.startsWith(".ftpgw-") && name.endsWith(".part");
            })
        .toList();
  }

  /**
   * Stops the server and its sessions, as an FTP outage: {@link #restart()} brings it back on the
   * same port.
   */
  public void stop() {
    stopProcess();
  }

  /** Starts the server again with the same port, login and folders after {@link #stop()}. */
  public void restart() throws IOException, InterruptedException {
    process =
        new ProcessBuilder(BINARY.toString(), dir.resolve("vsftpd.conf").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("vsftpd.out").toFile())
            .start();
    awaitBanner();
  }

  @Override
  public void close() {
    stopProcess();
    deleteRecursively(dir);
    if (tls != null) {
      deleteRecursively(tls.cert().getParent());
    }
  }

  private void prepareFolders() throws IOException {
    // vsftpd changes into the jail as the user, so every folder above it must be traversable
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    Files.createDirectories(dir.resolve("empty"));
    Files.setPosixFilePermissions(
        dir.resolve("empty"), PosixFilePermissions.fromString("r-x--x--x"));
    Files.createDirectories(root);
    UserPrincipalLookupService users = root.getFileSystem().getUserPrincipalLookupService();
    Files.setOwner(root, users.lookupPrincipalByName(account.name()));
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** Another process may take a port between our probe and vsftpd's bind: then try other ports. */
  private void launch() throws IOException, InterruptedException {
    IOException last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      port = freePort();
      int passiveFrom = freePortRange(PASSIVE_PORTS);
      Files.writeString(
          dir.resolve("vsftpd.conf"), config(port, passiveFrom), StandardCharsets.UTF_8);
      Files.deleteIfExists(dir.resolve("vsftpd.out"));
      process =
          new ProcessBuilder(BINARY.toString(), dir.resolve("vsftpd.conf").toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("vsftpd.out").toFile())
              .start();
      try {
        awaitBanner();
        return;
      } catch (IOException e) {
        last = e;
        stopProcess();
      }
    }
    throw last;
  }

  private String config(int controlPort, int passiveFrom) {
    return String.join(
        "\n",
        "listen=YES",
        "listen_ipv6=NO",
        "listen_address=" + HOST,
        "listen_port=" + controlPort,
        "background=NO",
        "anonymous_enable=NO",
        "local_enable=YES",
        "write_enable=YES",
        "local_umask=022",
        "chroot_local_user=YES",
        "allow_writeable_chroot=YES",
        // the jail for this instance; the account's home is shared by every instance on the machine
        "local_root=" + root,
        "pasv_enable=YES",
        "pasv_address=" + HOST,
        "pasv_min_port=" + passiveFrom,
        "pasv_max_port=" + (passiveFrom + PASSIVE_PORTS - 1),
        "seccomp_sandbox=NO",
        // network namespaces may be refused inside containers
        "isolate_network=NO",
        "secure_chroot_dir=" + dir.resolve("empty"),
        "pam_service_name=vsftpd",
        "userlist_enable=NO",
        "xferlog_enable=YES",
        "log_ftp_protocol=YES",
        // the gateway writes the parts of a tus concatenation into one file at once (REST + STOR):
        // with vsftpd's default lock each STOR waits for the one before it to end
        "lock_upload_files=NO",
        maxRate > 0 ? "local_max_rate=" + maxRate : "",
        "vsftpd_log_file=" + log(),
        "ftpd_banner=ftpgw test vsftpd",
        tlsConfig(),
        "");
  }

  private String tlsConfig() {
    if (tls == null) {
      return "ssl_enable=NO";
    }
    return String.join(
        "\n",
        "ssl_enable=YES",
        "rsa_cert_file=" + tls.cert(),
        "rsa_private_key_file=" + tls.key(),
        "allow_anon_ssl=NO",
        "force_local_logins_ssl=YES",
        "force_local_data_ssl=YES",
        // vsftpd's default; spelled out because it is what the relay's FTPS client is tested
        // against
        "require_ssl_reuse=YES",
        // vsftpd 3.0.3's built-in default is DES-CBC3-SHA, which current JDKs refuse
        "ssl_ciphers=HIGH");
  }

  /** Ready means: the port accepts and greets with 220. Polled, as vsftpd signals nothing else. */
  private void awaitBanner() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
    String lastProblem = "no answer";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "vsftpd exited with " + process.exitValue() + " on port " + port + ": " + output());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(HOST, port), 1000);
        socket.setSoTimeout(5000);
        String banner =
            new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                .readLine();
        if (banner != null && banner.startsWith("220")) {
          return;
        }
        lastProblem = "banner " + banner;
      } catch (IOException e) {
        lastProblem = e.toString();
      }
      Thread.sleep(25);
    }
    throw new IOException(
        "vsftpd on port "
            + port
            + " did not greet with 220 within "
            + START_TIMEOUT_MS
            + " ms ("
            + lastProblem
            + "): "
            + output());
  }

  private FTPClient login() throws IOException {
    FTPClient ftp = new FTPClient();
    ftp.setControlEncoding("UTF-8");
    ftp.setConnectTimeout(5000);
    ftp.setDefaultTimeout(15_000);
    ftp.connect(HOST, port);
    if (!ftp.login(account.name(), account.password())) {
      String reply = ftp.getReplyString().trim();
      ftp.disconnect();
      throw new IOException("vsftpd refused the test login " + account.name() + ": " + reply);
    }
    ftp.setFileType(FTP.BINARY_FILE_TYPE);
    ftp.enterLocalPassiveMode();
    return ftp;
  }

  private String output() {
    try {
      Path out = dir.resolve("vsftpd.out");
      return Files.exists(out)
          ? Files.readString(out, StandardCharsets.UTF_8).trim()
          : "(no output)";
    } catch (IOException e) {
      return "(output unreadable: " + e.getMessage() + ")";
    }
  }

  /** Sessions are forked children of the listener: stop them too, or they outlive the test. */
  private void stopProcess() {
    if (process == null) {
      return;
    }
    List<ProcessHandle> sessions = process.descendants().toList();
    process.destroy();
    sessions.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sessions.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    process = null;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    }
  }

  /**
   * The first of {@code count} consecutive ports that are free now, picked at random above the
   * usual ephemeral ones.
   */
  private static int freePortRange(int count) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int from = ThreadLocalRandom.current().nextInt(20_000, 32_000 - count);
      if (allFree(from, count)) {
        return from;
      }
    }
    throw new IOException(
        "no " + count + " consecutive free ports found for vsftpd's passive range");
  }

  private static boolean allFree(int from, int count) {
    for (int p = from; p < from + count; p++) {
      try (ServerSocket ignored = new ServerSocket(p, 1, InetAddress.getByName(HOST))) {
        // free
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the vsftpd test folder " + dir, e);
    }
  }
}
