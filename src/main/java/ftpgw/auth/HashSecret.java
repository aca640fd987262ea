package ftpgw.auth;

import ftpgw.config.Pbkdf2Hash;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Makes the hashed entries of {@code auth.users}. Usage:
 *
 * <pre>
 *   java -cp gateway-fat.jar ftpgw.auth.HashSecret                 # asks for a password, prints its passwordHash
 *   echo -n secret | java -cp gateway-fat.jar ftpgw.auth.HashSecret # the same, password from stdin
 *   java -cp gateway-fat.jar ftpgw.auth.HashSecret --token alice   # makes a new API token for alice: prints the
 *                                                                  # token (give it to the client) and its tokenHash
 *   --iterations N                                                 # PBKDF2 iterations (default 600000)
 * </pre>
 *
 * The clear secret is never written anywhere but the terminal (tokens) and is not taken from the
 * command line, where other users could read it in the process list.
 */
public final class HashSecret {
  private HashSecret() {}

  public static void main(String[] args) throws IOException {
    int iterations = Pbkdf2Hash.DEFAULT_ITERATIONS;
    String tokenUser = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--iterations" -> iterations = Integer.parseInt(args[++i]);
        case "--token" -> tokenUser = args[++i];
        default -> {
          System.err.println(
              "usage: HashSecret [--token <user>] [--iterations N]   (the password is read from the"
                  + " terminal or stdin)");
          System.exit(2);
        }
      }
    }
    if (tokenUser != null) {
      String token = newToken(tokenUser);
      System.out.println("token:     " + token);
      System.out.println(
          "tokenHash: " + Pbkdf2Hash.create(token.toCharArray(), iterations).encode());
      return;
    }
    char[] password = readPassword();
    if (password.length == 0) {
      System.err.println("empty password: nothing hashed");
      System.exit(1);
    }
    System.out.println(Pbkdf2Hash.create(password, iterations).encode());
  }

  /**
   * A bearer token names its user before the last '.', so that checking it costs one slow hash, not
   * one per user: {@code alice.Xk3…}. The random part (32 bytes) is what makes it secret.
   */
  static String newToken(String user) {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    return user + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }

  /**
   * A password from the terminal (asked twice, without echo; a mismatch ends the program), else the
   * first line of standard input; empty when there is none. For this and the other hashing CLIs
   * ({@code FtpUsers}).
   */
  public static char[] readPassword() throws IOException {
    Console console = System.console();
    if (console != null) {
      char[] first = console.readPassword("password: ");
      char[] again = console.readPassword("again:    ");
      if (!java.util.Arrays.equals(first, again)) {
        System.err.println("the two passwords differ: nothing hashed");
        System.exit(1);
      }
      return first;
    }
    String line =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    return line == null ? new char[0] : line.toCharArray();
  }
}
