package ftpgw.client;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A rank other than 0: waits for rank 0's commands, uploads its share of each plan, reports back,
 * exits on quit.
 */
final class FollowerRank {
  static final Duration REPORT_EVERY = Duration.ofMillis(250);

  private final Ranks ranks;
  private final RankShare share;
  private final RankDownloads downloads;
  private final PrintStream out;

  FollowerRank(Ranks ranks, RankShare share, RankDownloads downloads, PrintStream out) {
    this.ranks = ranks;
    this.share = share;
    this.downloads = downloads;
    this.out = out;
  }

  /**
   * Uploads this rank's share while telling rank 0 how far it is, a few times a second and when
   * done.
   */
  private List<UploadResult> uploadReporting(RankMessages.Command command) {
    ShareProgress progress = new ShareProgress();
    CompletableFuture<List<UploadResult>> upload =
        command.kind() == RankMessages.DOWNLOAD
            ? downloads.start(command.plan(), progress, !command.liveProgress())
            : share.start(command.plan(), progress, !command.liveProgress());
    while (true) {
      try {
        List<UploadResult> results = upload.get(REPORT_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        ranks.sendProgress(report(progress, true));
        return results;
      } catch (TimeoutException e) {
        ranks.sendProgress(report(progress, false));
      } catch (InterruptedException | ExecutionException e) {
        // RankShare turns every failure into a result; reaching this is a bug, and rank 0 still
        // waits for us
        throw new IllegalStateException("rank " + ranks.rank() + ": upload thread failed", e);
      }
    }
  }

  private Ranks.Progress report(ShareProgress progress, boolean finished) {
    return new Ranks.Progress(
        ranks.rank(), progress.filesDone(), progress.bytes(), progress.failedBytes(), finished);
  }

  /**
   * Until rank 0 says quit; exits quietly, as the job's end already says that every rank is done.
   */
  void serve() {
    while (true) {
      RankMessages.Command command = RankMessages.decodeCommand(ranks.broadcast(null));
      if (command.kind() == RankMessages.QUIT) {
        return;
      }
      ranks.gather(RankMessages.encode(uploadReporting(command)));
    }
  }
}
