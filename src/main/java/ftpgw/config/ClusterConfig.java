package ftpgw.config;

import static ftpgw.config.ConfigReader.require;

import io.vertx.core.json.JsonArray;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How a node takes part in a cluster (only read when started with {@code -cluster}).
 *
 * @param name Hazelcast cluster name; null: the one in cluster.xml. Nodes join only their own
 *     cluster
 * @param host address to bind and announce to the other nodes; null: the one in cluster.xml
 *     (loopback)
 * @param port first Hazelcast port tried (the next 9 too); 0: the one in cluster.xml (5701)
 * @param members addresses ({@code host} or {@code host:port}) of nodes to join; empty:
 *     cluster.xml's list
 * @param ftpConnections FTP sessions all relay nodes together may have open at once (default:
 *     relay.connections)
 * @param chunkBytes an edge's body crosses to a relay node in chunks of this size
 * @param chunkWindow chunks a relay node asks for ahead of the one it is writing (its memory per
 *     transfer)
 * @param relayStartTimeout an edge gives a transfer to another relay node when none starts pulling
 *     it by then
 * @param stream an edge's bodies cross to relay nodes over a direct HTTP stream (the event bus
 *     carries only the control messages); false: in event-bus chunks
 * @param streamPort port of the edge's body stream, on the cluster address; 0: any free one (it is
 *     announced in each request)
 */
public record ClusterConfig(
    String name,
    String host,
    int port,
    List<String> members,
    int ftpConnections,
    int chunkBytes,
    int chunkWindow,
    Duration relayStartTimeout,
    boolean stream,
    int streamPort) {
  /**
   * {@code ftpConnections} here is only a placeholder: its default is the node's relay.connections.
   */
  public static final ClusterConfig DEFAULTS =
      new ClusterConfig(null, null, 0, List.of(), 8, 1 << 20, 4, Duration.ofSeconds(30), true, 0);

  public ClusterConfig {
    members = List.copyOf(members);
    require(port >= 0 && port <= 65_535, "cluster.port must be 0..65535, got " + port);
    require(
        ftpConnections >= 1 && ftpConnections <= 1024,
        "cluster.ftpConnections must be 1..1024, got " + ftpConnections);
    require(
        chunkBytes >= 4096 && chunkBytes <= 16 << 20,
        "cluster.chunkBytes must be 4096..16777216, got " + chunkBytes);
    require(
        chunkWindow >= 1 && chunkWindow <= 64,
        "cluster.chunkWindow must be 1..64, got " + chunkWindow);
    require(relayStartTimeout.toMillis() > 0, "cluster.relayStartTimeoutMs must be > 0");
    require(
        streamPort >= 0 && streamPort <= 65_535,
        "cluster.streamPort must be 0..65535, got " + streamPort);
  }

  /**
   * @param defaultFtpConnections the budget when {@code cluster.ftpConnections} is absent
   *     (relay.connections)
   */
  static ClusterConfig fromJson(ConfigReader json, int defaultFtpConnections) {
    return new ClusterConfig(
        json.string("name", DEFAULTS.name),
        json.string("host", DEFAULTS.host),
        json.integer("port", DEFAULTS.port),
        members(json),
        json.integer("ftpConnections", defaultFtpConnections),
        json.integer("chunkBytes", DEFAULTS.chunkBytes),
        json.integer("chunkWindow", DEFAULTS.chunkWindow),
        json.millis("relayStartTimeoutMs", DEFAULTS.relayStartTimeout),
        json.bool("stream", DEFAULTS.stream),
        json.integer("streamPort", DEFAULTS.streamPort));
  }

  private static List<String> members(ConfigReader json) {
    Object value = json.value("members");
    if (value == null) {
      return DEFAULTS.members;
    }
    List<String> members = new ArrayList<>();
    if (value instanceof JsonArray array) {
      for (Object member : array) {
        require(
            member instanceof String s && !s.isBlank(),
            "cluster.members must be a list of addresses, got " + value);
        members.add((String) member);
      }
      return members;
    }
    throw new IllegalArgumentException("cluster.members must be a list of addresses, got " + value);
  }
}
