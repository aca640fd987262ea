package ftpgw.http;

import static ftpgw.testing.TestFiles.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.RawHttp;
import ftpgw.testing.TestFiles;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
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
 * The seed's form ({@code POST /upload}) takes PUT's way to the spool: read from Netty's chunks by
 * {@link TappedForm}, held in memory no more than a PUT body, and split into parts correctly
 * wherever the socket reads cut it.
 */
@ExtendWith(VertxExtension.class)
class TappedFormTest {
  @TempDir Path dir;
  private GatewayUnderTest gateway;

  @BeforeEach
  void startGateway(Vertx vertx) {
    gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"), new JsonObject());
  }

  @AfterEach
  void everyLentChunkWentBackToNetty() throws Exception {
    assertThat(gateway.lentChunksAfterAMoment()).isZero();
  }

  @Test
  void aLargeCurlFormIsReadFromNettysChunksAndHeldNoMoreThanAPutBody() throws Exception {
    Path file = TestFiles.random(dir, "form.bin", 200 * MiB + 13);
    double forms = gateway.meter("ftpgw_http_forms_tapped_total");
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
    String output;
    try {
      Process curl =
          new ProcessBuilder(
                  "curl",
                  "-sS",
                  "-H",
                  "Accept: application/json",
                  "-F",
                  "file=@" + file,
                  "-F",
                  "path=big/forms",
                  gateway.url("/upload"))
              .redirectErrorStream(true)
              .start();
      output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(curl.waitFor(120, TimeUnit.SECONDS)).isTrue();
    } finally {
      sampler.shutdownNow();
    }

    JsonObject reply = new JsonObject(output);
    assertThat(reply.getString("path")).isEqualTo("big/forms/form.bin");
    assertThat(reply.getLong("bytes")).isEqualTo(200 * MiB + 13);
    assertThat(reply.getString("sha256")).isEqualTo(TestFiles.sha256(file));
    assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("big/forms/form.bin")))
        .isEqualTo(TestFiles.sha256(file));
    assertThat(gateway.meter("ftpgw_http_forms_tapped_total"))
        .as("the form came straight from Netty")
        .isEqualTo(forms + 1);
    // as for PUT: the upload's share of the spool's buffer (at most 4 MiB) and what one socket read
    // brings
    assertThat(mostLent.get()).as("bytes held in memory at most").isLessThan(8 * MiB);
    assertThat(gateway.strayFiles()).isEmpty();
  }

  /**
   * The file holds near-boundaries ({@code \r\n--XyZ} cut short), and the form is sent in two
   * writes cut at each place around them and around the real boundaries, so that a delimiter is
   * split across socket reads.
   */
  @ParameterizedTest(name = "cut at {0}")
  @ValueSource(
      ints = {
        1, 20, 45, 58, 59, 60, 61, 62, 63, 64, 65, 66, 70, 75, 80, 85, 90, 94, 95, 96, 97, 98, 99,
        100, 101, 103, 105, 106, 110
      })
  void aBoundarySplitAcrossReadsIsFound(int cutFromFileStart) throws Exception {
    byte[] content =
        "A\r\n--XyA\r\n-\r\r\n--X\n--XyZ\r\n--xyz tail\r".getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream form = new ByteArrayOutputStream();
    form.writeBytes(
        ("preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\nsplit\r\n"
                + "--XyZ  \r\nContent-Disposition: form-data; name=\"file\"; filename=\"cut.txt\"\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    int fileStart = form.size();
    form.writeBytes(content);
    form.writeBytes("\r\n--XyZ--\r\nepilogue".getBytes(StandardCharsets.ISO_8859_1));
    byte[] body = form.toByteArray();
    int cut = Math.min(body.length - 1, fileStart - 60 + cutFromFileStart);

    RawHttp.Response response;
    try (RawHttp raw = new RawHttp(gateway.httpPort())) {
      raw.send(
          "POST /upload HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n"
              + "Content-Type: multipart/form-data; boundary=\"XyZ\"\r\nContent-Length: "
              + body.length
              + "\r\n\r\n");
      raw.send(java.util.Arrays.copyOfRange(body, 0, cut));
      Thread.sleep(30); // a read of its own, as a rule
      raw.send(java.util.Arrays.copyOfRange(body, cut, body.length));
      response = raw.read();
    }

    assertThat(response.status()).as(response.body()).isEqualTo(201);
    JsonObject reply = new JsonObject(response.body());
    assertThat(reply.getString("path")).isEqualTo("split/cut.txt");
    assertThat(reply.getString("sha256")).isEqualTo(sha256(content));
    assertThat(Files.readAllBytes(gateway.ftpRoot().resolve("split/cut.txt"))).isEqualTo(content);
    assertThat(gateway.strayFiles()).isEmpty();
  }

  @Test
  void aFormWithoutItsClosingBoundaryIsRefused() throws Exception {
    String body =
        "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"open.txt\"\r\n\r\nno end";
    RawHttp.Response response;
    try (RawHttp raw = new RawHttp(gateway.httpPort())) {
      response =
          raw.send(
                  "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=XyZ\r\n"
                      + "Content-Length: "
                      + body.length()
                      + "\r\n\r\n"
                      + body)
              .read();
    }

    BadUploadsTest.assertError(response.status(), response.body(), 400, "BAD_REQUEST");
    assertThat(TestFiles.filesUnder(gateway.ftpRoot())).isEmpty();
    assertThat(gateway.strayFiles()).isEmpty();
  }

  @Test
  void aFileNameArrivesAsSentWithSemicolonsAndQuotes() throws Exception {
    String body =
        "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"semi;colon \\\"q\\\".txt\"\r\n"
            + "\r\nkept\r\n--XyZ--\r\n";
    RawHttp.Response response;
    try (RawHttp raw = new RawHttp(gateway.httpPort())) {
      response =
          raw.send(
                  "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=XyZ\r\n"
                      + "Accept: application/json\r\nContent-Length: "
                      + body.length()
                      + "\r\n\r\n"
                      + body)
              .read();
    }

    assertThat(response.status()).as(response.body()).isEqualTo(201);
    assertThat(gateway.ftpRoot().resolve("semi;colon \"q\".txt")).hasContent("kept");
    assertThat(gateway.strayFiles()).isEmpty();
  }

  @Test
  void aFormWithoutABoundaryIsRefused() throws Exception {
    RawHttp.Response response;
    try (RawHttp raw = new RawHttp(gateway.httpPort())) {
      response =
          raw.send(
                  "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data\r\n"
                      + "Content-Length: 5\r\n\r\nhello")
              .read();
    }

    BadUploadsTest.assertError(response.status(), response.body(), 400, "BAD_REQUEST");
    assertThat(response.body()).contains("boundary");
    assertThat(gateway.strayFiles()).isEmpty();
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
