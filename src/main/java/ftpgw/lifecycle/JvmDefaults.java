package ftpgw.lifecycle;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JVM settings the gateway runs with when whoever started it gave none (the README's {@code
 * java -jar gateway-fat.jar ...}): a JVM left to itself sizes its heap from the machine's RAM, and
 * G1 grows it under the garbage of many small uploads far past what the gateway needs, so RSS
 * climbs to hundreds of MiB. A jar cannot carry JVM settings, so the launcher starts the gateway
 * again in a JVM of its own with them and waits for it, passing signals on. Any {@code -X} setting
 * given on the command line, in {@code JAVA_TOOL_OPTIONS} or {@code JDK_JAVA_OPTIONS} means the
 * user chose; {@code FTPGW_JVM_DEFAULTS=off} turns the relaunch off.
 */
public final class JvmDefaults {
  /**
   * Heap cap and the collector that keeps the footprint small (see docs/benchmark.md, "Memory
   * without flags").
   */
  public static final List<String> FLAGS =
      List.of(
          "-Xms32m",
          "-Xmx128m",
          "-Xmn16m",
          "-XX:+UseSerialGC",
          "-XX:MinHeapFreeRatio=10",
          "-XX:MaxHeapFreeRatio=30",
          "-XX:+ExitOnOutOfMemoryError");

  /**
   * Set in the relaunched JVM's environment unless the user set it: glibc gives each thread that
   * allocates natively (JIT compilers, NIO, Netty's native code) a malloc arena of its own, up to 8
   * per core, each holding on to what it once touched; two arenas keep that part of RSS small for a
   * JVM whose own memory is bounded by its flags.
   */
  public static final Map<String, String> ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");

  /** Set in the relaunched JVM's environment, so that it never relaunches again. */
  static final String RELAUNCHED = "FTPGW_JVM_RELAUNCHED";

  /** {@code off} keeps the JVM as started. */
  static final String SWITCH = "FTPGW_JVM_DEFAULTS";

  private JvmDefaults() {}

  /**
   * The command that starts {@code mainClass} again with {@link #FLAGS}, or empty when this JVM
   * should run as it is: JVM settings were given, the defaults are switched off, or this is the
   * relaunched JVM.
   */
  public static Optional<List<String>> relaunchCommand(
      List<String> jvmArgs,
      Map<String, String> env,
      Path java,
      String classPath,
      String mainClass,
      String[] args) {
    if (env.containsKey(RELAUNCHED)
        || "off".equalsIgnoreCase(env.getOrDefault(SWITCH, ""))
        || jvmArgs.stream().anyMatch(arg -> arg.startsWith("-X"))
        || classPath == null
        || classPath.isEmpty()) {
      return Optional.empty();
    }
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(FLAGS);
    command.addAll(jvmArgs); // -D... given by the user
    command.add("-cp");
    command.add(classPath);
    command.add(mainClass);
    command.addAll(List.of(args));
    return Optional.of(command);
  }

  /**
   * In the relaunched JVM: stops when the launcher's JVM is gone, even killed (SIGKILL runs no
   * shutdown hook), so that no gateway is left holding the ports.
   */
  public static void stopWithLauncher() {
    if (System.getenv(RELAUNCHED) != null) {
      ProcessHandle.current()
          .parent()
          .ifPresent(launcher -> launcher.onExit().thenRun(() -> System.exit(143)));
    }
  }

  /**
   * Runs the gateway in a JVM with the defaults when this one was started without settings, and
   * returns its exit code; empty when this JVM should run the gateway itself.
   */
  public static Optional<Integer> relaunchIfNeeded(Class<?> mainClass, String[] args) {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Optional<List<String>> command =
        relaunchCommand(
            ManagementFactory.getRuntimeMXBean().getInputArguments(),
            System.getenv(),
            java,
            System.getProperty("java.class.path"),
            mainClass.getName(),
            args);
    if (command.isEmpty() || !new File(java.toString()).canExecute()) {
      return Optional.empty();
    }
    try {
      ProcessBuilder builder = new ProcessBuilder(command.get()).inheritIO();
      builder.environment().put(RELAUNCHED, "1");
      ENVIRONMENT.forEach(builder.environment()::putIfAbsent);
      Process gateway = builder.start();
      // systemd, docker and Ctrl-C stop this JVM: the gateway stops with it, cleanly (SIGTERM),
      // before it exits
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    gateway.destroy();
                    try {
                      gateway.waitFor();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  },
                  "ftpgw-stop-gateway"));
      // this JVM only waits from here on: a full collection lets it give back the heap it committed
      // at start-up
      System.gc();
      return Optional.of(gateway.waitFor());
    } catch (java.io.IOException e) {
      System.err.println(
          "ftpgw: cannot start the gateway's JVM with its default settings ("
              + e.getMessage()
              + "); running in this one");
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of(1);
    }
  }
}
