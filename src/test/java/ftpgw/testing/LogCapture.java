package ftpgw.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Everything the JVM logs while it is open (the gateway's own loggers at DEBUG), as text: messages,
 * and exceptions with their causes. For tests that prove no secret ever reaches a log.
 */
public final class LogCapture implements AutoCloseable {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger root;
  private final Logger gateway;
  private final Level gatewayLevel;

  private LogCapture() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    gateway = context.getLogger("ftpgw");
    gatewayLevel = gateway.getLevel();
    appender.setContext(context);
    appender.start();
    root.addAppender(appender);
    gateway.setLevel(Level.DEBUG);
  }

  public static LogCapture start() {
    return new LogCapture();
  }

  /** Every line logged so far. */
  public List<String> lines() {
    List<ILoggingEvent> events;
    synchronized (appender) {
      events = new ArrayList<>(appender.list);
    }
    List<String> lines = new ArrayList<>();
    for (ILoggingEvent event : events) {
      lines.add(event.getLevel() + " " + event.getLoggerName() + " " + event.getFormattedMessage());
      for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
        lines.add("  " + t.getClassName() + ": " + t.getMessage());
        for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
          lines.add("    " + frame.getSTEAsString());
        }
      }
    }
    return lines;
  }

  /** Fails naming the line (never the secret) when any logged line holds one of {@code secrets}. */
  public void assertNoSecret(String... secrets) {
    List<String> lines = lines();
    for (int i = 0; i < secrets.length; i++) {
      String secret = secrets[i];
      for (String line : lines) {
        if (line.contains(secret)) {
          throw new AssertionError(
              "secret #"
                  + i
                  + " appears in a log line: "
                  + line.replace(secret, "<secret #" + i + ">"));
        }
      }
    }
  }

  /** Whether some line contains {@code text}. */
  public boolean contains(String text) {
    return lines().stream().anyMatch(l -> l.contains(text));
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
    gateway.setLevel(gatewayLevel);
  }
}
