package ftpgw.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Native memory the process freed, but glibc kept, goes back to the operating system when the
 * trimmer runs.
 */
class NativeHeapTrimmerTest {
  private static final int BLOCK = 64 * 1024; // below glibc's mmap threshold: served from an arena
  private static final int BLOCKS = 1024; // 64 MiB

  @Test
  void aTrimGivesFreedNativeMemoryBackToTheSystem() throws Exception {
    Assumptions.assumeTrue(
        System.getProperty("os.name").equals("Linux"), "glibc's malloc_trim is Linux only");
    NativeHeapTrimmer trimmer = NativeHeapTrimmer.available().orElseThrow();

    // 64 MiB written in arena blocks, then freed behind one block that is kept: glibc cannot shrink
    // its heap past
    // that block, so the freed pages stay resident until they are trimmed.
    List<Long> blocks = new ArrayList<>();
    for (int i = 0; i < BLOCKS; i++) {
      long address = PlatformDependent.allocateMemory(BLOCK);
      PlatformDependent.setMemory(address, BLOCK, (byte) 1);
      blocks.add(address);
    }
    long pin = PlatformDependent.allocateMemory(BLOCK);
    PlatformDependent.setMemory(pin, BLOCK, (byte) 1);
    blocks.forEach(PlatformDependent::freeMemory);
    long beforeTrim = residentKib();

    String report = trimmer.trim();
    long afterTrim = residentKib();
    PlatformDependent.freeMemory(pin);

    assertThat(report).startsWith("Trim native heap: RSS+Swap:");
    assertThat(beforeTrim - afterTrim)
        .as("KiB returned by the trim (%s)", report)
        .isGreaterThan(32 * 1024);
  }

  @Test
  void zeroMillisecondsTurnsTrimmingOff() {
    System.setProperty(NativeHeapTrimmer.INTERVAL_PROPERTY, "0");
    try {
      assertThat(NativeHeapTrimmer.start()).isEmpty();
    } finally {
      System.clearProperty(NativeHeapTrimmer.INTERVAL_PROPERTY);
    }
  }

  private static long residentKib() throws IOException {
    return Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(line -> line.startsWith("VmRSS:"))
        .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")))
        .findFirst()
        .orElseThrow();
  }
}
