package ftpgw.client;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code download <remote>... --to <local folder>} and {@code ls [<remote>]}, in batch mode and at
 * the prompt (rank 0): the reading side of the gateway's share.
 */
final class ReadCommands {
  static final String HELP_DOWNLOAD =
      "download <remote>... [--to <local folder>]  files or folders (recursively) from the gateway, shared across the ranks";
  static final String HELP_LS = "ls [<remote folder>]                     what is on the gateway";

  private final Coordinator coordinator;
  private final RemoteTree tree;
  private final RankDownloads downloads;
  private final int ranks;
  private final PrintStream out;

  ReadCommands(
      Coordinator coordinator,
      RemoteTree tree,
      RankDownloads downloads,
      int ranks,
      PrintStream out) {
    this.coordinator = coordinator;
    this.tree = tree;
    this.downloads = downloads;
    this.ranks = ranks;
    this.out = out;
  }

  /** True when every file arrived whole. */
  boolean download(List<String> remotes, String localFolder) {
    try {
      UploadPlan plan = tree.plan(remotes, localFolder, ranks);
      return coordinator.download(plan, downloads).everyFileArrived();
    } catch (IOException e) {
      out.println("Cannot plan the download: " + e.getMessage());
      return false;
    }
  }

  /** Prints the folder's entries (folders first); false when there is no such folder. */
  boolean ls(String remote) {
    try {
      List<RemoteTree.Entry> entries = tree.list(remote == null ? "" : remote);
      if (entries == null) {
        long size = remote == null ? -1 : tree.size(remote);
        if (size < 0) {
          out.println("Not found on the gateway: " + remote);
          return false;
        }
        out.printf("%14d  %s%n", size, remote);
        return true;
      }
      entries.stream()
          .sorted(
              (a, b) ->
                  a.folder() != b.folder() ? (a.folder() ? -1 : 1) : a.path().compareTo(b.path()))
          .forEach(
              e ->
                  out.printf(
                      "%14s  %-24s  %s%n",
                      e.folder() ? "-" : String.valueOf(e.size()),
                      e.modified() == null ? "" : e.modified(),
                      e.path().substring(e.path().lastIndexOf('/') + 1) + (e.folder() ? "/" : "")));
      out.printf("%d entries%n", entries.size());
      return true;
    } catch (IOException e) {
      out.println("Cannot list " + remote + ": " + e.getMessage());
      return false;
    }
  }

  /** At the prompt: {@code download a b --to here} or {@code ls [folder]}. */
  void prompt(String command, List<String> args, String usage) {
    if (command.equals("ls")) {
      if (args.size() > 1) {
        out.println(usage);
      } else {
        ls(args.isEmpty() ? null : args.get(0));
      }
      return;
    }
    List<String> remotes = new ArrayList<>();
    String to = ".";
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals("--to") && i + 1 < args.size()) {
        to = args.get(++i);
      } else {
        remotes.add(args.get(i));
      }
    }
    if (remotes.isEmpty()) {
      out.println(usage);
      return;
    }
    download(remotes, to);
  }
}
