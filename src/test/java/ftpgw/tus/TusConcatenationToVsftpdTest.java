package ftpgw.tus;

import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.GatewayUnderTest;
import ftpgw.testing.Http;
import ftpgw.testing.TestFiles;
import ftpgw.testing.VsftpdServer;
import io.tus.java.client.TusClient;
import io.tus.java.client.TusUpload;
import io.tus.java.client.TusUploader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayInputStream;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * One file sent as 4 partial uploads at once (4 streams, as 4 ranks would) and joined by a final
 * upload, published on a third-party FTP server (vsftpd) as one file with the SHA-256 of the
 * partials' bytes in order.
 */
@ExtendWith(VertxExtension.class)
class TusConcatenationToVsftpdTest {
  private static VsftpdServer vsftpd;

  @TempDir Path dir;

  @BeforeAll
  static void startVsftpd() throws Exception {
    vsftpd = VsftpdServer.start();
  }

  @AfterAll
  static void stopVsftpd() {
    if (vsftpd != null) {
      vsftpd.close();
    }
  }

  @Test
  void fourPartialsSentConcurrentlyLandAsOneFile(Vertx vertx) throws Exception {
    GatewayUnderTest gateway =
        GatewayUnderTest.start(
            vertx,
            dir.resolve("gw"),
            new JsonObject()
                .put("ftpServer", new JsonObject().put("enabled", false))
                .put(
                    "relay",
                    new JsonObject()
                        .put(
                            "target",
                            new JsonObject()
                                .put("host", vsftpd.host())
                                .put("port", vsftpd.port())
                                .put("user", vsftpd.user())
                                .put("password", vsftpd.password()))));
    Path file = TestFiles.random(dir, "whole.bin", 6L * (1 << 20) + 3);
    byte[] whole = Files.readAllBytes(file);
    int ranks = 4;
    ExecutorService pool = Executors.newFixedThreadPool(ranks);
    List<Future<URL>> parts = new ArrayList<>();
    long share = (whole.length + ranks - 1) / ranks;
    for (int rank = 0; rank < ranks; rank++) {
      byte[] part =
          Arrays.copyOfRange(
              whole,
              (int) Math.min(whole.length, rank * share),
              (int) Math.min(whole.length, (rank + 1) * share));
      parts.add(pool.submit(() -> sendPartial(gateway.httpPort(), part)));
    }
    StringBuilder concat = new StringBuilder("final;");
    for (Future<URL> part : parts) {
      concat.append(part.get()).append(' ');
    }
    pool.shutdown();

    HttpResponse<String> joined =
        new TusRequests(gateway.httpPort())
            .send(
                "POST",
                "/tus/",
                null,
                true,
                "Upload-Concat",
                concat.toString().trim(),
                "Upload-Metadata",
                TusRequests.metadata("filename", "joined.bin", "folder", "parts"));
    assertThat(joined.statusCode()).as(joined.body()).isEqualTo(201);
    assertThat(joined.headers().firstValue("Ftpgw-Transfer-State")).hasValue("delivered");
    String sha256 = TestFiles.sha256(file);
    assertThat(joined.headers().firstValue("Repr-Digest")).hasValue(TestFiles.reprDigest(sha256));
    assertThat(TestFiles.sha256(vsftpd.root().resolve("parts/joined.bin"))).isEqualTo(sha256);
    String id = TusProtocolTest.idOf(joined.headers().firstValue("Location").orElseThrow());
    assertThat(
            new JsonObject(new Http(gateway.httpPort()).get("/transfers/" + id).body())
                .getString("sha256"))
        .isEqualTo(sha256);
    assertThat(vsftpd.temporaryFiles()).isEmpty();
    assertThat(TusProtocolTest.strayFiles(gateway)).isEmpty();
  }

  static URL sendPartial(int port, byte[] part) throws Exception {
    TusClient client = new TusClient();
    client.setUploadCreationURL(new URL("http://127.0.0.1:" + port + "/tus/"));
    client.setHeaders(Map.of("Upload-Concat", "partial"));
    TusUpload upload = new TusUpload();
    upload.setInputStream(new ByteArrayInputStream(part));
    upload.setSize(part.length);
    upload.setMetadata(Map.of());
    TusUploader uploader = client.createUpload(upload);
    while (uploader.uploadChunk() > -1) {
      // the whole part
    }
    uploader.finish();
    return uploader.getUploadURL();
  }
}
