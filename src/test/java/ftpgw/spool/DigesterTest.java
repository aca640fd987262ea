package ftpgw.spool;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Hashing off the event loop gives the digest of the chunks in the order they arrived, within its backlog. */
@ExtendWith(VertxExtension.class)
class DigesterTest {
  private static final int BACKLOG = 256 * 1024;

  @Test
  void chunksHashedOnWorkersGiveTheDigestOfTheWholeBodyInOrder(Vertx vertx) throws Exception {
    Random random = new Random(7);
    MessageDigest expected = MessageDigest.getInstance("SHA-256");
    AtomicInteger pauses = new AtomicInteger();
    Promise<String> result = Promise.promise();
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> {
      Digester digester = new Digester(context, BACKLOG);
      // 600 chunks of up to 40 KiB, fed as fast as the backlog allows, as a paused body would resume
      feed(digester, random, expected, 600, pauses, result);
    });

    String digest = result.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

    assertThat(digest).isEqualTo(HexFormat.of().formatHex(expected.digest()));
    assertThat(pauses.get()).as("the backlog filled up and drained again").isPositive();
  }

  @Test
  void anEmptyBodyHasTheDigestOfNothing(Vertx vertx) throws Exception {
    Promise<String> result = Promise.promise();
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> new Digester(context, BACKLOG).finish().onComplete(result));

    assertThat(result.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  private static void feed(Digester digester, Random random, MessageDigest expected, int left, AtomicInteger pauses,
                           Promise<String> result) {
    for (int n = left; n > 0; n--) {
      byte[] chunk = new byte[1 + random.nextInt(40 * 1024)];
      random.nextBytes(chunk);
      expected.update(chunk);
      digester.update(Buffer.buffer(chunk));
      if (digester.full()) {
        pauses.incrementAndGet();
        int rest = n - 1;
        digester.whenRoom(() -> feed(digester, random, expected, rest, pauses, result));
        return;
      }
    }
    digester.finish().onComplete(result);
  }
}
