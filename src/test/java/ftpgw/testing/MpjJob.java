package ftpgw.testing;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The MPI client run the way a user runs it: {@code deploy/mpjrun ... -jar target/mpj-client.jar
 * ...} as a real MPJ Express job in processes of its own. Skips the test (assumption) when MPJ_HOME
 * cannot be prepared.
 */
public final class MpjJob implements AutoCloseable {
  public static final Path CLIENT_JAR = Path.of("target/mpj-client.jar").toAbsolutePath();
  private static final Path MPJRUN = Path.of("deploy/mpjrun").toAbsolutePath();

  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();

  /** Everything as it came, a line without its end (a prompt) included. */
  private final StringBuffer raw = new StringBuffer();

  private final Thread reader;

  private MpjJob(Process process) {
    this.process = process;
    this.reader =
        new Thread(
            () -> {
              // lines end at \n, \r or \r\n, as BufferedReader.readLine has them (a live bar
              // redrawn after \r is a line)
              StringBuilder line = new StringBuilder();
              boolean afterCr = false;
              try (InputStreamReader in =
                  new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)) {
                char[] chunk = new char[8192];
                for (int n; (n = in.read(chunk)) > 0; ) {
                  raw.append(chunk, 0, n);
                  for (int i = 0; i < n; i++) {
                    char c = chunk[i];
                    if (c == '\n' && afterCr) {
                      afterCr = false;
                      continue;
                    }
                    afterCr = c == '\r';
                    if (c == '\n' || c == '\r') {
                      output.add(line.toString());
                      line.setLength(0);
                    } else {
                      line.append(c);
                    }
                  }
                }
                if (line.length() > 0) {
                  output.add(line.toString());
                }
              } catch (IOException e) {
                output.add("(output broke off: " + e + ")");
              }
            },
            "mpj-job-output");
    reader.start();
  }

  /** The MPJ_HOME deploy/setup-mpj.sh prepares; skips the calling test when it cannot. */
  public static Path mpjHome() throws Exception {
    Assumptions.assumeTrue(
        Boolean.getBoolean("ftpgw.mpj.afterPackage"),
        "MPJ jobs run as failsafe ITs, after package has built target/mpj-client.jar");
    Process setup =
        new ProcessBuilder(Path.of("deploy/setup-mpj.sh").toAbsolutePath().toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String out = new String(setup.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    boolean done = setup.waitFor(10, TimeUnit.MINUTES) && setup.exitValue() == 0;
    Assumptions.assumeTrue(done, "MPJ_HOME cannot be prepared (deploy/setup-mpj.sh failed)");
    Path home = Path.of(out.substring(out.lastIndexOf('\n') + 1));
    Assumptions.assumeTrue(
        Files.isRegularFile(home.resolve("lib/starter.jar")), "no MPJ_HOME at " + home);
    Assumptions.assumeTrue(
        Files.isRegularFile(CLIENT_JAR), CLIENT_JAR + " is not built (run mvn package)");
    return home;
  }

  /**
   * {@code deploy/mpjrun <mpjrunArgs> -jar target/mpj-client.jar <clientArgs>} in {@code workDir}.
   */
  public static MpjJob start(Path workDir, List<String> mpjrunArgs, List<String> clientArgs)
      throws Exception {
    return start(workDir, command(mpjrunArgs, clientArgs));
  }

  /**
   * The same job on a terminal of its own, as a user at a shell runs it: util-linux {@code script}
   * gives it a pseudo-terminal and passes what {@link #type} sends through it as keystrokes.
   */
  public static MpjJob startOnTerminal(
      Path workDir, List<String> mpjrunArgs, List<String> clientArgs) throws Exception {
    String line =
        String.join(
            " ",
            command(mpjrunArgs, clientArgs).stream()
                .map(w -> "'" + w.replace("'", "'\\''") + "'")
                .toList());
    // an xterm's size and type: JLine reads its key sequences (Up in keypad mode is ESC O A) from
    // TERM's terminfo
    return start(
        workDir,
        List.of(
            "script",
            "-q",
            "-f",
            "-e",
            "-c",
            "export TERM=xterm-256color; stty rows 40 cols 200; exec " + line,
            "/dev/null"));
  }

  private static List<String> command(List<String> mpjrunArgs, List<String> clientArgs) {
    List<String> command = new ArrayList<>();
    command.add(MPJRUN.toString());
    command.addAll(mpjrunArgs);
    command.add("-jar");
    command.add(CLIENT_JAR.toString());
    command.addAll(clientArgs);
    return command;
  }

  private static MpjJob start(Path workDir, List<String> command) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    builder.environment().put("MPJ_HOME", mpjHome().toString());
    builder.environment().put("MPJRUN_JAVA_OPTS", "-Xmx256m");
    builder.environment().remove("FTPGW_GATEWAY");
    return new MpjJob(builder.start());
  }

  /** Types into rank 0's prompt; {@code close} = end of input. */
  public void type(String text, boolean close) throws IOException {
    OutputStream in = process.getOutputStream();
    in.write(text.getBytes(StandardCharsets.UTF_8));
    in.flush();
    if (close) {
      in.close();
    }
  }

  /** Waits for the whole job (every rank) to end; fails with the output so far if it does not. */
  public int awaitExit(Duration within) throws InterruptedException {
    if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError(
          "the MPJ job did not end within " + within + "; output:\n" + String.join("\n", output));
    }
    reader.join(10_000);
    return process.exitValue();
  }

  /**
   * Waits until the output so far, as it came (a prompt without its newline included), satisfies
   * {@code done}; fails with the output if it does not in time.
   */
  public void awaitOutput(java.util.function.Predicate<String> done, Duration within)
      throws InterruptedException {
    long end = System.nanoTime() + within.toNanos();
    while (!done.test(raw.toString())) {
      if (System.nanoTime() > end) {
        throw new AssertionError(
            "the expected output did not come within " + within + "; output:\n" + outputText());
      }
      Thread.sleep(50);
    }
  }

  public List<String> output() {
    return List.copyOf(output);
  }

  public String outputText() {
    return String.join("\n", output);
  }

  public ProcessHandle handle() {
    return process.toHandle();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }
}
