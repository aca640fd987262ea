package ftpgw.client;

import static ftpgw.testing.TestFiles.MiB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ftpgw.testing.TestFiles;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code --split-above}: how a large file is cut into one range per rank, how the cut crosses
 * between ranks, and how a range's partial upload is remembered for a job run again.
 */
class SplitPlanTest {
  @TempDir Path dir;

  @Test
  void aFileIsCutIntoOneRangePerRankButNeverIntoSlivers() {
    assertThat(RangePlan.parts(40 * MiB, 4)).isEqualTo(4);
    // smaller than ranks * 8 MiB: as many ranges of at least 8 MiB as fit
    assertThat(RangePlan.parts(20 * MiB, 4)).isEqualTo(2);
    assertThat(RangePlan.parts(16 * MiB - 1, 4)).isEqualTo(1);
    assertThat(RangePlan.parts(8 * MiB - 1, 4)).isEqualTo(1);
    assertThat(RangePlan.parts(0, 4)).isEqualTo(1);
    // one rank: nothing to share
    assertThat(RangePlan.parts(8L << 30, 1)).isEqualTo(1);
    assertThat(RangePlan.parts(8L << 30, 64)).isEqualTo(64);
  }

  @Test
  void rangesCoverTheFileInOrderAndDifferByAtMostOneByte() {
    long size = 40 * MiB + 3; // not divisible by 4
    List<SplitFile.Range> ranges = RangePlan.ranges(size, 4);

    assertThat(ranges).extracting(SplitFile.Range::rank).containsExactly(0, 1, 2, 3);
    assertThat(ranges)
        .extracting(SplitFile.Range::length)
        .containsExactly(10 * MiB + 1, 10 * MiB + 1, 10 * MiB + 1, 10 * MiB);
    long next = 0;
    for (SplitFile.Range r : ranges) {
      assertThat(r.offset()).isEqualTo(next);
      next += r.length();
    }
    assertThat(next).isEqualTo(size);
    assertThat(RangePlan.ranges(7, 1)).containsExactly(new SplitFile.Range(0, 7, 0));
    assertThatThrownBy(() -> RangePlan.ranges(3, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot cut 3 bytes into 4 non-empty parts");
  }

  @Test
  void onlyFilesAboveTheThresholdAreSplitAndTheirRangesCountAsLoad() {
    TestFiles.random(dir, "big.bin", 40 * MiB);
    TestFiles.random(dir, "edge.bin", 16 * MiB); // equal to the threshold: whole
    TestFiles.random(dir, "a.bin", 3 * MiB);
    TestFiles.random(dir, "b.bin", 2 * MiB);

    UploadPlan plan = new Planner(4, 16 * MiB).plan(List.of(dir.toString()), "in");

    String folder = dir.getFileName() + "/";
    assertThat(plan.splits())
        .singleElement()
        .satisfies(
            split -> {
              assertThat(split.remotePath()).isEqualTo("in/" + folder + "big.bin");
              assertThat(split.bytes()).isEqualTo(40 * MiB);
              assertThat(split.ranges()).hasSize(4);
              assertThat(split.ranksLabel()).isEqualTo("0-3");
              assertThat(Path.of(split.localPath())).isAbsolute();
            });
    assertThat(plan.files())
        .extracting(PlannedFile::remotePath)
        .containsExactlyInAnyOrder(
            "in/" + folder + "edge.bin", "in/" + folder + "a.bin", "in/" + folder + "b.bin");
    assertThat(plan.fileCount()).isEqualTo(4);
    assertThat(plan.totalBytes()).isEqualTo(61 * MiB);
    // every rank holds 10 MiB of big.bin: the whole files go to different ranks
    assertThat(plan.files().stream().map(PlannedFile::rank).collect(Collectors.toSet())).hasSize(3);
  }

  @Test
  void oneRankOrNoThresholdSendsEveryFileWhole() {
    TestFiles.random(dir, "big.bin", 40 * MiB);

    assertThat(new Planner(1, 16 * MiB).plan(List.of(dir.toString()), "").splits()).isEmpty();
    assertThat(new Planner(4).plan(List.of(dir.toString()), "").splits()).isEmpty();
    // 20 MiB over 4 ranks: 2 ranges of 10 MiB, on ranks 0 and 1
    TestFiles.random(dir, "big.bin", 20 * MiB);
    assertThat(new Planner(4, 16 * MiB).plan(List.of(dir.toString()), "").splits())
        .singleElement()
        .satisfies(s -> assertThat(s.ranksLabel()).isEqualTo("0-1"));
  }

  @Test
  void splitFilesAndPartResultsSurviveTheWireBetweenRanks() {
    SplitFile split =
        new SplitFile(
            "/data/ü big.bin", "r/ü big.bin", 40 * MiB + 3, RangePlan.ranges(40 * MiB + 3, 4));
    UploadPlan plan =
        new UploadPlan(
            List.of(new PlannedFile("/data/s.bin", "r/s.bin", 5, 1)),
            List.of("gone"),
            List.of(split));
    RankMessages.Command back =
        RankMessages.decodeCommand(RankMessages.encode(RankMessages.Command.upload(plan, false)));
    assertThat(back.plan()).isEqualTo(plan);

    List<UploadResult> results =
        List.of(
            new UploadResult(
                "r/ü big.bin", 2, 10 * MiB, 1.5, true, 2, "", 2, "http://127.0.0.1:1/tus/abc"),
            new UploadResult("r/s.bin", 1, 5, 0.1, true, 1, ""));
    assertThat(RankMessages.decodeResults(RankMessages.encode(results))).isEqualTo(results);
    assertThat(results.get(1).partUrl()).isEmpty();
    assertThat(results.get(1).ranks()).isEqualTo("1");
    assertThat(new UploadResult("r/x", 0, 1, 1, true, 1, "", 3, "").ranks()).isEqualTo("0-3");
  }

  @Test
  void splitAboveTakesBytesZeroOrOff() {
    assertThat(options("--split-above", "16777216").splitAboveBytes()).isEqualTo(16 * MiB);
    assertThat(options("--split-above", "off").splitAboveBytes()).isEqualTo(Long.MAX_VALUE);
    assertThat(options("--split-above", "0").splitAboveBytes()).isEqualTo(Long.MAX_VALUE);
    assertThat(options().splitAboveBytes()).isEqualTo(1L << 30);
    assertThat(options("--split-above", "-5").badCommand())
        .isEqualTo("--split-above is a number of bytes, 0 or off, got '-5'");
    assertThat(options("--split-above", "1G").badCommand())
        .isEqualTo("--split-above is a number of bytes, 0 or off, got '1G'");
  }

  @Test
  void aRangesStateFileIsKeyedByTheFileItsTargetAndTheRange() throws Exception {
    Path file = TestFiles.random(dir, "big.bin", 20 * MiB);
    TusPartSender sender =
        new TusPartSender(
            URI.create("http://127.0.0.1:1"),
            GatewayLogin.resolve(null, null, null),
            new RetryBackoff(1, Duration.ZERO, Duration.ZERO),
            dir.resolve("state"));
    SplitFile split =
        new SplitFile(file.toString(), "r/big.bin", 20 * MiB, RangePlan.ranges(20 * MiB, 2));
    SplitFile elsewhere =
        new SplitFile(file.toString(), "other/big.bin", 20 * MiB, RangePlan.ranges(20 * MiB, 2));
    SplitFile threeWays =
        new SplitFile(file.toString(), "r/big.bin", 20 * MiB, RangePlan.ranges(20 * MiB, 3));

    Path first = sender.state(split, split.ranges().get(0));
    assertThat(first.getParent()).isEqualTo(dir.resolve("state"));
    assertThat(sender.state(split, split.ranges().get(0))).isEqualTo(first);
    assertThat(
            java.util.stream.Stream.of(
                first,
                sender.state(split, split.ranges().get(1)),
                sender.state(elsewhere, elsewhere.ranges().get(0)),
                sender.state(threeWays, threeWays.ranges().get(0))))
        .doesNotHaveDuplicates();
    // the file changed since (its modification time): its old partials are not resumed
    Files.setLastModifiedTime(
        file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() - 5000));
    assertThat(sender.state(split, split.ranges().get(0))).isNotEqualTo(first);

    Files.createDirectories(first.getParent());
    Files.writeString(sender.state(split, split.ranges().get(1)), "http://x/tus/1\n");
    sender.forget(split);
    assertThat(TestFiles.filesUnder(dir.resolve("state"))).isEmpty();
  }

  private static ClientOptions options(String... args) {
    ClientOptions options = new ClientOptions();
    new CommandLine(options)
        .parseArgs(
            java.util.stream.Stream.concat(
                    java.util.Arrays.stream(args), java.util.stream.Stream.of("upload", "x"))
                .toArray(String[]::new));
    return options;
  }
}
