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

  /** Sends this rank's ranges of split files; null: plans have none. */
  private final TusPartSender parts;

  RankShare(int rank, FileUploader uploader, PrintStream progress) {
    this(rank, uploader, progress, null);
  }

  RankShare(int rank, FileUploader uploader, PrintStream progress, TusPartSender parts) {
    this.rank = rank;
    this.uploader = uploader;
    this.progress = progress;
    this.parts = parts;
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
    List<UploadResult> results = new ArrayList<>(sendParts(plan, shareProgress, plainLines));
    int partsSent = results.size();
    List<PlannedFile> mine = plan.filesOf(rank);
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
          results.size() - partsSent,
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

  /**
   * This rank's ranges of the plan's split files, first: rank 0 can join a file only once every
   * range is sent, so they go before this rank's whole files.
   */
  private List<UploadResult> sendParts(
      UploadPlan plan, ShareProgress shareProgress, boolean plainLines) {
    List<UploadResult> results = new ArrayList<>();
    for (SplitFile file : plan.splits()) {
      SplitFile.Range range = file.rangeOf(rank);
      if (range == null) {
        continue;
      }
      UploadResult result = sendPart(file, range, shareProgress);
      shareProgress.partFinished(range.length(), result.ok());
      results.add(result);
      if (plainLines) {
        progress.printf(
            "rank %d: part %d/%d of %s %s (bytes %d-%d, %.2f s, %.1f MB/s)%n",
            rank,
            file.ranges().indexOf(range) + 1,
            file.ranges().size(),
            file.remotePath(),
            result.ok() ? "sent" : "FAILED: " + result.message(),
            range.offset(),
            range.offset() + range.length() - 1,
            result.seconds(),
            result.megabytesPerSecond());
      }
    }
    return results;
  }

  private UploadResult sendPart(SplitFile file, SplitFile.Range range, ShareProgress progress) {
    try {
      if (parts == null) {
        throw new IllegalStateException("this rank cannot send split files");
      }
      return parts.send(file, range, progress);
    } catch (RuntimeException e) {
      return new UploadResult(
          file.remotePath(), rank, range.length(), 0, false, 1, "client error: " + e);
    }
  }
}
