package ftpgw.client;

import static ftpgw.testing.TestFiles.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.CuttableProxy;
import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A split file's ranges sent as tus partials and joined by rank 0, in one JVM (the ranks' work
 * without MPJ): a job killed with one range half sent and run again resends only what the gateway
 * lacks, counted on the wire; a range refused for good leaves nothing behind.
 */
@ExtendWith(VertxExtension.class)
class SplitUploadTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void aJobRunAgainSkipsWholePartialsAndResumesTheBrokenOne(Vertx vertx) throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    long size = 32 * MiB + 5;
    Path file = TestFiles.random(dir, "big.bin", size);
    SplitFile split =
        new SplitFile(file.toString(), "runs/big.bin", size, RangePlan.ranges(size, 4));
    UploadPlan plan = new UploadPlan(List.of(), List.of(), List.of(split));
    Path state = dir.resolve("job/.ftpgw-resume");
    long rangeBytes = split.ranges().get(3).length();

    try (CuttableProxy link = new CuttableProxy(gateway.httpPort())) {
      // the first job: ranges 0 and 1 whole, range 2 broken at half, then the job is killed
      TusPartSender first = sender(link.port(), state, 1);
      for (int i = 0; i < 2; i++) {
        assertThat(first.send(split, split.ranges().get(i), new ShareProgress()).ok()).isTrue();
      }
      long base = link.upstreamBytes.get();
      Thread cutter =
          new Thread(
              () -> {
                while (link.upstreamBytes.get() - base < rangeBytes / 2) {
                  Thread.onSpinWait();
                }
                link.cut();
              });
      cutter.start();
      UploadResult broken = first.send(split, split.ranges().get(2), new ShareProgress());
      cutter.join();
      assertThat(broken.ok()).as("the only attempt broke off").isFalse();
      assertThat(broken.partUrl()).startsWith("http://127.0.0.1:" + link.port() + "/tus/");
      assertThat(TestFiles.filesUnder(state)).hasSize(3);

      // the job run again: every range, counted on the wire
      TusPartSender again = sender(link.port(), state, 4);
      List<UploadResult> results = new ArrayList<>();
      long[] sent = new long[4];
      long start = System.nanoTime();
      for (int i = 0; i < 4; i++) {
        long before = link.upstreamBytes.get();
        results.add(again.send(split, split.ranges().get(i), new ShareProgress()));
        sent[i] = link.upstreamBytes.get() - before;
      }
      assertThat(results).allSatisfy(r -> assertThat(r.ok()).as(r.toString()).isTrue());
      // whole partials: a HEAD each, no body
      assertThat(sent[0]).isLessThan(4096);
      assertThat(sent[1]).isLessThan(4096);
      // the broken one: only what the gateway lacked (an empty PATCH first waits out the broken
      // one, which the gateway may still be closing)
      assertThat(sent[2]).isGreaterThan(0).isLessThan(rangeBytes);
      assertThat(sent[3]).isBetween(rangeBytes, rangeBytes + 4096);

      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      List<UploadResult> joined =
          join(link.port(), state, printed).join(plan, results, hashes(split), start);

      assertThat(joined)
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.ok()).as(r.toString()).isTrue();
                assertThat(r.ranks()).isEqualTo("0-3");
                assertThat(r.bytes()).isEqualTo(size);
              });
      assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("runs/big.bin")))
          .isEqualTo(TestFiles.sha256(file));
      // the gateway's own record of the final upload names the 4 partials it joined
      String finalUrl = finalUrlIn(printed.toString(StandardCharsets.UTF_8));
      HttpResponse<Void> head = head(gateway.url(URI.create(finalUrl).getPath()));
      assertThat(head.headers().firstValue("Upload-Concat").orElse(""))
          .matches("final;(/tus/\\w+ ){3}/tus/\\w+");
    }
    assertThat(TestFiles.filesUnder(state)).as("nothing left to resume").isEmpty();
    assertThat(strays(gateway)).isEmpty();
  }

  @Test
  void aRangeRefusedForGoodSendsNoFinalUploadAndTerminatesTheOtherPartials(Vertx vertx)
      throws Exception {
    // room for 3 of the 4 partials of 8 MiB: the 4th creation is 503 SPOOL_FULL
    GatewayUnderTest gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject().put("spool", new JsonObject().put("maxBytes", 30 * MiB)));
    long size = 32 * MiB;
    Path file = TestFiles.random(dir, "big.bin", size);
    SplitFile split =
        new SplitFile(file.toString(), "runs/big.bin", size, RangePlan.ranges(size, 4));
    Path state = dir.resolve("state");
    TusPartSender sender = sender(gateway.httpPort(), state, 1);
    List<UploadResult> results = new ArrayList<>();
    for (SplitFile.Range range : split.ranges()) {
      results.add(sender.send(split, range, new ShareProgress()));
    }
    assertThat(results).extracting(UploadResult::ok).containsExactly(true, true, true, false);
    assertThat(results.get(3).message()).startsWith("HTTP 503 SPOOL_FULL: ");
    assertThat(results.get(3).partUrl()).isEmpty();
    assertThat(TestFiles.filesUnder(gateway.spoolDir().resolve("tus"))).hasSize(6);

    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    List<UploadResult> joined =
        join(gateway.httpPort(), state, printed)
            .join(
                new UploadPlan(List.of(), List.of(), List.of(split)),
                results,
                hashes(split),
                System.nanoTime());

    assertThat(joined)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.ok()).isFalse();
              assertThat(r.status())
                  .startsWith("FAILED: part 4/4 (rank 3) failed: HTTP 503 SPOOL_FULL: ")
                  .endsWith("; no final upload sent, 3 partials terminated");
            });
    assertThat(printed.toString(StandardCharsets.UTF_8)).doesNotContain("joined");
    for (UploadResult r : results.subList(0, 3)) {
      HttpResponse<Void> gone = head(r.partUrl());
      assertThat(gone.statusCode()).as(r.partUrl()).isEqualTo(404);
    }
    // the partials' bytes and state are gone, and with them their spool room
    assertThat(TestFiles.filesUnder(gateway.spoolDir())).isEmpty();
    assertThat(TestFiles.filesUnder(gateway.ftpRoot())).isEmpty();
    assertThat(TestFiles.filesUnder(state)).isEmpty();
    // their room is given back: 3 partials of 8 MiB fit again in the 30 MiB
    TusPartSender retry = sender(gateway.httpPort(), state, 1);
    for (SplitFile.Range range : split.ranges().subList(0, 3)) {
      assertThat(retry.send(split, range, new ShareProgress()).ok()).isTrue();
    }
  }

  private static TusPartSender sender(int port, Path state, int attempts) {
    return new TusPartSender(
        URI.create("http://127.0.0.1:" + port),
        GatewayLogin.resolve(null, null, null),
        new RetryBackoff(attempts, Duration.ofMillis(300), Duration.ofMillis(1000)),
        state);
  }

  private static SplitJoin join(int port, Path state, ByteArrayOutputStream printed) {
    URI gateway = URI.create("http://127.0.0.1:" + port);
    RetryBackoff backoff = new RetryBackoff(1, Duration.ZERO, Duration.ZERO);
    return new SplitJoin(
        new TusPartSender(gateway, GatewayLogin.resolve(null, null, null), backoff, state),
        new FileUploader(gateway, GatewayLogin.resolve(null, null, null), backoff),
        16 * MiB,
        new PrintStream(printed, true, StandardCharsets.UTF_8));
  }

  private java.util.Map<String, java.util.concurrent.CompletableFuture<String>> hashes(
      SplitFile split) {
    return new SplitJoin(null, null, 0, System.out)
        .startHashing(new UploadPlan(List.of(), List.of(), List.of(split)));
  }

  private static String finalUrlIn(String printed) {
    Matcher m =
        Pattern.compile("joined runs/big.bin from 4 parts \\(ranks 0-3\\) as (\\S+): delivered")
            .matcher(printed);
    assertThat(m.find()).as(printed).isTrue();
    return m.group(1);
  }

  private static HttpResponse<Void> head(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Tus-Resumable", "1.0.0")
            .method("HEAD", HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.discarding());
  }

  /** Spool and FTP leftovers besides the final upload's small state, kept until it expires. */
  private static List<String> strays(GatewayUnderTest gateway) throws InterruptedException {
    return ftpgw.testing.Poll.settle(
        Duration.ofSeconds(5),
        () ->
            gateway.strayFiles().stream().filter(f -> !f.matches("spool/tus/\\w+\\.info")).toList(),
        List::isEmpty);
  }
}
