package ftpgw.files;

import static ftpgw.testing.TestFiles.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.Curl;
import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Http;
import ftpgw.testing.Poll;
import ftpgw.testing.TestFiles;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET/HEAD /files/{path} with curl: whole files, Range, resume with -C -, conditional requests, 404
 * and 416.
 */
@ExtendWith(VertxExtension.class)
class DownloadThroughGatewayTest {
  @TempDir Path dir;
  private GatewayUnderTest gateway;
  private Http http;

  @BeforeEach
  void startGateway(Vertx vertx) {
    gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject().put("relay", new JsonObject().put("connections", 2)));
    http = new Http(gateway.httpPort());
  }

  private Path onServer(String path, long bytes) throws Exception {
    Path file = TestFiles.random(dir, "src-" + path.replace('/', '_'), bytes);
    Path target = gateway.ftpRoot().resolve(path);
    Files.createDirectories(target.getParent());
    Files.copy(file, target);
    return file;
  }

  @Test
  void getStreamsTheWholeFileWithItsValidators() throws Exception {
    Path file = onServer("out/big.bin", 30 * MiB + 17);
    Path got = dir.resolve("got.bin");

    Curl curl = Curl.run("-D", "-", "-o", got.toString(), gateway.url("/files/out/big.bin"));

    assertThat(curl.exitCode()).as(curl.output()).isZero();
    assertThat(curl.status()).isEqualTo(200);
    assertThat(TestFiles.sha256(got)).isEqualTo(TestFiles.sha256(file));
    assertThat(curl.header("Content-Length")).isEqualTo(String.valueOf(30 * MiB + 17));
    assertThat(curl.header("Accept-Ranges")).isEqualTo("bytes");
    assertThat(curl.header("ETag")).matches("\"[0-9a-f]+-[0-9a-f]+\"");
    assertThat(curl.header("Last-Modified")).endsWith("GMT");
    assertThat(curl.header("Content-Type")).isEqualTo("application/octet-stream");

    Curl head = Curl.run("-I", gateway.url("/files/out/big.bin"));
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Content-Length")).isEqualTo(String.valueOf(30 * MiB + 17));
    assertThat(head.header("ETag")).isEqualTo(curl.header("ETag"));
  }

  @Test
  void aClientSlowerThanTheRelayGetsEveryByteOnce() throws Exception {
    // the response's write queue fills and drains again and again: each chunk is written once
    Path file = onServer("slow/whole.bin", 24 * MiB + 7);
    Path got = dir.resolve("slow.bin");

    Curl curl =
        Curl.run("--limit-rate", "12M", "-o", got.toString(), gateway.url("/files/slow/whole.bin"));

    assertThat(curl.exitCode()).as(curl.output()).isZero();
    assertThat(TestFiles.sha256(got)).isEqualTo(TestFiles.sha256(file));
  }

  @Test
  void aRelayOnThisNodeHandsTheDataConnectionOverSoNoChunkCrossesTheEventBus(Vertx vertx)
      throws Exception {
    Path file = onServer("direct/f.bin", 12 * MiB + 5);
    List<String> pulls = new CopyOnWriteArrayList<>();
    vertx
        .eventBus()
        .addOutboundInterceptor(
            delivery -> {
              if (delivery.message().body() instanceof JsonObject json
                  && json.containsKey("action")) {
                pulls.add(json.getString("action"));
              }
              delivery.next();
            });

    Curl whole =
        Curl.run("-o", dir.resolve("whole").toString(), gateway.url("/files/direct/f.bin"));
    assertThat(whole.exitCode()).as(whole.output()).isZero();
    assertThat(TestFiles.sha256(dir.resolve("whole"))).isEqualTo(TestFiles.sha256(file));
    Poll.until(
        "the whole file's RETR confirmed", Duration.ofSeconds(10), () -> pulls, p -> !p.isEmpty());
    assertThat(pulls)
        .as("no chunk pulled; the RETR read to its end is finished")
        .containsExactly("FINISH");
    awaitConnectionsInUse(0);

    pulls.clear();
    Curl middle =
        Curl.run(
            "-o",
            dir.resolve("mid").toString(),
            "-r",
            "100-199",
            gateway.url("/files/direct/f.bin"));
    assertThat(middle.exitCode()).as(middle.output()).isZero();
    assertThat(Files.readAllBytes(dir.resolve("mid")))
        .isEqualTo(Arrays.copyOfRange(Files.readAllBytes(file), 100, 200));
    Poll.until("the range's RETR ended", Duration.ofSeconds(10), () -> pulls, p -> !p.isEmpty());
    assertThat(pulls)
        .as("a range before the file's end cuts the RETR off")
        .containsExactly("CANCEL");
    awaitConnectionsInUse(0);
  }

  @Test
  void contentTypeComesFromTheExtension() throws Exception {
    Files.createDirectories(gateway.ftpRoot().resolve("docs"));
    Files.writeString(gateway.ftpRoot().resolve("docs/readme.txt"), "hello\n");
    HttpResponse<String> response = http.get("/files/docs/readme.txt");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("hello\n");
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
  }

  @Test
  void aSingleRangeIsServedFromTheRestOffset() throws Exception {
    Path file = onServer("r/data.bin", 5 * MiB);
    byte[] all = Files.readAllBytes(file);

    Curl middle =
        Curl.run(
            "-D",
            "-",
            "-o",
            dir.resolve("mid").toString(),
            "-r",
            "1000000-1999999",
            gateway.url("/files/r/data.bin"));
    assertThat(middle.status()).isEqualTo(206);
    assertThat(middle.header("Content-Range")).isEqualTo("bytes 1000000-1999999/" + 5 * MiB);
    assertThat(Files.readAllBytes(dir.resolve("mid")))
        .isEqualTo(Arrays.copyOfRange(all, 1_000_000, 2_000_000));

    HttpResponse<String> suffix = http.get("/files/r/data.bin", "Range", "bytes=-10");
    assertThat(suffix.statusCode()).isEqualTo(206);
    assertThat(suffix.headers().firstValue("Content-Range"))
        .hasValue("bytes " + (5 * MiB - 10) + "-" + (5 * MiB - 1) + "/" + 5 * MiB);
    assertThat(suffix.headers().firstValue("Content-Length")).hasValue("10");

    HttpResponse<String> beyond = http.get("/files/r/data.bin", "Range", "bytes=" + 5 * MiB + "-");
    assertThat(beyond.statusCode()).isEqualTo(416);
    assertThat(new JsonObject(beyond.body()).getString("error")).isEqualTo("RANGE_NOT_SATISFIABLE");
    assertThat(beyond.headers().firstValue("Content-Range")).hasValue("bytes */" + 5 * MiB);

    HttpResponse<String> several = http.get("/files/r/data.bin", "Range", "bytes=0-1,5-6");
    assertThat(several.statusCode()).as("several ranges: the whole file").isEqualTo(200);
  }

  @Test
  void curlResumesABrokenDownload() throws Exception {
    Path file = onServer("resume/f.bin", 8 * MiB + 3);
    Path partial = dir.resolve("partial.bin");
    Files.write(partial, Arrays.copyOf(Files.readAllBytes(file), 3 * (int) MiB));

    Curl resumed =
        Curl.run(
            "-D", "-", "-C", "-", "-o", partial.toString(), gateway.url("/files/resume/f.bin"));

    assertThat(resumed.exitCode()).as(resumed.output()).isZero();
    assertThat(resumed.status()).isEqualTo(206);
    assertThat(TestFiles.sha256(partial)).isEqualTo(TestFiles.sha256(file));
  }

  @Test
  void conditionalRequestsAnswerNotModifiedOrTheWholeFile() throws Exception {
    Files.createDirectories(gateway.ftpRoot().resolve("c"));
    Files.writeString(gateway.ftpRoot().resolve("c/f.bin"), "x".repeat(4096));
    HttpResponse<String> first = http.get("/files/c/f.bin");
    String etag = first.headers().firstValue("ETag").orElseThrow();
    String lastModified = first.headers().firstValue("Last-Modified").orElseThrow();

    assertThat(http.get("/files/c/f.bin", "If-None-Match", etag).statusCode()).isEqualTo(304);
    assertThat(http.get("/files/c/f.bin", "If-None-Match", "\"other\"").statusCode())
        .isEqualTo(200);
    assertThat(http.get("/files/c/f.bin", "If-Modified-Since", lastModified).statusCode())
        .isEqualTo(304);
    assertThat(
            http.get("/files/c/f.bin", "If-Modified-Since", "Thu, 01 Jan 2004 00:00:00 GMT")
                .statusCode())
        .isEqualTo(200);

    HttpResponse<String> stale =
        http.get("/files/c/f.bin", "Range", "bytes=0-9", "If-Range", "\"stale\"");
    assertThat(stale.statusCode()).as("If-Range with an old ETag: the whole file").isEqualTo(200);
    assertThat(stale.body()).hasSize(4096);
    HttpResponse<String> current =
        http.get("/files/c/f.bin", "Range", "bytes=0-9", "If-Range", etag);
    assertThat(current.statusCode()).isEqualTo(206);
    assertThat(current.body()).hasSize(10);
  }

  @Test
  void aMissingFileIs404() throws Exception {
    HttpResponse<String> response = http.get("/files/nothing/here.bin");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(response.body()).getString("error")).isEqualTo("NOT_FOUND");
    HttpResponse<String> hostile = http.get("/files/a/%2e%2e/b");
    assertThat(hostile.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(hostile.body()).getString("error")).isEqualTo("BAD_PATH");
  }

  @Test
  void aClientThatGoesAwayFreesItsFtpConnection() throws Exception {
    onServer("slow/big.bin", 200 * MiB);
    Process curl =
        new ProcessBuilder(
                "curl",
                "-sS",
                "--limit-rate",
                "2M",
                "-o",
                "/dev/null",
                gateway.url("/files/slow/big.bin"))
            .start();
    awaitConnectionsInUse(1);
    curl.destroy();
    curl.waitFor();
    awaitConnectionsInUse(0);
  }

  @Test
  void everyChunkReadIntoDirectMemoryIsGivenBack() throws Exception {
    // 512 KiB chunks and a 100 KiB tail: sizes Netty's thread caches do not keep, so each release
    // shows in the arena's count
    // larger than what the sockets between the FTP server and a slow curl buffer (about 20 MiB on
    // loopback), so that the leaving client leaves while the RETR still holds its connection
    Path file = onServer("mem/f.bin", 64 * MiB + 100 * 1024);
    long before = activeDirectAllocations();

    Curl whole = Curl.run("-o", dir.resolve("whole").toString(), gateway.url("/files/mem/f.bin"));
    Curl range =
        Curl.run(
            "-o",
            dir.resolve("range").toString(),
            "-r",
            "1048576-",
            gateway.url("/files/mem/f.bin"));
    Process leaving =
        new ProcessBuilder(
                "curl",
                "-sS",
                "--limit-rate",
                "1M",
                "-o",
                "/dev/null",
                gateway.url("/files/mem/f.bin"))
            .start();
    awaitConnectionsInUse(1);
    leaving.destroy();
    leaving.waitFor();
    awaitConnectionsInUse(0);

    assertThat(whole.exitCode()).as(whole.output()).isZero();
    assertThat(range.exitCode()).as(range.output()).isZero();
    assertThat(TestFiles.sha256(dir.resolve("whole"))).isEqualTo(TestFiles.sha256(file));
    Poll.until(
        "direct chunks given back (active allocations above the start's)",
        Duration.ofSeconds(20),
        () -> activeDirectAllocations() - before,
        out -> out == 0);
  }

  /** Netty's pooled direct allocations not yet released (downloads read into them). */
  private static long activeDirectAllocations() {
    return PooledByteBufAllocator.DEFAULT.metric().directArenas().stream()
        .mapToLong(PoolArenaMetric::numActiveAllocations)
        .sum();
  }

  private void awaitConnectionsInUse(int expected) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    String line = null;
    while (System.nanoTime() < deadline) {
      line =
          http.get("/metrics")
              .body()
              .lines()
              .filter(l -> l.startsWith("ftpgw_ftp_connections_in_use "))
              .findFirst()
              .orElse(null);
      if (line != null && Double.parseDouble(line.split(" ")[1]) == expected) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("FTP connections in use never became " + expected + ": " + line);
  }
}
