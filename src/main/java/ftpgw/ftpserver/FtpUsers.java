package ftpgw.ftpserver;

import ftpgw.auth.HashSecret;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Makes entries for the embedded server's users file, with the password stored as a salted PBKDF2
 * hash. The password is read from the terminal without echo, or from the first line of standard
 * input; never from the command line.
 *
 * <pre>
 *   java -cp gateway-fat.jar ftpgw.ftpserver.FtpUsers add alice --home alice >> conf/ftp-users.properties
 * </pre>
 *
 * The hash has the format of {@code ftpgw.auth.HashSecret}'s, which makes a bare hash line.
 */
@Command(
    name = "ftp-users",
    mixinStandardHelpOptions = true,
    description = "Make users-file entries for the embedded FTP server (salted password hashes).",
    subcommands = FtpUsers.Add.class)
public final class FtpUsers {
  public static void main(String[] args) {
    System.exit(new CommandLine(new FtpUsers()).execute(args));
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = "Print the lines that add a user (append them to the users file).")
  static final class Add implements Callable<Integer> {
    @Parameters(index = "0", description = "user name (letters, digits, '.', '_', '-')")
    String name;

    @Option(
        names = "--home",
        description = "home folder, relative to ftpServer.root unless absolute (default: the name)")
    String home;

    @Option(names = "--read-only", description = "no write permission")
    boolean readOnly;

    @Override
    public Integer call() throws Exception {
      if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
        System.err.println(
            "ftp-users: a user name may hold letters, digits, '.', '_' and '-' only: " + name);
        return 2;
      }
      String prefix = "ftpserver.user." + name + ".";
      System.out.println(prefix + "userpassword=" + hash(new String(HashSecret.readPassword())));
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
    if (password.isEmpty()) {
      throw new CommandLine.ParameterException(
          new CommandLine(new FtpUsers()), "no password given");
    }
    return new Pbkdf2PasswordEncryptor().encrypt(password);
  }
}
