package ftpgw.http;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the body tap holds, for {@code /metrics}: bodies tapped, and the chunks (and bytes) of
 * Netty's memory lent to uploads and not given back yet. The lent figures fall back to 0 whenever
 * no body is in flight; one that stays up is a leak of pooled direct memory. Counted per JVM, as
 * Netty's pool is.
 */
final class TapMeters {
  private static final AtomicLong TAPPED = new AtomicLong();
  private static final AtomicLong FORMS = new AtomicLong();
  private static final AtomicLong LENT = new AtomicLong();
  private static final AtomicLong LENT_BYTES = new AtomicLong();

  private TapMeters() {}

  /**
   * Shows the counts in {@code registry} (again for every HTTP verticle: Micrometer keeps the
   * first).
   */
  static void bind(MeterRegistry registry) {
    FunctionCounter.builder("ftpgw.http.bodies.tapped", TAPPED, AtomicLong::get)
        .description("PUT bodies taken from Netty without a copy")
        .register(registry);
    FunctionCounter.builder("ftpgw.http.forms.tapped", FORMS, AtomicLong::get)
        .description(
            "multipart forms (POST /upload) read from Netty's chunks without Vert.x's decoder")
        .register(registry);
    Gauge.builder("ftpgw.http.chunks.lent", LENT, AtomicLong::get)
        .description("chunks of Netty's pooled memory lent to uploads and not given back yet")
        .register(registry);
    Gauge.builder("ftpgw.http.lent.bytes", LENT_BYTES, AtomicLong::get)
        .description("bytes of those chunks")
        .register(registry);
  }

  static void tapped() {
    TAPPED.incrementAndGet();
  }

  static void formTapped() {
    FORMS.incrementAndGet();
  }

  static void lent(int bytes) {
    LENT.incrementAndGet();
    LENT_BYTES.addAndGet(bytes);
  }

  static void givenBack(int bytes) {
    LENT_BYTES.addAndGet(-bytes);
    LENT.decrementAndGet();
  }
}
