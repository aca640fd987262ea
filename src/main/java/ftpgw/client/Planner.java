package ftpgw.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Turns the paths a user typed (files, folders, globs) into an {@link UploadPlan}: folders are
 * walked recursively and keep their own name under the remote folder ({@code upload data --to r}
 * sends {@code data/a/b} to {@code r/data/a/b}, like {@code cp -r}); a glob's matches keep their
 * path below the glob's fixed prefix. Files above {@code --split-above} are cut into one range per
 * rank ({@link RangePlan}); the other files are then dealt to ranks largest first, each to the rank
 * with the least work so far.
 */
public final class Planner {
  /**
   * What one file costs besides its bytes (a request, a digest pass, an FTP publish), so that many
   * small or empty files still spread over the ranks instead of all landing on the one with the
   * least bytes.
   */
  static final long PER_FILE_COST_BYTES = 256 * 1024;

  private final int ranks;

  /** Files larger than this are cut into one range per rank; {@code Long.MAX_VALUE}: never. */
  private final long splitAbove;

  public Planner(int ranks) {
    this(ranks, Long.MAX_VALUE);
  }

  public Planner(int ranks, long splitAbove) {
    if (ranks < 1) {
      throw new IllegalArgumentException("ranks must be >= 1, got " + ranks);
    }
    this.ranks = ranks;
    this.splitAbove = splitAbove;
  }

  public UploadPlan plan(List<String> paths, String remoteFolder) {
    String prefix = RemoteNames.folder(remoteFolder);
    Map<String, Candidate> byRemote = new LinkedHashMap<>();
    List<String> notFound = new ArrayList<>();
    for (String typed : paths) {
      List<Candidate> found = expand(typed);
      if (found.isEmpty()) {
        notFound.add(typed);
      }
      for (Candidate c : found) {
        byRemote.putIfAbsent(prefix + c.remoteName(), c);
      }
    }
    long[] load = new long[ranks];
    List<SplitFile> splits = split(byRemote, load);
    return new UploadPlan(balance(byRemote, load), notFound, splits);
  }

  /**
   * Takes the files above {@code splitAbove} that are large enough for two ranges out of {@code
   * byRemote}, cut into one range per rank; their ranges count towards {@code load}.
   */
  private List<SplitFile> split(Map<String, Candidate> byRemote, long[] load) {
    List<SplitFile> splits = new ArrayList<>();
    for (var it = byRemote.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Candidate> e = it.next();
      long bytes = e.getValue().bytes();
      int parts = RangePlan.parts(bytes, ranks);
      if (bytes <= splitAbove || parts < 2) {
        continue;
      }
      List<SplitFile.Range> ranges = RangePlan.ranges(bytes, parts);
      ranges.forEach(r -> load[r.rank()] += r.length() + PER_FILE_COST_BYTES);
      splits.add(
          new SplitFile(
              e.getValue().local().toAbsolutePath().toString(), e.getKey(), bytes, ranges));
      it.remove();
    }
    return splits;
  }

  private List<PlannedFile> balance(Map<String, Candidate> byRemote, long[] load) {
    List<Map.Entry<String, Candidate>> largestFirst = new ArrayList<>(byRemote.entrySet());
    largestFirst.sort(
        Comparator.comparingLong((Map.Entry<String, Candidate> e) -> e.getValue().bytes())
            .reversed()
            .thenComparing(Map.Entry::getKey));
    List<PlannedFile> planned = new ArrayList<>();
    for (Map.Entry<String, Candidate> e : largestFirst) {
      int rank = leastLoaded(load);
      load[rank] += e.getValue().bytes() + PER_FILE_COST_BYTES;
      // absolute: niodev ranks on other hosts (a shared file system under the same path) need not
      // share the cwd
      planned.add(
          new PlannedFile(
              e.getValue().local().toAbsolutePath().toString(),
              e.getKey(),
              e.getValue().bytes(),
              rank));
    }
    return planned;
  }

  static int leastLoaded(long[] load) {
    int best = 0;
    for (int r = 1; r < load.length; r++) {
      if (load[r] < load[best]) {
        best = r;
      }
    }
    return best;
  }

  private static List<Candidate> expand(String typed) {
    if (isGlob(typed)) {
      return expandGlob(typed);
    }
    Path path = Path.of(typed);
    if (Files.isRegularFile(path)) {
      return List.of(new Candidate(path, path.getFileName().toString(), size(path)));
    }
    if (Files.isDirectory(path)) {
      Path name = path.toAbsolutePath().normalize().getFileName();
      return walk(path, name == null ? "" : name + "/");
    }
    return List.of();
  }

  private static List<Candidate> expandGlob(String glob) {
    Path base = fixedPrefix(glob);
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
    List<Candidate> found = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(base)) {
      for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
        if (!matcher.matches(p) || p.equals(base)) {
          continue;
        }
        String below = RemoteNames.of(base.relativize(p));
        if (Files.isRegularFile(p)) {
          found.add(new Candidate(p, below, size(p)));
        } else if (Files.isDirectory(p)) {
          found.addAll(walk(p, below + "/"));
        }
      }
    } catch (NoSuchFileException e) {
      return List.of(); // the glob's folder does not exist: "File not found"
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + base + ": " + e.getMessage(), e);
    }
    return found;
  }

  private static List<Candidate> walk(Path folder, String remotePrefix) {
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(Files::isRegularFile)
          .sorted()
          .map(p -> new Candidate(p, remotePrefix + RemoteNames.of(folder.relativize(p)), size(p)))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + folder + ": " + e.getMessage(), e);
    }
  }

  /**
   * The folder part of a glob before its first wildcard: {@code data/2024/*.csv} is walked from
   * {@code data/2024}, {@code *.csv} from the current folder.
   */
  private static Path fixedPrefix(String glob) {
    Path fixed = Path.of("");
    for (Path segment : Path.of(glob.startsWith("/") ? glob.substring(1) : glob)) {
      if (isGlob(segment.toString())) {
        break;
      }
      fixed = fixed.resolve(segment);
    }
    if (glob.startsWith("/")) {
      fixed = Path.of("/").resolve(fixed);
    }
    // an empty path, not ".": walking "" yields "x.csv", which "*.csv" matches; walking "." yields
    // "./x.csv"
    return fixed;
  }

  private static boolean isGlob(String s) {
    return s.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }

  private record Candidate(Path local, String remoteName, long bytes) {}
}
