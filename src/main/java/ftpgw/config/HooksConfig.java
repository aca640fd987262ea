package ftpgw.config;

import static ftpgw.config.ConfigReader.require;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Operators' HTTP webhooks, signed with HMAC-SHA256: {@code pre-upload} may refuse an upload before
 * its body is read, {@code post-delivered} and {@code post-failed} are told about final states from
 * a journalled retry queue.
 *
 * @param preUpload URL called before a body is read; null: none
 * @param postDelivered URL told about every delivered transfer; null: none
 * @param postFailed URL told about every failed transfer; null: none
 * @param secret HMAC-SHA256 key of the {@code X-Ftpgw-Signature} header; required when any hook is
 *     set
 * @param preUploadTimeout how long an upload waits for the pre-upload hook's answer
 * @param allowOnTimeout whether an upload goes ahead when the pre-upload hook does not answer in
 *     time (or is down)
 * @param queueDir where post hooks not yet acknowledged are journalled; null: {@code
 *     spool.dir/hooks}
 * @param queueLimit post hooks waiting at most; further events are refused with an error in the log
 * @param initialBackoff wait before a post hook's second attempt, doubled each time up to {@code
 *     maxBackoff}
 * @param maxBackoff longest wait between attempts
 */
public record HooksConfig(
    URI preUpload,
    URI postDelivered,
    URI postFailed,
    Secret secret,
    Duration preUploadTimeout,
    boolean allowOnTimeout,
    Path queueDir,
    int queueLimit,
    Duration initialBackoff,
    Duration maxBackoff) {
  public static final HooksConfig DEFAULTS =
      new HooksConfig(
          null,
          null,
          null,
          Secret.NONE,
          Duration.ofSeconds(5),
          false,
          null,
          10_000,
          Duration.ofMillis(500),
          Duration.ofSeconds(30));

  public HooksConfig {
    require(
        !anyHook(preUpload, postDelivered, postFailed) || !secret.isEmpty(),
        "hooks.secret (or hooks.secretEnv / hooks.secretFile) is required when a hook is configured: receivers check"
            + " the X-Ftpgw-Signature header with it");
    require(preUploadTimeout.toMillis() > 0, "hooks.preUploadTimeoutMs must be > 0");
    require(queueLimit >= 1, "hooks.queueLimit must be >= 1, got " + queueLimit);
    require(initialBackoff.toMillis() > 0, "hooks.initialBackoffMs must be > 0");
    require(
        maxBackoff.compareTo(initialBackoff) >= 0,
        "hooks.maxBackoffMs must be >= hooks.initialBackoffMs");
  }

  public boolean hasPostHooks() {
    return postDelivered != null || postFailed != null;
  }

  private static boolean anyHook(URI... hooks) {
    for (URI hook : hooks) {
      if (hook != null) {
        return true;
      }
    }
    return false;
  }

  static HooksConfig fromJson(ConfigReader json) {
    return new HooksConfig(
        uri(json, "preUpload"),
        uri(json, "postDelivered"),
        uri(json, "postFailed"),
        json.secret("secret"),
        json.millis("preUploadTimeoutMs", DEFAULTS.preUploadTimeout),
        "allow".equals(onTimeout(json)),
        HttpConfig.path(json, "queueDir"),
        json.integer("queueLimit", DEFAULTS.queueLimit),
        json.millis("initialBackoffMs", DEFAULTS.initialBackoff),
        json.millis("maxBackoffMs", DEFAULTS.maxBackoff));
  }

  private static String onTimeout(ConfigReader json) {
    String value = json.string("preUploadOnTimeout", "deny");
    require(
        value.equals("allow") || value.equals("deny"),
        "hooks.preUploadOnTimeout must be \"allow\" or \"deny\", got \"" + value + "\"");
    return value;
  }

  private static URI uri(ConfigReader json, String key) {
    String value = json.string(key, null);
    if (value == null) {
      return null;
    }
    URI uri = URI.create(value);
    require(
        ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
            && uri.getHost() != null,
        "hooks." + key + " must be an http:// or https:// URL, got \"" + value + "\"");
    return uri;
  }
}
