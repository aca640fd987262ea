package ftpgw.client;

import java.util.List;

/**
 * What rank 0 decided for one {@code upload}: every file with its rank, the files cut into one
 * range per rank ({@code --split-above}), and the paths that did not exist (reported by rank 0,
 * never uploaded).
 */
public record UploadPlan(List<PlannedFile> files, List<String> notFound, List<SplitFile> splits) {
  public UploadPlan {
    files = List.copyOf(files);
    notFound = List.copyOf(notFound);
    splits = List.copyOf(splits);
  }

  /** A plan with no split file. */
  public UploadPlan(List<PlannedFile> files, List<String> notFound) {
    this(files, notFound, List.of());
  }

  public List<PlannedFile> filesOf(int rank) {
    return files.stream().filter(f -> f.rank() == rank).toList();
  }

  /** Whole and split files: a split file counts once. */
  public int fileCount() {
    return files.size() + splits.size();
  }

  public long totalBytes() {
    return files.stream().mapToLong(PlannedFile::bytes).sum()
        + splits.stream().mapToLong(SplitFile::bytes).sum();
  }
}
