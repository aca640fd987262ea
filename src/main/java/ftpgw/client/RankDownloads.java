package ftpgw.client;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** What every rank does with a download plan: fetch the files dealt to it, one after the other. */
final class RankDownloads {
  private final int rank;
  private final FileDownloader downloader;
  private final PrintStream progress;

  RankDownloads(int rank, FileDownloader downloader, PrintStream progress) {
    this.rank = rank;
    this.downloader = downloader;
    this.progress = progress;
  }

  /**
   * On a thread of its own, as {@link RankShare#start}: the rank's MPI thread stays free to report
   * progress.
   */
  CompletableFuture<List<UploadResult>> start(
      UploadPlan plan, ShareProgress shareProgress, boolean plainLines) {
    return CompletableFuture.supplyAsync(
        () -> download(plan, shareProgress, plainLines),
        task -> {
          Thread thread = new Thread(task, "rank-" + rank + "-downloads");
          thread.setDaemon(true);
          thread.start();
        });
  }

  private List<UploadResult> download(
      UploadPlan plan, ShareProgress shareProgress, boolean plainLines) {
    List<PlannedFile> mine = plan.filesOf(rank);
    List<UploadResult> results = new ArrayList<>();
    for (PlannedFile file : mine) {
      UploadResult result;
      try {
        result = downloader.download(file, rank, shareProgress);
      } catch (
          RuntimeException
              e) { // never throw: the other ranks wait for this one in the next collective
        result =
            new UploadResult(
                file.remotePath(), rank, file.bytes(), 0, false, 1, "client error: " + e);
      }
      shareProgress.fileFinished(file.bytes(), result.ok());
      results.add(result);
      if (plainLines) {
        progress.printf(
            "rank %d: [%d/%d] %s %s -> %s (%s, %.2f s)%n",
            rank,
            results.size(),
            mine.size(),
            result.ok() ? "got" : "FAILED",
            file.remotePath(),
            file.localPath(),
            ReportTable.size(file.bytes()),
            result.seconds());
      }
    }
    return results;
  }
}
