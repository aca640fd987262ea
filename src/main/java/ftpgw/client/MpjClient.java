package ftpgw.client;

import mpi.MPI;
import picocli.CommandLine;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The MPI client's entry point on every rank (start it with {@code deploy/mpjrun}). Rank 0 plans, prompts and
 * reports; every rank, rank 0 included, uploads its share. Exit code (rank 0): 0 only if every file arrived.
 */
public final class MpjClient {
  static final int EXIT_OK = 0;
  static final int EXIT_FILES_MISSING = 1;
  static final int EXIT_USAGE = 2;

  private MpjClient() {
  }

  public static void main(String[] args) {
    // niodev ranks are JVMs of their own, started as "<rank> <conf> niodev <user args>"; multicore ranks are threads
    boolean ownJvm = args.length >= 3 && args[2].equals("niodev");
    String[] userArgs = MPI.Init(args);
    Ranks ranks = Ranks.world();
    int exit = run(ranks, userArgs, System.out, System.err);
    ranks.finish();
    // in multicore one System.exit ends every rank's thread: only rank 0 says how the job went, after the barrier
    if (ranks.isRoot() || ownJvm) {
      System.exit(exit);
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
    FileUploader uploader = new FileUploader(options.gatewayUri(), options.credentials(), options.backoff())
        .resumingAbove(options.resumeAbove, java.nio.file.Path.of(options.resumeState));
    RankShare share = new RankShare(ranks.rank(), uploader, out);
    if (!ranks.isRoot()) {
      new Worker(ranks, share, out).serve();
      return EXIT_OK;
    }
    // a live bar only where someone watches: System.console() is null when stdin or stdout is not a terminal
    boolean live = options.progress.equals("bar") || (options.progress.equals("auto") && System.console() != null);
    Coordinator coordinator = new Coordinator(ranks, share, out, live);
    try {
      if (options.interactive()) {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        new Prompt(coordinator, options, uploader, ranks.size(), out).run(in);
        return EXIT_OK;
      }
      Coordinator.Round round = coordinator.upload(options.uploadPaths(), options.remoteFolder);
      coordinator.quit();
      if (!round.everyFileArrived()) {
        err.printf("mpj-client: not every file arrived: %d failed, %d paths not found (see above)%n",
            round.failed(), round.notFound().size());
        if (round.results().stream().anyMatch(r -> !r.ok() && r.message().contains(FileUploader.UNREACHABLE))) {
          err.printf("mpj-client: the gateway %s could not be reached: is it running, and is --gateway"
              + " (or FTPGW_GATEWAY) right?%n", options.gateway);
        }
        return EXIT_FILES_MISSING;
      }
      return EXIT_OK;
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
