package ftpgw.client;

import java.util.List;

/**
 * What rank 0 decided for one {@code upload}: every file with its rank, and the paths that did not
 * exist (reported by rank 0, never uploaded).
 */
public record UploadPlan(List<PlannedFile> files, List<String> notFound) {
  public UploadPlan {
    files = List.copyOf(files);
    notFound = List.copyOf(notFound);
  }

  public List<PlannedFile> filesOf(int rank) {
    return files.stream().filter(f -> f.rank() == rank).toList();
  }

  public long totalBytes() {
    return files.stream().mapToLong(PlannedFile::bytes).sum();
  }
}
