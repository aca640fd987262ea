package ftpgw.client.niodev;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

/**
 * Starts an MPJ Express job on niodev without mpjrun's daemons or ssh: runs the {@link
 * PortExchange}, starts the local ranks as JVMs of their own and prints the command that starts
 * each remaining rank on another host. Rank 0 gets this process's stdin (the prompt); the job's
 * exit code is rank 0's.
 *
 * <pre>NiodevLauncher --mpj-home DIR -np N [--local K] [--host ADDR] [--port P] [--wait-seconds S]
 *                (-jar JAR | -cp CLASSPATH CLASS) [args...]</pre>
 */
public final class NiodevLauncher {
  private final Settings settings;
  private final PrintStream err;
  private final List<Process> locals = new ArrayList<>();

  private NiodevLauncher(Settings settings, PrintStream err) {
    this.settings = settings;
    this.err = err;
  }

  public static void main(String[] args) throws Exception {
    Settings settings;
    try {
      settings = Settings.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("niodev: " + e.getMessage());
      System.err.println(
          "usage: NiodevLauncher --mpj-home DIR -np N [--local K] [--host ADDR] [--port P]"
              + " [--wait-seconds S] (-jar JAR | -cp CLASSPATH CLASS) [args...]");
      System.exit(2);
      return;
    }
    System.exit(new NiodevLauncher(settings, System.err).run());
  }

  int run() throws IOException, InterruptedException {
    try (PortExchange exchange = PortExchange.listen(settings.port, settings.ranks)) {
      String host =
          settings.host != null
              ? settings.host
              : settings.local == settings.ranks
                  ? "127.0.0.1"
                  : InetAddress.getLocalHost().getHostAddress();
      String conf = PortExchange.confString(settings.ranks, host, exchange.port());
      Thread destroyer = new Thread(() -> locals.forEach(Process::destroy));
      Runtime.getRuntime().addShutdownHook(destroyer);
      for (int rank = 0; rank < settings.local; rank++) {
        locals.add(start(rank, conf));
      }
      for (int rank = settings.local; rank < settings.ranks; rank++) {
        err.println("niodev: on another host, start rank " + rank + " with:");
        // "java" from the PATH there; MPJ_HOME too, else MPI.Init prints a stack trace about
        // null/conf
        err.println(
            "  MPJ_HOME="
                + quoted(List.of(settings.mpjHome.toString())).get(0)
                + " "
                + String.join(" ", quoted(command(rank, conf, "java"))));
      }
      Thread exchanging =
          new Thread(
              () -> {
                try {
                  exchange.exchange(Duration.ofSeconds(settings.waitSeconds));
                } catch (IOException e) {
                  err.println("niodev: " + e.getMessage() + "; stopping the local ranks");
                  locals.forEach(Process::destroy);
                }
              },
              "port-exchange");
      exchanging.setDaemon(true);
      exchanging.start();
      if (locals.isEmpty()) {
        // every rank runs elsewhere: this process only serves the exchange
        exchanging.join();
        return 0;
      }
      int exit = awaitRankZero();
      for (Process worker : locals.subList(Math.min(1, locals.size()), locals.size())) {
        // rank 0 has told the workers to quit; one still running after this is stuck (its peer
        // died)
        if (!worker.waitFor(30, TimeUnit.SECONDS)) {
          err.println("niodev: a worker rank did not exit after rank 0; stopping it");
          worker.destroyForcibly();
        }
      }
      Runtime.getRuntime().removeShutdownHook(destroyer);
      return exit;
    }
  }

  /**
   * Rank 0's exit code; a worker that fails first would leave rank 0 waiting in a collective for
   * ever, so the job is stopped then.
   */
  private int awaitRankZero() throws InterruptedException {
    Process rankZero = locals.get(0);
    while (!rankZero.waitFor(200, TimeUnit.MILLISECONDS)) {
      for (int rank = 1; rank < locals.size(); rank++) {
        Process worker = locals.get(rank);
        if (!worker.isAlive() && worker.exitValue() != 0) {
          err.println(
              "niodev: rank "
                  + rank
                  + " failed (exit "
                  + worker.exitValue()
                  + "); stopping the job");
          locals.forEach(Process::destroy);
          rankZero.waitFor(10, TimeUnit.SECONDS);
          return 1;
        }
      }
    }
    return rankZero.exitValue();
  }

  private Process start(int rank, String conf) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(command(rank, conf, java))
            .redirectOutput(ProcessBuilder.Redirect.INHERIT)
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().put("MPJ_HOME", settings.mpjHome.toString());
    builder.redirectInput(
        rank == 0
            ? ProcessBuilder.Redirect.INHERIT
            : ProcessBuilder.Redirect.from(new File("/dev/null")));
    return builder.start();
  }

  /**
   * {@code java -cp mpj.jar:log4j:app Main <rank> <conf> niodev args}: mpj.jar's manifest cannot
   * find log4j itself.
   */
  private List<String> command(int rank, String conf, String java) {
    Path lib = settings.mpjHome.resolve("lib");
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(settings.javaOptions);
    command.add("-cp");
    command.add(
        lib.resolve("mpj.jar")
            + File.pathSeparator
            + lib.resolve("log4j-1.2.jar")
            + File.pathSeparator
            + settings.classPath);
    command.add(settings.mainClass);
    command.add(Integer.toString(rank));
    command.add(conf);
    command.add("niodev");
    command.addAll(settings.appArgs);
    return command;
  }

  private static List<String> quoted(List<String> words) {
    return words.stream()
        .map(w -> w.matches("[A-Za-z0-9_@%+=:,./-]+") ? w : "'" + w.replace("'", "'\\''") + "'")
        .toList();
  }

  /** The launcher's command line. */
  private record Settings(
      Path mpjHome,
      int ranks,
      int local,
      String host,
      int port,
      long waitSeconds,
      List<String> javaOptions,
      String classPath,
      String mainClass,
      List<String> appArgs) {
    static Settings parse(String[] args) {
      Path mpjHome = System.getenv("MPJ_HOME") == null ? null : Path.of(System.getenv("MPJ_HOME"));
      int ranks = 0;
      Integer local = null;
      String host = null;
      int port = 0;
      long waitSeconds = 600;
      List<String> javaOptions = new ArrayList<>();
      int i = 0;
      for (; i < args.length; i++) {
        switch (args[i]) {
          case "--mpj-home" -> mpjHome = Path.of(value(args, ++i));
          case "-np", "--np" -> ranks = Integer.parseInt(value(args, ++i));
          case "--local" -> local = Integer.parseInt(value(args, ++i));
          case "--host" -> host = value(args, ++i);
          case "--port" -> port = Integer.parseInt(value(args, ++i));
          case "--wait-seconds" -> waitSeconds = Long.parseLong(value(args, ++i));
          case "--java-option" -> javaOptions.add(value(args, ++i));
          case "-jar" -> {
            String jar = Path.of(value(args, ++i)).toAbsolutePath().toString();
            return new Settings(
                home(mpjHome),
                ranks(ranks),
                local(local, ranks),
                host,
                port,
                waitSeconds,
                javaOptions,
                jar,
                mainClassOf(jar),
                List.of(args).subList(i + 1, args.length));
          }
          case "-cp", "-classpath" -> {
            String classPath = value(args, ++i);
            String mainClass = value(args, ++i);
            return new Settings(
                home(mpjHome),
                ranks(ranks),
                local(local, ranks),
                host,
                port,
                waitSeconds,
                javaOptions,
                classPath,
                mainClass,
                List.of(args).subList(i + 1, args.length));
          }
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      throw new IllegalArgumentException("-jar JAR or -cp CLASSPATH CLASS is required");
    }

    private static String value(String[] args, int i) {
      if (i >= args.length) {
        throw new IllegalArgumentException(args[i - 1] + " needs a value");
      }
      return args[i];
    }

    private static Path home(Path mpjHome) {
      if (mpjHome == null || !mpjHome.resolve("lib/mpj.jar").toFile().isFile()) {
        throw new IllegalArgumentException(
            "MPJ_HOME (or --mpj-home) must hold lib/mpj.jar; got "
                + mpjHome
                + " (deploy/setup-mpj.sh prepares one)");
      }
      return mpjHome.toAbsolutePath();
    }

    private static int ranks(int ranks) {
      if (ranks < 1) {
        throw new IllegalArgumentException("-np must be >= 1");
      }
      return ranks;
    }

    private static int local(Integer local, int ranks) {
      int l = local == null ? ranks : local;
      if (l < 0 || l > ranks) {
        throw new IllegalArgumentException("--local must be 0.." + ranks + ", got " + l);
      }
      return l;
    }

    private static String mainClassOf(String jar) {
      try (JarFile file = new JarFile(jar)) {
        String main =
            file.getManifest() == null
                ? null
                : file.getManifest().getMainAttributes().getValue("Main-Class");
        if (main == null) {
          throw new IllegalArgumentException(jar + " has no Main-Class in its manifest");
        }
        return main;
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + jar + ": " + e.getMessage(), e);
      }
    }
  }
}
