package ftpgw.http;

import static ftpgw.testing.TestFiles.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.TestFiles;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files uploaded over HTTP land on the embedded FTP server whole, with the digest the client
 * computed.
 */
@ExtendWith(VertxExtension.class)
class UploadThroughGatewayTest {
  private static final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dir;
  private GatewayUnderTest gateway;

  @BeforeEach
  void startGateway(Vertx vertx) {
    gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject().put("relay", new JsonObject().put("connections", 2)));
  }

  @AfterEach
  void everyTappedChunkWentBackToNetty() throws Exception {
    assertThat(gateway.lentChunksAfterAMoment()).isZero();
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(longs = {0, 1, 4096, 100 * MiB})
  void putStoresTheBodyWithTheSameDigest(long size) throws Exception {
    Path file = TestFiles.random(dir, "body-" + size + ".bin", size);
    double tapped = gateway.meter("ftpgw_http_bodies_tapped_total");

    HttpResponse<String> response = put("/files/in/body.bin", file);

    assertThat(gateway.meter("ftpgw_http_bodies_tapped_total"))
        .as("the body came straight from Netty")
        .isEqualTo(tapped + 1);

    assertThat(response.statusCode()).isEqualTo(201);
    JsonObject reply = new JsonObject(response.body());
    assertThat(reply.getString("path")).isEqualTo("in/body.bin");
    assertThat(reply.getLong("bytes")).isEqualTo(size);
    assertThat(reply.getString("sha256")).isEqualTo(TestFiles.sha256(file));
    assertThat(reply.getString("id")).isNotBlank();
    assertThat(reply.getLong("durationMs")).isNotNegative();
    assertThat(response.headers().firstValue("Location")).hasValue("/files/in/body.bin");
    assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("in/body.bin")))
        .isEqualTo(TestFiles.sha256(file));
    assertThat(gateway.strayFiles()).isEmpty();
  }

  @Test
  void putCreatesNestedFoldersAndKeepsUnicodeNames() throws Exception {
    Path file = TestFiles.random(dir, "u.bin", 5000);
    String name = "résumé 日本語 ünïcode.bin";

    HttpResponse<String> response =
        put("/files/a/b/c/d/" + encode("Ωmega dir") + "/" + encode(name), file);

    assertThat(response.statusCode()).isEqualTo(201);
    Path landed = gateway.ftpRoot().resolve("a/b/c/d/Ωmega dir").resolve(name);
    assertThat(TestFiles.sha256(landed)).isEqualTo(TestFiles.sha256(file));
    assertThat(new JsonObject(response.body()).getString("path"))
        .isEqualTo("a/b/c/d/Ωmega dir/" + name);
  }

  @Test
  void putOverAnExistingFileReplacesIt() throws Exception {
    put("/files/same.bin", TestFiles.random(dir, "first.bin", 3000));
    Path second = TestFiles.random(dir, "second.bin", 7000);

    assertThat(put("/files/same.bin", second).statusCode()).isEqualTo(201);

    assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("same.bin")))
        .isEqualTo(TestFiles.sha256(second));
    assertThat(gateway.strayFiles()).isEmpty();
  }

  @Test
  void aMatchingReprDigestIsAccepted() throws Exception {
    Path file = TestFiles.random(dir, "d.bin", 100_000);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(gateway.url("/files/d.bin")))
            .header("Repr-Digest", TestFiles.reprDigest(TestFiles.sha256(file)))
            .PUT(HttpRequest.BodyPublishers.ofFile(file))
            .build();

    assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(201);
  }

  @Test
  void theSeedsPythonClientGetsItsPlainTextLine() throws Exception {
    Path file = TestFiles.random(dir, "seed.bin", 300_000);
    // the seed's send_file(), unchanged but for the URL
    String script =
        String.join(
            "\n",
            "import requests, sys",
            "with open(sys.argv[2], 'rb') as f:",
            "    response = requests.post(sys.argv[1] + '/upload', files={'file': f})",
            "print(response.status_code)",
            "print(response.text)");
    Process python =
        new ProcessBuilder("/usr/bin/python3", "-c", script, gateway.url(""), file.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(output).isEqualTo("201\n" + UploadHandler.SEED_SUCCESS_LINE + "\n\n");
    assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("seed.bin")))
        .isEqualTo(TestFiles.sha256(file));
    assertThat(gateway.strayFiles()).isEmpty();
  }

  @Test
  void curlMultipartWithAFolderFieldAndJsonAnswer() throws Exception {
    Path file = TestFiles.random(dir, "form.bin", 2 * MiB);
    Process curl =
        new ProcessBuilder(
                "curl",
                "-sS",
                "-H",
                "Accept: application/json",
                "-F",
                "file=@" + file,
                "-F",
                "path=reports/2026",
                gateway.url("/upload"))
            .redirectErrorStream(true)
            .start();
    String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();

    JsonObject reply = new JsonObject(output);
    assertThat(reply.getString("path")).isEqualTo("reports/2026/form.bin");
    assertThat(reply.getString("sha256")).isEqualTo(TestFiles.sha256(file));
    assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("reports/2026/form.bin")))
        .isEqualTo(TestFiles.sha256(file));
    assertThat(gateway.strayFiles()).isEmpty();
  }

  @Test
  void curlUploadWithExpectContinueAndChunkedBody() throws Exception {
    Path file = TestFiles.random(dir, "chunked.bin", 3 * MiB + 17);
    Process curl =
        new ProcessBuilder(
                "curl",
                "-sS",
                "-H",
                "Transfer-Encoding: chunked",
                "-T",
                file.toString(),
                gateway.url("/files/chunked.bin"))
            .redirectErrorStream(true)
            .start();
    String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(new JsonObject(output).getLong("bytes")).isEqualTo(3 * MiB + 17);
    assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("chunked.bin")))
        .isEqualTo(TestFiles.sha256(file));
  }

  @Test
  void aBodyFasterThanTheSpoolWaitsInTheSocketNotInMemory() throws Exception {
    Path file = TestFiles.random(dir, "big.bin", 256 * MiB);
    AtomicLong mostLent = new AtomicLong();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    TapMeters.bind(meters);
    Gauge lentBytes = meters.get("ftpgw.http.lent.bytes").gauge();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleAtFixedRate(
        () -> mostLent.accumulateAndGet((long) lentBytes.value(), Math::max),
        0,
        1,
        TimeUnit.MILLISECONDS);
    try {
      HttpResponse<String> response = put("/files/big.bin", file);

      assertThat(response.statusCode()).isEqualTo(201);
    } finally {
      sampler.shutdownNow();
    }
    assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("big.bin")))
        .isEqualTo(TestFiles.sha256(file));
    // the upload's share of the spool's buffer (at most 4 MiB) and what one socket read brings
    assertThat(mostLent.get()).as("bytes held in memory at most").isLessThan(8 * MiB);
  }

  @Test
  void fortyConcurrentUploadsShareTwoFtpConnections() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Path file = TestFiles.random(dir, "c" + i + ".bin", 10_000 + i * 7919L);
      files.add(file);
      responses.add(
          http.sendAsync(
              HttpRequest.newBuilder(URI.create(gateway.url("/files/many/c" + i + ".bin")))
                  .PUT(HttpRequest.BodyPublishers.ofFile(file))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }

    for (int i = 0; i < 40; i++) {
      assertThat(responses.get(i).get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
      assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("many/c" + i + ".bin")))
          .isEqualTo(TestFiles.sha256(files.get(i)));
    }
    assertThat(gateway.strayFiles()).isEmpty();
  }

  @Test
  void expectContinueIsAnsweredBeforeTheBodyIsSent() throws Exception {
    try (var raw = new ftpgw.testing.RawHttp(gateway.httpPort())) {
      String head =
          raw.send(
                  "PUT /files/ec.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                      + "Expect: 100-continue\r\n\r\n")
              .readHead();
      assertThat(head).startsWith("HTTP/1.1 100 Continue");

      var response = raw.send("hello").read();

      assertThat(response.status()).isEqualTo(201);
    }
    assertThat(Files.readString(gateway.ftpRoot().resolve("ec.bin"))).isEqualTo("hello");
  }

  private HttpResponse<String> put(String path, Path file) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(gateway.url(path)))
            .PUT(HttpRequest.BodyPublishers.ofFile(file))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
