package ftpgw.client;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What every rank does with a plan: upload the files dealt to it, one after the other, and say how
 * each ended.
 */
final class RankShare {
  private final int rank;
  private final FileUploader uploader;
  private final PrintStream progress;

  RankShare(int rank, FileUploader uploader, PrintStream progress) {
    this.rank = rank;
    this.uploader = uploader;
    this.progress = progress;
  }

  /**
   * Never throws: a rank whose upload thread died would leave every other rank waiting in the next
   * collective.
   */
  private UploadResult uploadOne(PlannedFile file, ShareProgress shareProgress) {
    try {
      return uploader.upload(file, shareProgress);
    } catch (RuntimeException e) {
      return new UploadResult(
          file.remotePath(), rank, file.bytes(), 0, false, 1, "client error: " + e);
    }
  }

  /**
   * Starts {@link #upload} on a thread of its own, so that the rank's MPI thread stays free to
   * report progress: every MPI call of a rank stays on that one thread.
   */
  CompletableFuture<List<UploadResult>> start(
      UploadPlan plan, ShareProgress shareProgress, boolean plainLines) {
    return CompletableFuture.supplyAsync(
        () -> upload(plan, shareProgress, plainLines),
        task -> {
          Thread thread = new Thread(task, "rank-" + rank + "-uploads");
          thread.setDaemon(true);
          thread.start();
        });
  }

  /**
   * Uploads this rank's files of {@code plan}, feeding {@code shareProgress}; prints one plain line
   * per file unless rank 0 draws a live bar (which those lines would tear).
   */
  List<UploadResult> upload(UploadPlan plan, ShareProgress shareProgress, boolean plainLines) {
    List<PlannedFile> mine = plan.filesOf(rank);
    List<UploadResult> results = new ArrayList<>();
    long bytesDone = 0;
    for (PlannedFile file : mine) {
      UploadResult result = uploadOne(file, shareProgress);
      shareProgress.fileFinished(file.bytes(), result.ok());
      results.add(result);
      bytesDone += result.ok() ? result.bytes() : 0;
      if (!plainLines) {
        continue;
      }
      // one plain line per file: readable in a log, and never interleaved mid-line between ranks
      progress.printf(
          "rank %d: [%d/%d] %s %s (%s, %.2f s, %.1f MB/s) rank total %s%n",
          rank,
          results.size(),
          mine.size(),
          result.ok() ? "sent" : "FAILED",
          file.remotePath(),
          ReportTable.size(result.bytes()),
          result.seconds(),
          result.megabytesPerSecond(),
          ReportTable.size(bytesDone));
    }
    return results;
  }
}
