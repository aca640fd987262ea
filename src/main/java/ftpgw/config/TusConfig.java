package ftpgw.config;

import static ftpgw.config.ConfigReader.require;

import io.vertx.core.json.JsonArray;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The tus 1.0.0 endpoint at {@code /tus/} (resumable uploads).
 *
 * @param expireAfter an upload that receives no byte for this long expires: it is removed and its
 *     spool room freed
 * @param sweepInterval how often expired uploads are looked for
 * @param allowedOrigins browser origins allowed to call the endpoint (CORS); {@code ["*"]}: any;
 *     empty: none
 * @param publicUrl this node's own base URL as clients reach it (e.g. {@code https://edge-a:6969}):
 *     upload URLs name it, and another node that gets a request for one of its uploads redirects
 *     there (307); null: upload URLs use the request's Host, and only this node knows its uploads
 */
public record TusConfig(
    Duration expireAfter, Duration sweepInterval, List<String> allowedOrigins, String publicUrl) {
  public static final TusConfig DEFAULTS =
      new TusConfig(Duration.ofHours(24), Duration.ofMinutes(1), List.of(), null);

  public TusConfig {
    require(
        expireAfter.toMillis() >= 1000,
        "tus.expireAfterMs must be >= 1000, got " + expireAfter.toMillis());
    require(
        sweepInterval.toMillis() >= 100,
        "tus.sweepIntervalMs must be >= 100, got " + sweepInterval.toMillis());
    allowedOrigins = List.copyOf(allowedOrigins);
    require(
        publicUrl == null || (publicUrl.matches("https?://[^/?#]+") && !publicUrl.endsWith("/")),
        "tus.publicUrl must be scheme://host[:port] without a path, got " + publicUrl);
  }

  /** Whether a browser page from {@code origin} may call the endpoint. */
  public boolean allows(String origin) {
    return origin != null && (allowedOrigins.contains("*") || allowedOrigins.contains(origin));
  }

  static TusConfig fromJson(ConfigReader json) {
    Object origins = json.value("allowedOrigins");
    List<String> allowed = new ArrayList<>();
    if (origins != null) {
      if (!(origins instanceof JsonArray array)) {
        throw new IllegalArgumentException(
            "tus.allowedOrigins must be a list of origins, got " + origins);
      }
      for (Object origin : array) {
        require(
            origin instanceof String, "tus.allowedOrigins may contain only strings, got " + origin);
        allowed.add((String) origin);
      }
    }
    return new TusConfig(
        json.millis("expireAfterMs", DEFAULTS.expireAfter),
        json.millis("sweepIntervalMs", DEFAULTS.sweepInterval),
        origins == null ? DEFAULTS.allowedOrigins : allowed,
        json.string("publicUrl", DEFAULTS.publicUrl));
  }
}
