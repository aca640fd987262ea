package ftpgw.client;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Rank 0's side of the job: plans an upload, broadcasts it, does its own share, gathers everyone's
 * results and prints the table; keeps the session's totals for {@code status}.
 */
final class Coordinator {
  private final Ranks ranks;
  private final RankShare share;
  private final PrintStream out;
  private Planner planner;

  /** Joins the plans' split files; null: files are never split. */
  private SplitJoin splits;

  private final boolean liveProgress;
  private final GatewayCheck gateway;
  private int rounds;
  private long filesArrived;
  private long filesFailed;
  private long bytesArrived;

  Coordinator(
      Ranks ranks, RankShare share, PrintStream out, boolean liveProgress, GatewayCheck gateway) {
    this.liveProgress = liveProgress;
    this.gateway = gateway;
    this.ranks = ranks;
    this.share = share;
    this.out = out;
    this.planner = new Planner(ranks.size());
  }

  /** Files above {@code join.splitAbove()} are cut into one range per rank, and joined by it. */
  Coordinator splitting(SplitJoin join) {
    this.splits = join;
    this.planner = new Planner(ranks.size(), join.splitAbove());
    return this;
  }

  /**
   * One upload: how it ended for every file, and which typed paths did not exist; {@code
   * gatewayProblem} (or null) says why no file was attempted at all.
   */
  record Round(List<UploadResult> results, List<String> notFound, String gatewayProblem) {
    boolean everyFileArrived() {
      return gatewayProblem == null
          && notFound.isEmpty()
          && results.stream().allMatch(UploadResult::ok);
    }

    long failed() {
      return results.stream().filter(r -> !r.ok()).count();
    }
  }

  Round upload(List<String> paths, String remoteFolder) {
    UploadPlan plan;
    try {
      plan = planner.plan(paths, remoteFolder);
    } catch (UncheckedIOException e) {
      out.println("Cannot plan the upload: " + e.getMessage());
      return new Round(List.of(), paths, null);
    }
    plan.notFound().forEach(p -> out.println("File not found: " + p));
    if (plan.fileCount() == 0) {
      if (plan.notFound().isEmpty()) {
        out.println("Nothing to upload: the paths hold no files.");
      }
      return new Round(List.of(), plan.notFound(), null);
    }
    String problem = gateway.problem();
    if (problem != null) {
      out.println(problem);
      return new Round(List.of(), plan.notFound(), problem);
    }
    out.printf(
        "Uploading %s (%s) with %s to %s%n",
        Counted.of(plan.fileCount(), "file"),
        ReportTable.size(plan.totalBytes()),
        Counted.of(ranks.size(), "rank"),
        remoteFolder == null || remoteFolder.isEmpty() ? "/" : remoteFolder);
    long start = System.nanoTime();
    var hashes =
        splits == null
            ? java.util.Map.<String, CompletableFuture<String>>of()
            : splits.startHashing(plan);
    ranks.broadcast(RankMessages.encode(RankMessages.Command.upload(plan, liveProgress)));
    ProgressView view =
        new ProgressView(out, liveProgress, ranks.size(), plan.totalBytes(), plan.fileCount());
    byte[] mine = RankMessages.encode(uploadWatching(plan, view, share::start));
    List<UploadResult> gathered = new ArrayList<>();
    for (byte[] fromRank : ranks.gather(mine)) {
      gathered.addAll(RankMessages.decodeResults(fromRank));
    }
    // the partials are whole once every rank reported: join them (a plan without splits has none)
    List<UploadResult> all = splits == null ? gathered : splits.join(plan, gathered, hashes, start);
    double wall = (System.nanoTime() - start) / 1e9;
    ReportTable.print(out, all, wall, ranks.size());
    Round round = new Round(all, plan.notFound(), null);
    count(round);
    return round;
  }

  /**
   * Rank 0's own share runs on its upload thread while this (MPI) thread collects every worker's
   * progress and redraws the view, until rank 0 is done and every worker has said it finished.
   */
  private List<UploadResult> uploadWatching(UploadPlan plan, ProgressView view, OwnShare ownShare) {
    ShareProgress own = new ShareProgress();
    CompletableFuture<List<UploadResult>> upload = ownShare.start(plan, own, !liveProgress);
    boolean[] finished = new boolean[ranks.size()];
    int waitingFor = ranks.size() - 1;
    List<UploadResult> results = null;
    while (results == null || waitingFor > 0) {
      for (Ranks.Progress p : ranks.pollProgress()) {
        view.update(p.rank(), p.filesDone(), p.bytes(), p.failedBytes());
        if (p.finished() && !finished[p.rank()]) {
          finished[p.rank()] = true;
          waitingFor--;
        }
      }
      view.update(Ranks.ROOT, own.filesDone(), own.bytes(), own.failedBytes());
      view.render();
      results = results != null ? results : await(upload);
    }
    view.finish();
    return results;
  }

  private static List<UploadResult> await(CompletableFuture<List<UploadResult>> upload) {
    try {
      return upload.get(100, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return null;
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException("rank 0: upload thread failed", e);
    }
  }

  /** Rank 0's own part of a plan, started on a thread of its own. */
  @FunctionalInterface
  interface OwnShare {
    CompletableFuture<List<UploadResult>> start(
        UploadPlan plan, ShareProgress progress, boolean plainLines);
  }

  /** A download planned by {@link RemoteTree}: shared, watched and reported as an upload is. */
  Round download(UploadPlan plan, RankDownloads downloads) {
    plan.notFound().forEach(p -> out.println("Not found on the gateway: " + p));
    if (plan.files().isEmpty()) {
      return new Round(List.of(), plan.notFound(), null);
    }
    out.printf(
        "Downloading %s (%s) with %s%n",
        Counted.of(plan.files().size(), "file"),
        ReportTable.size(plan.totalBytes()),
        Counted.of(ranks.size(), "rank"));
    long start = System.nanoTime();
    ranks.broadcast(RankMessages.encode(RankMessages.Command.download(plan, liveProgress)));
    ProgressView view =
        new ProgressView(out, liveProgress, ranks.size(), plan.totalBytes(), plan.files().size());
    byte[] mine = RankMessages.encode(uploadWatching(plan, view, downloads::start));
    List<UploadResult> all = new ArrayList<>();
    for (byte[] fromRank : ranks.gather(mine)) {
      all.addAll(RankMessages.decodeResults(fromRank));
    }
    ReportTable.print(out, all, (System.nanoTime() - start) / 1e9, ranks.size());
    return new Round(all, plan.notFound(), null);
  }

  /** Tells every worker to exit. */
  void quit() {
    ranks.broadcast(RankMessages.encode(RankMessages.Command.quit()));
  }

  String totals() {
    return String.format(
        "%s this session: %s arrived (%s), %d failed",
        Counted.of(rounds, "upload"),
        Counted.of(filesArrived, "file"),
        ReportTable.size(bytesArrived),
        filesFailed);
  }

  private void count(Round round) {
    rounds++;
    filesFailed += round.failed();
    for (UploadResult r : round.results()) {
      if (r.ok()) {
        filesArrived++;
        bytesArrived += r.bytes();
      }
    }
  }
}
