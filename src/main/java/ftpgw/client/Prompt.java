package ftpgw.client;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The interactive mode on rank 0: the seed's prompt ({@code upload <path>}, {@code quit}) plus
 * {@code status} and {@code help}. End of input is {@code quit}.
 */
final class Prompt {
  static final String PROMPT = "Enter a command (upload <path>... / status / help / quit): ";
  static final String USAGE =
      "Invalid command. Try 'upload <path>... [--to <remote folder>]', 'status', 'help' or 'quit'.";
  static final String UPLOAD_USAGE =
      "Usage: upload <path>... [--to <remote folder>]  (files, folders or globs)";

  private final Coordinator coordinator;
  private final ClientOptions options;
  private final FileUploader probe;
  private final int ranks;
  private final PrintStream out;
  private final ReadCommands reads;

  Prompt(
      Coordinator coordinator,
      ClientOptions options,
      FileUploader probe,
      int ranks,
      PrintStream out,
      ReadCommands reads) {
    this.coordinator = coordinator;
    this.options = options;
    this.probe = probe;
    this.ranks = ranks;
    this.out = out;
    this.reads = reads;
  }

  void run(CommandLines in) throws IOException {
    while (true) {
      String line = in.read(PROMPT);
      if (line == null) {
        out.println();
        break;
      }
      List<String> words = words(line);
      if (words.isEmpty()) {
        continue;
      }
      String command = words.get(0);
      if (command.equals("quit") || command.equals("exit")) {
        break;
      }
      switch (command) {
        case "upload" -> upload(words.subList(1, words.size()));
        case "download", "ls" -> reads.prompt(command, words.subList(1, words.size()), USAGE);
        case "status" -> status();
        case "help" -> help();
        default -> out.println(USAGE);
      }
    }
    out.println("Exiting Client.");
    coordinator.quit();
  }

  private void upload(List<String> args) {
    List<String> paths = new ArrayList<>();
    String to = options.remoteFolder;
    for (int i = 0; i < args.size(); i++) {
      if (!args.get(i).equals("--to")) {
        paths.add(args.get(i));
      } else if (i + 1 < args.size()) {
        to = args.get(++i);
      } else {
        out.println("--to needs a remote folder. " + UPLOAD_USAGE);
        return;
      }
    }
    if (paths.isEmpty()) {
      out.println(UPLOAD_USAGE);
      return;
    }
    coordinator.upload(paths, to);
  }

  private void status() {
    out.printf("ranks: %d%n", ranks);
    out.printf("gateway: %s (%s)%n", options.gatewayUri(), probe.health());
    out.printf("credentials: %s%n", options.credentials().describe());
    out.printf("remote folder: %s%n", options.remoteFolder.isEmpty() ? "/" : options.remoteFolder);
    out.println(coordinator.totals());
  }

  private void help() {
    out.println(
        "upload <path>... [--to <remote folder>]  files, folders (recursively) or globs, shared across the ranks");
    out.println(ReadCommands.HELP_DOWNLOAD);
    out.println(ReadCommands.HELP_LS);
    out.println(
        "status                                   ranks, gateway health, what this session uploaded");
    out.println("help                                     this text");
    out.println("quit                                     every rank exits (so does end of input)");
  }

  /** Splits on blanks; "double quotes" keep a path with spaces together. */
  static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (char c : line.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
        any = true;
      } else if (Character.isWhitespace(c) && !quoted) {
        if (any) {
          words.add(word.toString());
        }
        word.setLength(0);
        any = false;
      } else {
        word.append(c);
        any = true;
      }
    }
    if (any) {
      words.add(word.toString());
    }
    return words;
  }
}
