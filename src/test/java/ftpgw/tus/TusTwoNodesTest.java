package ftpgw.tus;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.FreePorts;
import ftpgw.testing.GatewayUnderTest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateway nodes behind one name without sticky sessions: upload URLs name the node that holds
 * the bytes, and the other node redirects (307) there. Both nodes run in one Vert.x here, so they
 * share its map as clustered nodes share the cluster-wide one (ClusterTest covers the map itself
 * across JVMs).
 */
@ExtendWith(VertxExtension.class)
class TusTwoNodesTest {
  @TempDir Path dir;

  @Test
  void aRequestReachingTheOtherNodeIsRedirectedToTheHolder(Vertx vertx) throws Exception {
    int portA = FreePorts.one();
    int portB = FreePorts.one();
    GatewayUnderTest a = node(vertx, "a", portA);
    GatewayUnderTest b = node(vertx, "b", portB);
    TusRequests viaA = new TusRequests(portA);
    TusRequests viaB = new TusRequests(portB);
    byte[] file = TusProtocolTest.bytes(100_000);

    HttpResponse<String> created =
        viaA.create(file.length, TusRequests.metadata("filename", "two.bin"));
    String location = created.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith("http://127.0.0.1:" + portA + "/tus/");
    String path = java.net.URI.create(location).getPath();

    HttpResponse<String> head = viaB.head(path);
    assertThat(head.statusCode()).isEqualTo(307);
    assertThat(head.headers().firstValue("Location")).hasValue(location);
    HttpResponse<String> patch = viaB.patch(path, 0, file);
    assertThat(patch.statusCode()).isEqualTo(307);
    assertThat(viaA.head(location).headers().firstValue("Upload-Offset")).hasValue("0");
    assertThat(viaA.patch(location, 0, file).statusCode()).isEqualTo(204);
    assertThat(Files.readAllBytes(a.ftpRoot().resolve("two.bin"))).isEqualTo(file);
    TusProtocolTest.assertError(viaB.head("/tus/nosuchupload"), 404, null);
    assertThat(TusProtocolTest.strayFiles(b)).isEmpty();
  }

  private GatewayUnderTest node(Vertx vertx, String name, int port) {
    return GatewayUnderTest.start(
        vertx,
        dir.resolve(name),
        new JsonObject()
            .put("http", new JsonObject().put("port", port))
            .put("tus", new JsonObject().put("publicUrl", "http://127.0.0.1:" + port)));
  }
}
