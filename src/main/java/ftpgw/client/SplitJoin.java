package ftpgw.client;

import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Rank 0's part in a split file: it hashes the whole file while the ranks send their ranges (the
 * SHA-256 of the whole needs one pass in order, which no rank's range can give), then joins the
 * partials with a final upload, waits for its publication and checks the gateway's SHA-256 against
 * its own. When a range failed for good no final upload is sent and every partial is terminated, so
 * that no spool room stays held. Each split file becomes one result for the report.
 */
final class SplitJoin {
  private final TusPartSender parts;
  private final FileUploader uploader;
  private final long splitAbove;
  private final PrintStream out;

  /**
   * @param splitAbove files larger than this are split; {@code Long.MAX_VALUE}: never
   */
  SplitJoin(TusPartSender parts, FileUploader uploader, long splitAbove, PrintStream out) {
    this.parts = parts;
    this.uploader = uploader;
    this.splitAbove = splitAbove;
    this.out = out;
  }

  long splitAbove() {
    return splitAbove;
  }

  /**
   * Starts hashing the plan's split files, one after the other on a thread of their own (one pass
   * per file, at disk speed, beside the uploads): their SHA-256 by remote path.
   */
  Map<String, CompletableFuture<String>> startHashing(UploadPlan plan) {
    Map<String, CompletableFuture<String>> hashes = new LinkedHashMap<>();
    plan.splits().forEach(f -> hashes.put(f.remotePath(), new CompletableFuture<>()));
    if (hashes.isEmpty()) {
      return hashes;
    }
    Thread hasher =
        new Thread(
            () -> {
              for (SplitFile f : plan.splits()) {
                try {
                  hashes.get(f.remotePath()).complete(FileUploader.sha256(Path.of(f.localPath())));
                } catch (IOException | RuntimeException e) {
                  hashes.get(f.remotePath()).completeExceptionally(e);
                }
              }
            },
            "split-file-hashes");
    hasher.setDaemon(true);
    hasher.start();
    return hashes;
  }

  /**
   * Every rank's results with the ranges of each split file replaced by the file's one result:
   * joined, or failed with the partials terminated.
   */
  List<UploadResult> join(
      UploadPlan plan,
      List<UploadResult> gathered,
      Map<String, CompletableFuture<String>> hashes,
      long startNanos) {
    if (plan.splits().isEmpty()) {
      return gathered;
    }
    List<UploadResult> results = new ArrayList<>();
    Map<String, List<UploadResult>> rangesOf = new LinkedHashMap<>();
    plan.splits().forEach(f -> rangesOf.put(f.remotePath(), new ArrayList<>()));
    for (UploadResult r : gathered) {
      List<UploadResult> ranges = rangesOf.get(r.remotePath());
      if (ranges != null) {
        ranges.add(r);
      } else {
        results.add(r);
      }
    }
    for (SplitFile file : plan.splits()) {
      List<UploadResult> ranges = new ArrayList<>(rangesOf.get(file.remotePath()));
      ranges.sort(Comparator.comparingInt(UploadResult::rank));
      String failure = joinOne(file, ranges, hashes.get(file.remotePath()));
      parts.forget(file);
      int attempts = ranges.stream().mapToInt(UploadResult::attempts).max().orElse(1);
      java.util.Optional<String> retried =
          ranges.stream().map(UploadResult::message).filter(m -> !m.isEmpty()).findFirst();
      results.add(
          new UploadResult(
              file.remotePath(),
              file.ranges().get(0).rank(),
              file.bytes(),
              (System.nanoTime() - startNanos) / 1e9,
              failure == null,
              attempts,
              failure == null ? retried.orElse("") : failure,
              file.ranges().get(file.ranges().size() - 1).rank(),
              ""));
    }
    return results;
  }

  /** Joins one file: null once it arrived with our SHA-256, else why not. */
  private String joinOne(
      SplitFile file, List<UploadResult> ranges, CompletableFuture<String> localHash) {
    UploadResult failed = ranges.stream().filter(r -> !r.ok()).findFirst().orElse(null);
    if (failed != null || ranges.size() != file.ranges().size()) {
      int terminated = terminateAll(ranges);
      String why =
          failed == null
              ? "only " + ranges.size() + " of " + file.ranges().size() + " parts reported"
              : "part "
                  + (failed.rank() + 1)
                  + "/"
                  + file.ranges().size()
                  + " (rank "
                  + failed.rank()
                  + ") failed: "
                  + failed.message();
      return why + "; no final upload sent, " + Counted.of(terminated, "partial") + " terminated";
    }
    try {
      HttpResponse<String> joined =
          parts.join(file, ranges.stream().map(UploadResult::partUrl).toList());
      if (joined.statusCode() != 201) {
        terminateAll(ranges); // still there when the final was refused before assembly
        return "final upload refused: " + refusal(joined);
      }
      String location = TusSender.header(joined, "Location");
      String state = joined.headers().firstValue("Ftpgw-Transfer-State").orElse("");
      out.printf(
          "joined %s from %s (ranks %s) as %s: %s%n",
          file.remotePath(), Counted.of(ranges.size(), "part"), file.ranksLabel(), location, state);
      String stored = TusSender.sha256Of(joined);
      if (!state.equals("delivered")) {
        String notDelivered = uploader.awaitTransfer(TusSender.header(joined, "Ftpgw-Transfer"));
        if (notDelivered != null) {
          return notDelivered;
        }
        stored = parts.digestOf(location);
      }
      String local = localHash.get();
      return local.equalsIgnoreCase(stored == null ? "" : stored)
          ? null
          : "the gateway stored SHA-256 " + stored + ", the local file has " + local;
    } catch (ExecutionException e) {
      return "cannot read " + file.localPath() + ": " + e.getCause().getMessage();
    } catch (IOException e) {
      terminateAll(ranges);
      return "final upload broke off: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** Terminates every partial that was created; how many the gateway let go (204 or 404). */
  private int terminateAll(List<UploadResult> ranges) {
    int terminated = 0;
    for (UploadResult r : ranges) {
      if (!r.partUrl().isEmpty()) {
        int status = parts.terminate(r.partUrl());
        terminated += status == 204 || status == 404 ? 1 : 0;
      }
    }
    return terminated;
  }

  private static String refusal(HttpResponse<String> response) {
    String error = JsonFields.string(response.body(), "error").orElse("");
    String text = JsonFields.string(response.body(), "message").orElse(response.body().strip());
    return "HTTP "
        + response.statusCode()
        + (error.isEmpty() ? "" : " " + error)
        + (text.isEmpty() ? "" : ": " + text);
  }
}
