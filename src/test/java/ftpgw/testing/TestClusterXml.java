package ftpgw.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A Hazelcast configuration for a test's own cluster: a unique name, free loopback ports, TCP
 * discovery only (no multicast), heartbeats that notice a member gone within about 10 s, and a
 * member that comes back (e.g. resumed after SIGSTOP) merged again within seconds.
 */
public final class TestClusterXml {
  private TestClusterXml() {}

  /** Writes {@code dir/cluster.xml} for a cluster of up to {@code members} nodes. */
  public static Path write(Path dir, int members) throws Exception {
    int first = Integer.parseInt(FreePorts.range(members).split("-")[0]);
    StringBuilder list = new StringBuilder();
    for (int port = first; port < first + members; port++) {
      list.append("<member>127.0.0.1:").append(port).append("</member>");
    }
    Path xml = dir.resolve("cluster.xml");
    Files.writeString(
        xml,
        """
        <hazelcast xmlns="http://www.hazelcast.com/schema/config">
          <cluster-name>ftpgw-test-%s</cluster-name>
          <properties>
            <property name="hazelcast.logging.type">slf4j</property>
            <property name="hazelcast.phone.home.enabled">false</property>
            <property name="hazelcast.socket.bind.any">false</property>
            <property name="hazelcast.wait.seconds.before.join">0</property>
            <property name="hazelcast.max.no.heartbeat.seconds">10</property>
            <property name="hazelcast.heartbeat.interval.seconds">1</property>
            <property name="hazelcast.merge.first.run.delay.seconds">5</property>
            <property name="hazelcast.merge.next.run.delay.seconds">5</property>
          </properties>
          <network>
            <port auto-increment="true" port-count="%d">%d</port>
            <join>
              <auto-detection enabled="false"/><multicast enabled="false"/>
              <tcp-ip enabled="true"><member-list>%s</member-list></tcp-ip>
            </join>
            <interfaces enabled="true"><interface>127.0.0.1</interface></interfaces>
          </network>
        </hazelcast>
        """
            .formatted(UUID.randomUUID(), members, first, list));
    return xml;
  }
}
