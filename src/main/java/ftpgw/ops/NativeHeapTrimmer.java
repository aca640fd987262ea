package ftpgw.ops;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the C library's free native memory back to the operating system every few seconds, as the
 * JVM's own {@code -XX:TrimNativeHeapInterval} does (glibc only, JDK 17.0.9 and later; off unless
 * set). Without it a gateway keeps, for as long as it runs, the peak of what the JIT compilers, GC
 * and NIO once took from glibc's per-thread arenas: about 15 MiB of its resident memory after a few
 * uploads.
 *
 * <p>Runs on its own daemon thread through the {@code System.trim_native_heap} diagnostic command.
 * Does nothing when the JVM trims by itself, when the JVM has no such command, or when the system
 * property {@value #INTERVAL_PROPERTY} is 0.
 */
public final class NativeHeapTrimmer {
  private static final Logger log = LoggerFactory.getLogger(NativeHeapTrimmer.class);

  /** Milliseconds between two trims; 0 turns trimming off. */
  public static final String INTERVAL_PROPERTY = "ftpgw.trimNativeHeapMillis";

  static final long DEFAULT_INTERVAL_MILLIS = 5000;
  private static final String JVM_FLAG = "TrimNativeHeapInterval";

  private final MBeanServer server;
  private final ObjectName command;

  private NativeHeapTrimmer(MBeanServer server, ObjectName command) {
    this.server = server;
    this.command = command;
  }

  /**
   * Starts trimming every {@value #INTERVAL_PROPERTY} ms (default 5 s) unless one of the exceptions
   * applies.
   */
  public static Optional<NativeHeapTrimmer> start() {
    long interval = Long.getLong(INTERVAL_PROPERTY, DEFAULT_INTERVAL_MILLIS);
    if (interval <= 0 || jvmTrims()) {
      return Optional.empty();
    }
    Optional<NativeHeapTrimmer> trimmer = available();
    trimmer.ifPresent(
        t -> {
          ScheduledExecutorService timer =
              Executors.newSingleThreadScheduledExecutor(
                  r -> {
                    Thread thread = new Thread(r, "ftpgw-trim-native-heap");
                    thread.setDaemon(true);
                    return thread;
                  });
          timer.scheduleWithFixedDelay(
              () -> {
                try {
                  t.trim();
                } catch (Exception e) {
                  log.debug("native heap trimming stopped: {}", e.toString());
                  timer.shutdown();
                }
              },
              interval,
              interval,
              TimeUnit.MILLISECONDS);
        });
    return trimmer;
  }

  /** The trimmer when this JVM can trim its native heap (one trial trim), else empty. */
  static Optional<NativeHeapTrimmer> available() {
    try {
      NativeHeapTrimmer trimmer =
          new NativeHeapTrimmer(
              ManagementFactory.getPlatformMBeanServer(),
              new ObjectName("com.sun.management:type=DiagnosticCommand"));
      String report = trimmer.trim();
      if (!report.startsWith("Trim native heap:")) {
        log.debug("native heap trimming unavailable: {}", report.strip());
        return Optional.empty();
      }
      return Optional.of(trimmer);
    } catch (Exception e) {
      log.debug("native heap trimming unavailable: {}", e.toString());
      return Optional.empty();
    }
  }

  /**
   * Trims once; answers the JVM's report, e.g. {@code Trim native heap: RSS+Swap: 280M->265M
   * (-15M)}.
   */
  String trim() throws Exception {
    Object report =
        server.invoke(
            command,
            "systemTrimNativeHeap",
            new Object[] {null},
            new String[] {String[].class.getName()});
    return String.valueOf(report);
  }

  private static boolean jvmTrims() {
    try {
      HotSpotDiagnosticMXBean hotspot =
          ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      return hotspot != null && Long.parseLong(hotspot.getVMOption(JVM_FLAG).getValue()) > 0;
    } catch (IllegalArgumentException e) {
      return false; // a JVM without the flag
    }
  }
}
