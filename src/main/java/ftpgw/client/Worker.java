package ftpgw.client;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A rank other than 0: waits for rank 0's commands, uploads its share of each plan, reports back, exits on quit. */
final class Worker {
  static final Duration REPORT_EVERY = Duration.ofMillis(250);

  private final Ranks ranks;
  private final RankShare share;
  private final RankDownloads downloads;
  private final PrintStream out;

  Worker(Ranks ranks, RankShare share, RankDownloads downloads, PrintStream out) {
    this.ranks = ranks;
    this.share = share;
    this.downloads = downloads;
    this.out = out;
  }

  /** Uploads this rank's share while telling rank 0 how far it is, a few times a second and when done. */
  private List<UploadResult> uploadReporting(Wire.Command command) {
    ShareProgress progress = new ShareProgress();
    CompletableFuture<List<UploadResult>> upload = command.kind() == Wire.DOWNLOAD
        ? downloads.start(command.plan(), progress, !command.liveProgress())
        : share.start(command.plan(), progress, !command.liveProgress());
    while (true) {
      try {
        List<UploadResult> results = upload.get(REPORT_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        ranks.sendProgress(new Ranks.Progress(ranks.rank(), progress.filesDone(), progress.bytes(), true));
        return results;
      } catch (TimeoutException e) {
        ranks.sendProgress(new Ranks.Progress(ranks.rank(), progress.filesDone(), progress.bytes(), false));
      } catch (InterruptedException | ExecutionException e) {
        // RankShare turns every failure into a result; reaching this is a bug, and rank 0 still waits for us
        throw new IllegalStateException("rank " + ranks.rank() + ": upload thread failed", e);
      }
    }
  }

  void serve() {
    while (true) {
      Wire.Command command = Wire.decodeCommand(ranks.broadcast(null));
      if (command.kind() == Wire.QUIT) {
        out.println("Rank " + ranks.rank() + " exiting.");
        return;
      }
      ranks.gather(Wire.encode(uploadReporting(command)));
    }
  }
}
