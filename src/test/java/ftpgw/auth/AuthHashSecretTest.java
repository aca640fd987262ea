package ftpgw.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ftpgw.config.Pbkdf2Hash;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The hashes in auth.users and the CLI that makes them ({@code java -cp gateway-fat.jar
 * ftpgw.auth.HashSecret}).
 */
class AuthHashSecretTest {

  @Test
  void aHashMatchesItsSecretOnlyAndIsSaltedEachTime() {
    Pbkdf2Hash first = Pbkdf2Hash.create("s3cret".toCharArray(), 1000);
    Pbkdf2Hash second = Pbkdf2Hash.create("s3cret".toCharArray(), 1000);

    assertThat(first.encode()).startsWith("$pbkdf2-sha256$1000$").isNotEqualTo(second.encode());
    assertThat(Pbkdf2Hash.parse(first.encode()).matches("s3cret")).isTrue();
    assertThat(Pbkdf2Hash.parse(first.encode()).matches("s3cret ")).isFalse();
    assertThat(Pbkdf2Hash.isWellFormed(first.encode())).isTrue();
    assertThat(Pbkdf2Hash.isWellFormed("s3cret")).isFalse();
    assertThat(Pbkdf2Hash.isWellFormed(first.encode().replace("$1000$", "$10$")))
        .as("too few iterations")
        .isFalse();
    assertThat(first.toString()).doesNotContain(first.encode());
    assertThatThrownBy(() -> Pbkdf2Hash.create("x".toCharArray(), 10))
        .hasMessageContaining(">= 1000");
  }

  @Test
  void theEmbeddedFtpServersUsersFileHoldsTheSameKindOfHash() throws Exception {
    String line =
        java.nio.file.Files.readAllLines(java.nio.file.Path.of("conf/ftp-users.properties"))
            .stream()
            .filter(l -> l.startsWith("ftpserver.user.demo.userpassword="))
            .findFirst()
            .orElseThrow();
    String hash = line.substring(line.indexOf('=') + 1);

    assertThat(Pbkdf2Hash.isWellFormed(hash)).isTrue();
    assertThat(Pbkdf2Hash.parse(hash).matches("demo")).isTrue();
  }

  @Test
  void theCliHashesAPasswordFromStdinAndMakesTokensThatNameTheirUser() throws Exception {
    List<String> hashed = run("correct horse\n", "--iterations", "2000");
    assertThat(hashed).hasSize(1);
    assertThat(Pbkdf2Hash.parse(hashed.get(0)).matches("correct horse")).isTrue();

    List<String> token = run("", "--token", "alice", "--iterations", "2000");
    assertThat(token).hasSize(2);
    String clear = token.get(0).replaceFirst("^token:\\s+", "");
    String hash = token.get(1).replaceFirst("^tokenHash:\\s+", "");
    assertThat(clear).startsWith("alice.").hasSizeGreaterThan(40);
    assertThat(Pbkdf2Hash.parse(hash).matches(clear)).isTrue();
    assertThat(HeaderCredentials.parse("Bearer " + clear))
        .satisfies(
            c -> {
              assertThat(c.user()).isEqualTo("alice");
              assertThat(c.bearer()).isTrue();
              assertThat(c.toString()).doesNotContain(clear);
            });
  }

  private static List<String> run(String stdin, String... args) throws Exception {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                System.getProperty("java.home") + "/bin/java",
                "-cp",
                System.getProperty("java.class.path"),
                HashSecret.class.getName()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).start();
    process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue())
        .as(new String(process.getErrorStream().readAllBytes()))
        .isZero();
    return out.lines().toList();
  }
}
