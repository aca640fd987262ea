package ftpgw.client;

import static ftpgw.testing.TestFiles.KiB;
import static ftpgw.testing.TestFiles.MiB;
import static org.assertj.core.api.Assertions.assertThat;

import ftpgw.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rank 0's plan: what the typed paths expand to, where each file lands, and how the bytes are
 * shared.
 */
class MpjPlanTest {
  @TempDir Path dir;

  @Test
  void foldersKeepTheirNameAndStructureUnderTheRemoteFolder() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data/a/b"));
    TestFiles.random(data, "deep.bin", 10);
    TestFiles.random(dir.resolve("data"), "top.bin", 20);
    TestFiles.random(dir, "lone.txt", 5);

    UploadPlan plan =
        new Planner(2)
            .plan(
                List.of(dir.resolve("data").toString(), dir.resolve("lone.txt").toString()),
                "/results//run42/");

    assertThat(plan.files())
        .extracting(PlannedFile::remotePath)
        .containsExactlyInAnyOrder(
            "results/run42/data/a/b/deep.bin",
            "results/run42/data/top.bin",
            "results/run42/lone.txt");
    assertThat(plan.notFound()).isEmpty();
  }

  @Test
  void globsMatchBelowTheirFixedPrefixAndMissingPathsAreReported() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs/2024"));
    TestFiles.random(logs, "x.log", 1);
    TestFiles.random(logs, "y.log", 2);
    TestFiles.random(logs, "z.txt", 3);

    UploadPlan plan = new Planner(3).plan(List.of(dir + "/logs/*/*.log", dir + "/nope.bin"), "");

    assertThat(plan.files())
        .extracting(PlannedFile::remotePath)
        .containsExactlyInAnyOrder("2024/x.log", "2024/y.log");
    assertThat(plan.notFound()).containsExactly(dir + "/nope.bin");
  }

  @Test
  void largestFirstGoesToTheLeastLoadedRank() throws Exception {
    long[] sizes = {64 * MiB, 32 * MiB, 30 * MiB, 3 * MiB, 2 * MiB, 100 * KiB, 0, 0};
    for (int i = 0; i < sizes.length; i++) {
      TestFiles.random(dir, "f" + i + ".bin", sizes[i]);
    }

    UploadPlan plan = new Planner(3).plan(List.of(dir.toString()), "");

    Map<Integer, Long> bytesByRank =
        plan.files().stream()
            .collect(
                Collectors.groupingBy(
                    PlannedFile::rank, Collectors.summingLong(PlannedFile::bytes)));
    assertThat(plan.filesOf(0)).extracting(PlannedFile::bytes).containsExactly(64 * MiB);
    assertThat(bytesByRank.get(1)).isEqualTo(32 * MiB + 2 * MiB);
    assertThat(bytesByRank.get(2)).isEqualTo(30 * MiB + 3 * MiB + 100 * KiB);
    assertThat(plan.totalBytes()).isEqualTo(java.util.Arrays.stream(sizes).sum());
  }

  @Test
  void emptyFilesStillSpreadOverTheRanks() {
    for (int i = 0; i < 6; i++) {
      TestFiles.random(dir, "e" + i, 0);
    }

    UploadPlan plan = new Planner(3).plan(List.of(dir.toString()), "");

    assertThat(
            plan.files().stream()
                .collect(Collectors.groupingBy(PlannedFile::rank, Collectors.counting())))
        .isEqualTo(Map.of(0, 2L, 1, 2L, 2, 2L));
  }

  @Test
  void messagesBetweenRanksSurviveTheWire() {
    UploadPlan plan =
        new UploadPlan(
            List.of(new PlannedFile("/tmp/ü b.bin", "r/ü b.bin", 42, 2)), List.of("gone"));
    RankMessages.Command back =
        RankMessages.decodeCommand(RankMessages.encode(RankMessages.Command.upload(plan, true)));
    assertThat(back.kind()).isEqualTo(RankMessages.UPLOAD);
    assertThat(back.liveProgress()).isTrue();
    assertThat(back.plan()).isEqualTo(plan);

    List<UploadResult> results =
        List.of(new UploadResult("r/a", 1, 7, 0.5, false, 4, "HTTP 503 SPOOL_FULL: full"));
    assertThat(RankMessages.decodeResults(RankMessages.encode(results))).isEqualTo(results);
  }
}
