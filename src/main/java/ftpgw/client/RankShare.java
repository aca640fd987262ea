package ftpgw.client;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** What every rank does with a plan: upload the files dealt to it, one after the other, and say how each ended. */
final class RankShare {
  private final int rank;
  private final FileUploader uploader;
  private final PrintStream progress;

  RankShare(int rank, FileUploader uploader, PrintStream progress) {
    this.rank = rank;
    this.uploader = uploader;
    this.progress = progress;
  }

  List<UploadResult> upload(UploadPlan plan) {
    List<PlannedFile> mine = plan.filesOf(rank);
    List<UploadResult> results = new ArrayList<>();
    long bytesDone = 0;
    for (PlannedFile file : mine) {
      UploadResult result = uploader.upload(file);
      results.add(result);
      bytesDone += result.ok() ? result.bytes() : 0;
      // one plain line per file: readable in a log, and never interleaved mid-line between ranks
      progress.printf("rank %d: [%d/%d] %s %s (%s, %.2f s, %.1f MB/s) rank total %s%n", rank, results.size(),
          mine.size(), result.ok() ? "sent" : "FAILED", file.remotePath(), ReportTable.size(result.bytes()),
          result.seconds(), result.megabytesPerSecond(), ReportTable.size(bytesDone));
    }
    return results;
  }
}
