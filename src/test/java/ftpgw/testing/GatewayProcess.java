package ftpgw.testing;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The gateway in a JVM of its own, started the way an operator starts it, for tests where crashes
 * matter.
 */
public final class GatewayProcess implements AutoCloseable {
  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();

  private GatewayProcess(Process process) {
    this.process = process;
  }

  /**
   * Starts {@code ftpgw.GatewayLauncher -conf <config>} and waits until the gateway says it is
   * deployed.
   */
  public static GatewayProcess start(JsonObject config, Path confFile) throws IOException {
    return start(config, confFile, List.of(), List.of());
  }

  /**
   * Starts a cluster member: {@code -cluster}, with {@code hazelcastXml} given as {@code
   * -Dvertx.hazelcast.config} (what an operator does to replace the shipped cluster.xml).
   */
  public static GatewayProcess startClustered(JsonObject config, Path confFile, Path hazelcastXml)
      throws IOException {
    return startClustered(config, confFile, hazelcastXml, List.of());
  }

  /** As {@link #startClustered(JsonObject, Path, Path)}, with more JVM options (a heap limit). */
  public static GatewayProcess startClustered(
      JsonObject config, Path confFile, Path hazelcastXml, List<String> jvmOptions)
      throws IOException {
    // what the fat jar's manifest grants under `java -jar`; without it Hazelcast prints a warning
    // on Java 17
    return start(
        config,
        confFile,
        Stream.concat(
                Stream.of(
                    "-Dvertx.hazelcast.config=" + hazelcastXml,
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.management/sun.management=ALL-UNNAMED",
                    "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED",
                    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED"),
                jvmOptions.stream())
            .toList(),
        List.of("-cluster"));
  }

  /**
   * Starts it as {@link #start(JsonObject, Path)} does, with these environment variables set (or,
   * when null, removed).
   */
  public static GatewayProcess startWithEnvironment(
      JsonObject config, Path confFile, Map<String, String> environment) throws IOException {
    return start(config, confFile, List.of(), List.of(), environment);
  }

  private static GatewayProcess start(
      JsonObject config, Path confFile, List<String> jvmArgs, List<String> appArgs)
      throws IOException {
    return start(config, confFile, jvmArgs, appArgs, Map.of());
  }

  private static GatewayProcess start(
      JsonObject config,
      Path confFile,
      List<String> jvmArgs,
      List<String> appArgs,
      Map<String, String> environment)
      throws IOException {
    java.nio.file.Files.writeString(confFile, config.encodePrettily());
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
    command.addAll(jvmArgs);
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "ftpgw.GatewayLauncher",
            "ftpgw.GatewayVerticle",
            "-conf",
            confFile.toString()));
    command.addAll(appArgs);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    environment.forEach(
        (name, value) -> {
          if (value == null) {
            builder.environment().remove(name);
          } else {
            builder.environment().put(name, value);
          }
        });
    GatewayProcess gateway = new GatewayProcess(builder.start());
    gateway.awaitOutput(ftpgw.ReadyLine.PREFIX);
    return gateway;
  }

  /** The JVM's process id (for signals such as SIGSTOP / SIGCONT). */
  public long pid() {
    return process.pid();
  }

  /** Sends {@code signal} (e.g. "STOP", "CONT") with kill(1). */
  public void signal(String signal) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + signal + " " + process.pid() + " failed");
    }
  }

  /**
   * Starts it as a user does who gives the JVM no settings (no {@code -X...}), so the launcher
   * applies its defaults; the launcher's own JVM settings come from the environment variables given
   * (null removes one).
   */
  public static GatewayProcess startWithoutJvmSettings(
      JsonObject config, Path confFile, Map<String, String> environment) throws IOException {
    java.nio.file.Files.writeString(confFile, config.encodePrettily());
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "ftpgw.GatewayLauncher",
                "ftpgw.GatewayVerticle",
                "-conf",
                confFile.toString())
            .redirectErrorStream(true);
    environment.forEach(
        (name, value) -> {
          if (value == null) {
            builder.environment().remove(name);
          } else {
            builder.environment().put(name, value);
          }
        });
    GatewayProcess gateway = new GatewayProcess(builder.start());
    gateway.awaitOutput(ftpgw.ReadyLine.PREFIX);
    return gateway;
  }

  /** The JVM this started (with the JVM defaults: the launcher, whose child runs the gateway). */
  public ProcessHandle handle() {
    return process.toHandle();
  }

  /** SIGKILL: no shutdown hook runs. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, then the exit code once the JVM has ended. */
  public int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(
          "the gateway did not stop within 60 s of SIGTERM:\n" + String.join("\n", output));
    }
    return process.exitValue();
  }

  public List<String> output() {
    return output;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }

  private void awaitOutput(String expected) throws IOException {
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = reader.readLine()) != null; ) {
      output.add(line);
      if (line.contains(expected)) {
        Thread pump = new Thread(() -> reader.lines().forEach(output::add), "gateway-output");
        pump.setDaemon(true);
        pump.start();
        return;
      }
    }
    throw new AssertionError(
        "the gateway ended before \"" + expected + "\":\n" + String.join("\n", output));
  }
}
