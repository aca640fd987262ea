package ftpgw.tus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ftpgw.testing.CuttableProxy;
import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Http;
import ftpgw.testing.TestFiles;
import io.tus.java.client.ProtocolException;
import io.tus.java.client.TusClient;
import io.tus.java.client.TusURLMemoryStore;
import io.tus.java.client.TusUpload;
import io.tus.java.client.TusUploader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** tus-java-client 0.5.1, a third-party tus client, against the gateway's /tus/ endpoint. */
@ExtendWith(VertxExtension.class)
class TusClientTest {
  private static final int MiB = 1 << 20;

  @TempDir Path dir;

  @Test
  void anUploadBrokenMidwayResumesAtTheServersOffsetAndIsDeliveredIntact(Vertx vertx)
      throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    Path file = TestFiles.random(dir, "flaky.bin", 12L * MiB + 123);
    try (CuttableProxy link = new CuttableProxy(gateway.httpPort())) {
      TusClient client = client(link.port());
      TusUpload upload = upload(file, "flaky/link.bin");
      TusUploader uploader = client.resumeOrCreateUpload(upload);
      uploader.setChunkSize(64 * 1024);
      uploader.setRequestPayloadSize(
          64 * MiB); // one PATCH for the whole file: the break lands inside it
      while (uploader.getOffset() < 5L * MiB) {
        uploader.uploadChunk();
      }
      link.cut();
      assertThatThrownBy(
              () -> {
                while (uploader.uploadChunk() > -1) {
                  Thread.sleep(1); // keeps writing into the dead connection until it notices
                }
                uploader.finish();
              })
          .isInstanceOf(IOException.class);
      awaitSettledOffset(
          new TusRequests(gateway.httpPort()), client, upload(file, "flaky/link.bin"));
      long sentBefore = link.upstreamBytes.get();

      // a new TusUpload, as a restarted client has: each reads the file through its own stream
      long[] resumedAt = new long[1];
      TusUploader resumed = resume(client, () -> upload(file, "flaky/link.bin"), resumedAt);
      // what reached the gateway is what the link forwarded (heads included), not what the client
      // wrote: sockets buffer megabytes on loopback. Less a few chunks: those read but not yet on
      // disk when the connection broke, and what the kernel drops from an unread socket at a reset,
      // were never offered, and the client sends them again
      assertThat(resumedAt[0])
          .as("the server kept what arrived before the break (%d bytes forwarded)", sentBefore)
          .isGreaterThan(MiB)
          .isBetween(sentBefore - 256 * 1024, sentBefore);
      resumed.setChunkSize(256 * 1024);
      while (resumed.uploadChunk() > -1) {
        // send the rest
      }
      resumed.finish();
      long sentAfter = link.upstreamBytes.get() - sentBefore;
      assertThat(sentAfter)
          .as("only the missing part travels again")
          .isLessThan(upload.getSize() - resumedAt[0] + 64 * 1024);

      String id = TusProtocolTest.idOf(resumed.getUploadURL().toString());
      assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("flaky/link.bin")))
          .isEqualTo(TestFiles.sha256(file));
      JsonObject transfer =
          new JsonObject(new Http(gateway.httpPort()).get("/transfers/" + id).body());
      assertThat(transfer.getString("state")).isEqualTo("delivered");
      assertThat(transfer.getString("sha256")).isEqualTo(TestFiles.sha256(file));
      assertThat(TusProtocolTest.strayFiles(gateway)).isEmpty();
    }
  }

  @Test
  void aChecksumMismatchIsRefusedWith460AndNothingCounts(Vertx vertx) throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    Path file = TestFiles.random(dir, "sum.bin", 300_000);
    TusClient client = client(gateway.httpPort());
    client.setHeaders(
        Map.of(
            "Upload-Checksum",
            "sha1 " + java.util.Base64.getEncoder().encodeToString(new byte[20])));
    TusUpload upload = upload(file, "sum.bin");
    TusUploader uploader = client.createUpload(upload);
    assertThatThrownBy(
            () -> {
              while (uploader.uploadChunk() > -1) {
                // the PATCH's answer comes at the end
              }
              uploader.finish();
            })
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.getMessage()).contains("460"));
    TusRequests raw = new TusRequests(gateway.httpPort());
    assertThat(raw.head(uploader.getUploadURL().toString()).headers().firstValue("Upload-Offset"))
        .hasValue("0");
    assertThat(raw.delete(uploader.getUploadURL().toString()).statusCode()).isEqualTo(204);
    assertThat(TusProtocolTest.strayFiles(gateway)).isEmpty();
    assertThat(gateway.ftpRoot().resolve("sum.bin")).doesNotExist();
  }

  @Test
  void anExpiredUploadIsRemovedAndItsRoomFreed(Vertx vertx) throws Exception {
    GatewayUnderTest gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject()
                .put("spool", new JsonObject().put("maxBytes", 3 * MiB))
                .put(
                    "tus",
                    new JsonObject().put("expireAfterMs", 3000).put("sweepIntervalMs", 200)));
    Path file = TestFiles.random(dir, "slow.bin", 2L * MiB);
    TusClient client = client(gateway.httpPort());
    TusUpload upload = upload(file, "slow.bin");
    TusUploader uploader = client.createUpload(upload);
    uploader.setRequestPayloadSize(256 * 1024);
    while (uploader.getOffset() < 256 * 1024) {
      uploader.uploadChunk();
    }
    uploader.finish(false);
    URL first = uploader.getUploadURL();
    assertThat(first.toString()).contains("/tus/");
    TusRequests raw = new TusRequests(gateway.httpPort());
    HttpResponseWait.until(() -> raw.head(first.toString()).statusCode() == 404, 20_000);
    // HEAD says 404 from the moment the upload expires; the sweep that removes it follows within
    // its interval
    JsonObject gone =
        new Http(gateway.httpPort())
            .awaitJson(
                "/transfers/" + TusProtocolTest.idOf(first.toString()),
                t -> "cancelled".equals(t.getString("state")),
                java.time.Duration.ofSeconds(20));
    assertThat(gone.getString("lastError")).startsWith("expired");
    assertThatThrownBy(() -> client.beginOrResumeUploadFromURL(upload, first))
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.getMessage()).contains("404"));
    // its 2 MiB of the 3 MiB spool are free again: a second 2 MiB upload fits
    TusUploader again = client(gateway.httpPort()).createUpload(upload(file, "slow.bin"));
    while (again.uploadChunk() > -1) {
      // all of it
    }
    again.finish();
    assertThat(TestFiles.sha256(gateway.ftpRoot().resolve("slow.bin")))
        .isEqualTo(TestFiles.sha256(file));
  }

  @Test
  void aTerminatedUploadCannotBeResumed(Vertx vertx) throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(vertx, dir.resolve("gw"));
    Path file = TestFiles.random(dir, "gone.bin", MiB);
    TusClient client = client(gateway.httpPort());
    TusUpload upload = upload(file, "gone.bin");
    TusUploader uploader = client.resumeOrCreateUpload(upload);
    uploader.setRequestPayloadSize(300_000);
    while (uploader.getOffset() < 300_000) {
      uploader.uploadChunk();
    }
    uploader.finish(false);
    TusRequests raw = new TusRequests(gateway.httpPort());
    assertThat(raw.delete(uploader.getUploadURL().toString()).statusCode()).isEqualTo(204);
    assertThatThrownBy(() -> client.resumeUpload(upload))
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.getMessage()).contains("404"));
    assertThat(TusProtocolTest.strayFiles(gateway)).isEmpty();
    assertThat(gateway.ftpRoot().resolve("gone.bin")).doesNotExist();
  }

  static TusClient client(int port) throws Exception {
    TusClient client = new TusClient();
    client.setUploadCreationURL(new URL("http://127.0.0.1:" + port + "/tus/"));
    client.enableResuming(new TusURLMemoryStore());
    return client;
  }

  static TusUpload upload(Path file, String path) throws IOException {
    TusUpload upload = new TusUpload(file.toFile());
    int slash = path.lastIndexOf('/');
    upload.setMetadata(
        slash < 0
            ? Map.of("filename", path)
            : Map.of("filename", path.substring(slash + 1), "folder", path.substring(0, slash)));
    upload.setFingerprint(path);
    return upload;
  }

  /** Waits until the gateway has closed the broken PATCH: HEAD's offset no longer moves. */
  private static void awaitSettledOffset(TusRequests raw, TusClient client, TusUpload upload)
      throws Exception {
    String url = new TusURLMemoryStoreView(client, upload).url();
    String last = null;
    for (int i = 0; i < 100; i++) {
      String offset = raw.head(url).headers().firstValue("Upload-Offset").orElseThrow();
      if (offset.equals(last) && !offset.equals("0")) {
        return;
      }
      last = offset;
      Thread.sleep(300);
    }
  }

  /** The URL the client stored for an upload (what resuming will ask HEAD about). */
  private record TusURLMemoryStoreView(TusClient client, TusUpload upload) {
    String url() throws Exception {
      return client.resumeUpload(upload).getUploadURL().toString();
    }
  }

  /**
   * Resumes as a client with retries does: the gateway may still be closing the broken PATCH (423,
   * or an offset that moves once it has fsynced what arrived), so ask again for a moment.
   */
  static TusUploader resume(TusClient client, UploadSource source, long[] resumedAt)
      throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (true) {
      try {
        TusUploader uploader = client.resumeUpload(source.next());
        resumedAt[0] = uploader.getOffset();
        uploader
            .uploadChunk(); // fails at once on 423/409 while the old PATCH is still being closed
        return uploader;
      } catch (ProtocolException | IOException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  interface UploadSource {
    TusUpload next() throws IOException;
  }

  /** Polls a condition. */
  static final class HttpResponseWait {
    interface Check {
      boolean done() throws Exception;
    }

    static void until(Check check, long millis) throws Exception {
      long deadline = System.currentTimeMillis() + millis;
      while (!check.done()) {
        if (System.currentTimeMillis() > deadline) {
          throw new AssertionError("not reached within " + millis + " ms");
        }
        Thread.sleep(50);
      }
    }
  }
}
