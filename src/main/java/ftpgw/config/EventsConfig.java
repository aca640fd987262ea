package ftpgw.config;

import static ftpgw.config.ConfigReader.require;

import java.time.Duration;

/**
 * The transfer event stream ({@code GET /events}) and the progress events behind it.
 *
 * @param bufferSize events each HTTP listener keeps for {@code Last-Event-ID} replay
 * @param heartbeat an SSE comment line is sent this often, so proxies do not close an idle stream
 * @param clientQueueBytes unsent bytes one SSE client may have queued; a client that falls further
 *     behind is dropped
 * @param progressInterval at most one progress event per transfer this often while its body arrives
 */
public record EventsConfig(
    int bufferSize, Duration heartbeat, int clientQueueBytes, Duration progressInterval) {
  public static final EventsConfig DEFAULTS =
      new EventsConfig(1000, Duration.ofSeconds(15), 256 * 1024, Duration.ofMillis(250));

  public EventsConfig {
    require(
        bufferSize >= 1 && bufferSize <= 1_000_000,
        "events.bufferSize must be 1..1000000, got " + bufferSize);
    require(heartbeat.toMillis() >= 100, "events.heartbeatMs must be >= 100");
    require(
        clientQueueBytes >= 4096,
        "events.clientQueueBytes must be >= 4096, got " + clientQueueBytes);
    require(progressInterval.toMillis() >= 50, "events.progressIntervalMs must be >= 50");
  }

  static EventsConfig fromJson(ConfigReader json) {
    return new EventsConfig(
        json.integer("bufferSize", DEFAULTS.bufferSize),
        json.millis("heartbeatMs", DEFAULTS.heartbeat),
        json.integer("clientQueueBytes", DEFAULTS.clientQueueBytes),
        json.millis("progressIntervalMs", DEFAULTS.progressInterval));
  }
}
