package ftpgw.client;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import mpi.MPI;
import picocli.CommandLine;

/**
 * The MPI client's entry point on every rank (start it with {@code deploy/mpjrun}). Rank 0 plans,
 * prompts and reports; every rank, rank 0 included, uploads its share. Exit code (rank 0): 0 only
 * if every file arrived; see the constants for the others.
 */
public final class MpjClient {
  static final int EXIT_OK = 0;
  static final int EXIT_FILES_MISSING = 1;
  static final int EXIT_USAGE = 2;

  /**
   * The gateway could not be reached (or answered 5xx on /health) through every attempt: nothing
   * was sent.
   */
  static final int EXIT_GATEWAY_UNAVAILABLE = 3;

  /**
   * A failure nobody planned for (a bug): MPJ's multicore starter would otherwise swallow it and
   * exit 0.
   */
  static final int EXIT_INTERNAL = 70;

  private MpjClient() {}

  public static void main(String[] args) {
    // niodev ranks are JVMs of their own, started as "<rank> <conf> niodev <user args>"; multicore
    // ranks are threads
    boolean ownJvm = args.length >= 3 && args[2].equals("niodev");
    PrintStream out = LineOutput.stdout();
    PrintStream err = LineOutput.stderr();
    boolean[] root = {false};
    int exit =
        guarded(
            () -> {
              String[] userArgs = MPI.Init(args);
              Ranks ranks = Ranks.world();
              root[0] = ranks.isRoot();
              int code = run(ranks, userArgs, out, err);
              ranks.finish();
              return code;
            },
            err);
    out.flush();
    err.flush();
    // in multicore one System.exit ends every rank's thread: only rank 0 says how the job went,
    // after the barrier;
    // an internal failure on any rank ends the job, as its peers would wait for it in the next
    // collective for ever
    if (root[0] || ownJvm || exit == EXIT_INTERNAL) {
      System.exit(exit);
    }
  }

  /**
   * Runs {@code body}; anything it throws is one line on {@code err} and {@link #EXIT_INTERNAL}.
   */
  static int guarded(Callable<Integer> body, PrintStream err) {
    try {
      return body.call();
    } catch (Exception | Error e) {
      StackTraceElement[] where = e.getStackTrace();
      err.println("mpj-client: internal error: " + e + (where.length > 0 ? " at " + where[0] : ""));
      err.flush();
      return EXIT_INTERNAL;
    }
  }

  static int run(Ranks ranks, String[] args, PrintStream out, PrintStream err) {
    ClientOptions options = new ClientOptions();
    CommandLine cli = new CommandLine(options);
    try {
      cli.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      return usage(ranks, err, e.getMessage(), cli);
    }
    if (cli.isUsageHelpRequested() || cli.isVersionHelpRequested()) {
      if (ranks.isRoot()) {
        cli.printVersionHelp(out);
        cli.usage(out);
      }
      return EXIT_OK;
    }
    if (options.badCommand() != null) {
      return usage(ranks, err, options.badCommand(), cli);
    }
    FileUploader uploader =
        new FileUploader(options.gatewayUri(), options.credentials(), options.backoff())
            .resumingAbove(options.resumeAbove, java.nio.file.Path.of(options.resumeState));
    TusPartSender parts =
        new TusPartSender(
            options.gatewayUri(),
            options.credentials(),
            options.backoff(),
            java.nio.file.Path.of(options.resumeState));
    RankShare share = new RankShare(ranks.rank(), uploader, out, parts);
    RankDownloads downloads =
        new RankDownloads(
            ranks.rank(),
            new FileDownloader(options.gatewayUri(), options.credentials(), options.backoff()),
            out);
    if (!ranks.isRoot()) {
      new FollowerRank(ranks, share, downloads, out).serve();
      return EXIT_OK;
    }
    // a live bar only where someone watches: System.console() is null when stdin or stdout is not a
    // terminal
    boolean live =
        options.progress.equals("bar")
            || (options.progress.equals("auto") && System.console() != null);
    GatewayCheck check = new GatewayCheck(uploader, options.gatewayUri(), options.backoff(), out);
    Coordinator coordinator =
        new Coordinator(ranks, share, out, live, check)
            .splitting(new SplitJoin(parts, uploader, options.splitAboveBytes(), out));
    ReadCommands reads =
        new ReadCommands(
            coordinator,
            new RemoteTree(options.gatewayUri(), options.credentials()),
            downloads,
            ranks.size(),
            out);
    try {
      if (options.interactive()) {
        try (CommandLines in = CommandLines.open(out)) {
          new Prompt(coordinator, options, uploader, ranks.size(), out, reads).run(in);
        }
        return EXIT_OK;
      }
      if (!options.command.get(0).equals("upload")) { // download or ls
        List<String> remotes = options.command.subList(1, options.command.size());
        boolean ok =
            options.command.get(0).equals("ls")
                ? reads.ls(remotes.isEmpty() ? null : remotes.get(0))
                : reads.download(
                    remotes, options.remoteFolder.isEmpty() ? "." : options.remoteFolder);
        coordinator.quit();
        return ok ? EXIT_OK : EXIT_FILES_MISSING;
      }
      Coordinator.Round round = coordinator.upload(options.uploadPaths(), options.remoteFolder);
      coordinator.quit();
      return BatchVerdict.exitCode(round, options.gateway, err);
    } catch (java.io.IOException | RuntimeException e) {
      err.println("mpj-client: " + e.getMessage());
      coordinator.quit();
      return EXIT_FILES_MISSING;
    }
  }

  private static int usage(Ranks ranks, PrintStream err, String problem, CommandLine cli) {
    if (ranks.isRoot()) {
      err.println("mpj-client: " + problem);
      cli.usage(err);
    }
    return EXIT_USAGE;
  }
}
