package ftpgw.http;

import static ftpgw.testing.TestFiles.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.TestCertificate;
import ftpgw.testing.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 frames a request body itself and has no chunked encoding: a body of unknown length comes
 * without content-length, and is taken as HTTP/1.1 takes a chunked one.
 */
@ExtendWith(VertxExtension.class)
class Http2StreamedUploadTest {
  @TempDir Path dir;

  @Test
  void anUploadPipedFromStdinOverHttp2LandsIntact(Vertx vertx) throws Exception {
    TestCertificate cert = TestCertificate.create(dir.resolve("tls"), "127.0.0.1", "IP:127.0.0.1");
    GatewayUnderTest gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject()
                .put(
                    "http",
                    new JsonObject()
                        .put("maxUploadBytes", 8 * MiB)
                        .put("tls", cert.pemSettings().put("http2", true))));
    String url = "https://127.0.0.1:" + gateway.httpPort();
    Path file = TestFiles.random(dir, "piped.bin", 3 * MiB + 5);

    List<String> answer = curlFromStdin(cert, file, url + "/files/h2/piped.bin");

    assertThat(answer.get(0)).isEqualTo("201 2");
    assertThat(new JsonObject(answer.get(1)).getString("sha256")).isEqualTo(TestFiles.sha256(file));
    assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("h2/piped.bin")))
        .isEqualTo(TestFiles.sha256(file));

    // the limit still holds when no length is announced: refused once the body crosses it, nothing
    // kept
    Path tooBig = TestFiles.random(dir, "big.bin", 9 * MiB);
    List<String> refused = curlFromStdin(cert, tooBig, url + "/files/h2/big.bin");
    assertThat(refused.get(0)).isEqualTo("413 2");
    assertThat(new JsonObject(refused.get(1)).getString("error")).isEqualTo("TOO_LARGE");
    assertThat(gateway.strayFilesAfterAMoment()).isEmpty();
    assertThat(TestFiles.filesUnder(gateway.ftpRoot())).containsExactly("h2/piped.bin");
  }

  /** {@code curl --http2 -T - url < file}: the status line and HTTP version, then the body. */
  private static List<String> curlFromStdin(TestCertificate cert, Path file, String url)
      throws Exception {
    Process curl =
        new ProcessBuilder(
                "curl",
                "-sS",
                "--http2",
                "--cacert",
                cert.cert().toString(),
                "-m",
                "60",
                "-w",
                "\\n%{http_code} %{http_version}\\n",
                "-T",
                "-",
                url)
            .redirectInput(file.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor()).as(out).isZero();
    List<String> lines = out.strip().lines().toList();
    assertThat(lines).as(out).hasSizeGreaterThanOrEqualTo(2);
    return List.of(lines.get(lines.size() - 1), lines.get(0));
  }
}
