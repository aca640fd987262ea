package ftpgw.testing;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * The local Unix account the test vsftpd logs in (vsftpd only knows system users). Created once per
 * machine, with a random password kept in a root-only file, so that test runs in parallel JVMs
 * share it instead of racing on it. Needs root, as vsftpd itself does.
 */
public record VsftpdAccount(String name, String password) {
  static final String NAME = "ftpgw-vsftpd";
  private static final Path STATE_DIR = Path.of("/var/lib/ftpgw-test");
  private static final Path PASSWORD_FILE = STATE_DIR.resolve(NAME + ".password");
  private static final Path HOME = STATE_DIR.resolve(NAME + "-home");

  /** The account, created (useradd + chpasswd) when missing. */
  public static VsftpdAccount ensure() throws IOException, InterruptedException {
    if (!"root".equals(System.getProperty("user.name"))) {
      throw new IllegalStateException(
          "the vsftpd tests run as root (vsftpd needs it, and so does creating its "
              + "local user "
              + NAME
              + "); running as "
              + System.getProperty("user.name"));
    }
    Files.createDirectories(STATE_DIR);
    Files.setPosixFilePermissions(STATE_DIR, PosixFilePermissions.fromString("rwx--x--x"));
    try (FileChannel lockFile =
            FileChannel.open(
                STATE_DIR.resolve(NAME + ".lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock ignored = lockFile.lock()) {
      boolean created = false;
      if (!exists()) {
        run(
            null,
            "/usr/sbin/useradd",
            "--create-home",
            "--home-dir",
            HOME.toString(),
            "--shell",
            loginShell(),
            "--comment",
            "ftpgw vsftpd tests",
            NAME);
        created = true;
      }
      refuseIfBarredFromFtp();
      if (created || !Files.isRegularFile(PASSWORD_FILE)) {
        setNewPassword();
      }
      return new VsftpdAccount(
          NAME, Files.readString(PASSWORD_FILE, StandardCharsets.UTF_8).trim());
    }
  }

  /** Prints the name only: the password stays out of logs and assertion messages. */
  @Override
  public String toString() {
    return name;
  }

  private static boolean exists() throws IOException {
    return Files.readAllLines(Path.of("/etc/passwd")).stream()
        .anyMatch(line -> line.startsWith(NAME + ":"));
  }

  /**
   * pam_shells (in Debian's /etc/pam.d/vsftpd) refuses users whose shell is not listed in
   * /etc/shells.
   */
  private static String loginShell() throws IOException {
    List<String> shells =
        Files.readAllLines(Path.of("/etc/shells")).stream()
            .map(String::trim)
            .filter(s -> s.startsWith("/") && Files.isExecutable(Path.of(s)))
            .toList();
    if (shells.contains("/bin/sh")) {
      return "/bin/sh";
    }
    if (shells.isEmpty()) {
      throw new IllegalStateException(
          "/etc/shells lists no usable shell; vsftpd's PAM config needs one");
    }
    return shells.get(0);
  }

  /** pam_listfile denies every user named in /etc/ftpusers. */
  private static void refuseIfBarredFromFtp() throws IOException {
    Path ftpusers = Path.of("/etc/ftpusers");
    if (Files.isRegularFile(ftpusers)
        && Files.readAllLines(ftpusers).stream().anyMatch(l -> l.trim().equals(NAME))) {
      throw new IllegalStateException(
          NAME + " is listed in /etc/ftpusers, so vsftpd refuses it: remove that line");
    }
  }

  private static void setNewPassword() throws IOException, InterruptedException {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    run(NAME + ":" + password + "\n", "/usr/sbin/chpasswd");
    Files.deleteIfExists(PASSWORD_FILE);
    Files.createFile(
        PASSWORD_FILE,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(PASSWORD_FILE, password + "\n", StandardCharsets.UTF_8);
  }

  /**
   * Runs a system command to its end; {@code input} (may be null) goes to its stdin and never into
   * messages.
   */
  private static void run(String input, String... command)
      throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (var stdin = process.getOutputStream()) {
      if (input != null) {
        stdin.write(input.getBytes(StandardCharsets.UTF_8));
      }
    }
    String output =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (process.waitFor() != 0) {
      throw new IOException(command[0] + " failed (exit " + process.exitValue() + "): " + output);
    }
  }
}
