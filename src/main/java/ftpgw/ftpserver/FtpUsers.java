package ftpgw.ftpserver;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * Makes entries for the embedded server's users file, with the password stored as a salted PBKDF2 hash. The password is read
 * from the terminal without echo, or from the first line of standard input; never from the command line.
 * <pre>
 *   java -cp gateway-fat.jar ftpgw.ftpserver.FtpUsers add alice --home alice >> conf/ftp-users.properties
 *   java -cp gateway-fat.jar ftpgw.ftpserver.FtpUsers hash
 * </pre>
 */
@Command(name = "ftp-users", mixinStandardHelpOptions = true,
    description = "Make users-file entries for the embedded FTP server (salted password hashes).",
    subcommands = {FtpUsers.Add.class, FtpUsers.Hash.class})
public final class FtpUsers {
  public static void main(String[] args) {
    System.exit(new CommandLine(new FtpUsers()).execute(args));
  }

  @Command(name = "hash", mixinStandardHelpOptions = true, description = "Print the salted hash of a password.")
  static final class Hash implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      System.out.println(hash(readPassword()));
      return 0;
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Print the lines that add a user (append them to the users file).")
  static final class Add implements Callable<Integer> {
    @Parameters(index = "0", description = "user name (letters, digits, '.', '_', '-')")
    String name;

    @Option(names = "--home", description = "home folder, relative to ftpServer.root unless absolute (default: the name)")
    String home;

    @Option(names = "--read-only", description = "no write permission")
    boolean readOnly;

    @Override
    public Integer call() throws Exception {
      if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
        System.err.println("ftp-users: a user name may hold letters, digits, '.', '_' and '-' only: " + name);
        return 2;
      }
      String prefix = "ftpserver.user." + name + ".";
      System.out.println(prefix + "userpassword=" + hash(readPassword()));
      System.out.println(prefix + "homedirectory=" + (home == null ? name : home));
      System.out.println(prefix + "enableflag=true");
      System.out.println(prefix + "writepermission=" + !readOnly);
      System.out.println(prefix + "maxloginnumber=0");
      System.out.println(prefix + "maxloginperip=0");
      System.out.println(prefix + "idletime=0");
      return 0;
    }
  }

  static String hash(String password) {
    if (password == null || password.isEmpty()) {
      throw new CommandLine.ParameterException(new CommandLine(new FtpUsers()), "no password given");
    }
    return new Pbkdf2PasswordEncryptor().encrypt(password);
  }

  /** From the terminal (twice, without echo), else the first line of standard input. */
  private static String readPassword() throws Exception {
    Console console = System.console();
    if (console != null) {
      char[] first = console.readPassword("Password: ");
      char[] again = console.readPassword("Again: ");
      if (first == null || again == null || !new String(first).equals(new String(again))) {
        throw new CommandLine.ParameterException(new CommandLine(new FtpUsers()), "the passwords differ");
      }
      return new String(first);
    }
    return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
  }
}
