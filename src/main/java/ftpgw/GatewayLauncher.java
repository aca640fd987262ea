package ftpgw;

import ftpgw.cluster.HazelcastSettings;
import ftpgw.config.GatewayConfig;
import ftpgw.lifecycle.JvmDefaults;
import ftpgw.ops.NativeHeapTrimmer;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.launcher.application.HookContext;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's main: Vert.x's launcher ({@code -conf}, {@code -cluster}, …), except that a {@code
 * -conf} that is not an existing JSON file (or inline JSON), or a config with an invalid value,
 * stops start-up with a clear message instead of running on {@code {}} or failing with a stack
 * trace.
 */
public final class GatewayLauncher extends VertxApplication implements VertxApplicationHooks {

  private static final Logger shutdownLog = LoggerFactory.getLogger("ftpgw.Shutdown");

  private GatewayConfig config = GatewayConfig.fromJson(new JsonObject());

  private GatewayLauncher(String[] args) {
    super(args);
  }

  /**
   * JSSE must not offer session tickets to FTPS servers: vsftpd's (lifetime 2^31-1 s) are discarded
   * by JSSE, and without a resumable session its data connections fail (require_ssl_reuse). Read
   * once, when TLS is first used.
   */
  static final String TLS_TICKETS_PROPERTY = "jdk.tls.client.enableSessionTicketExtension";

  /**
   * Netty's classic pooled allocator rather than 4.2's adaptive one: upload bodies are held in
   * Netty's buffers until the spool writes them (see BodyTap), and the adaptive allocator gives
   * such chunks back to the C library and takes new ones all the time, which the native heap
   * trimming then returns to the system: CPU spent on nothing.
   */
  static final String NETTY_ALLOCATOR_PROPERTY = "io.netty.allocator.type";

  public static void main(String[] args) {
    if (System.getProperty(TLS_TICKETS_PROPERTY) == null) {
      System.setProperty(TLS_TICKETS_PROPERTY, "false");
    }
    if (System.getProperty(NETTY_ALLOCATOR_PROPERTY) == null) {
      System.setProperty(NETTY_ALLOCATOR_PROPERTY, "pooled");
    }
    String asked = Usage.request(args);
    if (asked != null) {
      System.out.print(
          asked.equals("help")
              ? Usage.help()
              : "ftpgw " + Usage.version() + System.lineSeparator());
      System.exit(0);
    }
    String problem = confProblem(args);
    if (problem != null) {
      System.err.println("ftpgw: " + problem);
      System.exit(2);
    }
    Optional<Integer> relaunched = JvmDefaults.relaunchIfNeeded(GatewayLauncher.class, args);
    if (relaunched.isPresent()) {
      System.exit(relaunched.get());
    }
    JvmDefaults.stopWithLauncher();
    NativeHeapTrimmer.start();
    new GatewayLauncher(args).launch();
  }

  /**
   * Validates the whole config before Vert.x starts, so a bad value is one clear line, not a
   * deployment trace.
   */
  @Override
  public JsonObject afterConfigParsed(JsonObject config) {
    try {
      this.config = GatewayConfig.fromJson(config);
    } catch (IllegalArgumentException e) {
      System.err.println("ftpgw: invalid configuration: " + e.getMessage());
      System.exit(2);
    }
    return config;
  }

  /**
   * An expected start-up failure (a port in use, say) is one line and exit code 2; anything else
   * keeps its trace.
   */
  @Override
  public void afterFailureToDeployVerticle(HookContext context, Throwable error) {
    String problem = StartupProblem.explain(error);
    if (problem != null) {
      System.err.println("ftpgw: cannot start: " + problem);
      System.exit(2);
    }
  }

  /**
   * Shutdown progress (SIGTERM): the stages then log what they wait for, in the order they stop.
   */
  @Override
  public void beforeStoppingVertx(HookContext context) {
    shutdownLog.info(
        "Shutting down: HTTP stops taking uploads, deliveries in progress finish, then the relay and the"
            + " embedded FTP server stop");
  }

  @Override
  public void afterVertxStopped(HookContext context) {
    shutdownLog.info("Stopped");
  }

  /**
   * Prometheus metrics on unless {@code -options} says otherwise, and the Hazelcast cluster manager
   * configured from cluster.xml and the node's {@code cluster.*} keys (used only with {@code
   * -cluster}).
   */
  @Override
  public VertxBuilder createVertxBuilder(VertxOptions options) {
    if (options.getMetricsOptions() == null || !options.getMetricsOptions().isEnabled()) {
      options.setMetricsOptions(
          new MicrometerMetricsOptions()
              .setEnabled(true)
              .setJvmMetricsEnabled(true)
              .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
    }
    return Vertx.builder()
        .with(options)
        .withClusterManager(new HazelcastClusterManager(HazelcastSettings.load(config.cluster())));
  }

  /** Null when every {@code -conf} argument is usable, else what is wrong with it. */
  static String confProblem(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = null;
      for (String flag : new String[] {"-conf", "--conf"}) {
        if (arg.equals(flag)) {
          if (i + 1 >= args.length) {
            return flag + " needs a file name or inline JSON";
          }
          value = args[i + 1];
        } else if (arg.startsWith(flag + "=")) {
          value = arg.substring(flag.length() + 1);
        }
      }
      if (value != null) {
        String problem = checkConf(value);
        if (problem != null) {
          return problem;
        }
      }
    }
    return null;
  }

  private static String checkConf(String value) {
    String trimmed = value.trim();
    String json = trimmed;
    String source = "the inline -conf JSON";
    if (!trimmed.startsWith("{")) {
      Path file = Path.of(value);
      if (!Files.isRegularFile(file)) {
        return "the config file " + file.toAbsolutePath() + " does not exist (given with -conf)";
      }
      try {
        json = Files.readString(file);
      } catch (IOException e) {
        return "the config file " + file.toAbsolutePath() + " cannot be read: " + e.getMessage();
      }
      source = "the config file " + file.toAbsolutePath();
    }
    try {
      new JsonObject(json);
      return null;
    } catch (DecodeException e) {
      return source + " is not valid JSON: " + e.getMessage();
    }
  }
}
