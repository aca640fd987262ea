package ftpgw;

import ftpgw.config.FtpServerConfig;
import ftpgw.config.HttpConfig;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The gateway's own {@code --help} and {@code --version}, instead of Vert.x's generic launcher
 * help.
 */
final class Usage {
  private Usage() {}

  /** The Maven project version, written into the jar at build time. */
  static String version() {
    try (InputStream in = Usage.class.getResourceAsStream("/ftpgw/version.properties")) {
      Properties properties = new Properties();
      if (in != null) {
        properties.load(in);
      }
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  static String help() {
    HttpConfig http = HttpConfig.DEFAULTS;
    FtpServerConfig ftp = FtpServerConfig.DEFAULTS;
    return """
        ftpgw %1$s: an HTTP -> FTP gateway (uploads over HTTP, delivered to an FTP server)

        Usage: java -jar gateway-fat.jar [-conf <file|json>] [-cluster] [-options <file|json>]

          -conf <file|json>     the configuration, a JSON file or inline JSON. Without it every key has its
                                default: an all-in-one node on %2$s with its own FTP server. Every key, its
                                default and meaning: docs/configuration.md. Unknown keys stop start-up.
          -cluster              join the other nodes (Hazelcast, cluster.* keys; replace the shipped cluster.xml
                                with -Dvertx.hazelcast.config=<file>)
          -options <file|json>  Vert.x options (event-loop threads, metrics)
          -h, --help            this help
          --version             the version

        Default ports (bound to %2$s only unless the config says otherwise):
          %3$-6d  HTTP uploads, status, /health, /metrics (http.port)
          %4$-6d  the embedded FTP server (ftpServer.port), passive data ports %5$s (ftpServer.passivePorts)
          5701    cluster membership, with -cluster only (cluster.port; the next 9 ports too)

        Try it:
          java -jar gateway-fat.jar -conf conf/node.json
          curl -T report.pdf http://%2$s:%3$d/files/
        """
        .formatted(version(), http.host(), http.port(), ftp.port(), ftp.passivePorts());
  }

  /** The flag among {@code args} that asks for help or the version, or null. */
  static String request(String[] args) {
    for (String arg : args) {
      switch (arg) {
        case "-h", "-help", "--help" -> {
          return "help";
        }
        case "-version", "--version" -> {
          return "version";
        }
        default -> {}
      }
    }
    return null;
  }
}
