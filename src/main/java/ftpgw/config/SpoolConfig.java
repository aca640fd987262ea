package ftpgw.config;

import static ftpgw.config.ConfigReader.require;

import java.nio.file.Path;

/**
 * The on-disk spool every upload streams into before it is relayed.
 *
 * @param dir folder of spool files (created if missing; only the gateway writes there)
 * @param maxBytes quota over all uploads received or queued; an upload that would cross it gets 503
 *     + Retry-After
 * @param maxFiles most uploads received or queued at once (the bound of the relay queue)
 * @param retryAfterSeconds what the 503 tells clients to wait
 */
public record SpoolConfig(Path dir, long maxBytes, int maxFiles, int retryAfterSeconds) {
  public static final SpoolConfig DEFAULTS =
      new SpoolConfig(Path.of("data", "spool"), 8L << 30, 10_000, 5);

  public SpoolConfig {
    require(dir != null, "spool.dir must be set");
    require(maxBytes > 0, "spool.maxBytes must be > 0, got " + maxBytes);
    require(maxFiles > 0, "spool.maxFiles must be > 0, got " + maxFiles);
    require(
        retryAfterSeconds >= 1, "spool.retryAfterSeconds must be >= 1, got " + retryAfterSeconds);
  }

  static SpoolConfig fromJson(ConfigReader json) {
    return new SpoolConfig(
        Path.of(json.string("dir", DEFAULTS.dir.toString())),
        json.number("maxBytes", DEFAULTS.maxBytes),
        json.integer("maxFiles", DEFAULTS.maxFiles),
        json.integer("retryAfterSeconds", DEFAULTS.retryAfterSeconds));
  }
}
