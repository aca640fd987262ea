package ftpgw.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * Where the prompt's commands come from: on a terminal, JLine (line editing, Up/Down through this
 * session's history, Ctrl-R search); otherwise (a pipe, a file, a job without a terminal) plain
 * lines from stdin, so that scripts that feed the prompt see the same prompt text and answers.
 */
interface CommandLines extends AutoCloseable {
  /** The next line after showing {@code prompt}, or null at end of input. */
  String read(String prompt) throws IOException;

  @Override
  void close() throws IOException;

  /** JLine when stdin and stdout are a terminal and JLine can drive it; plain lines otherwise. */
  static CommandLines open(PrintStream out) {
    if (System.console() != null) {
      try {
        return new Edited(TerminalBuilder.builder().system(true).build());
      } catch (IOException | RuntimeException | LinkageError e) {
        out.println("(no line editing on this terminal: " + e.getMessage() + ")");
      }
    }
    return new Plain(
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), out);
  }

  /** Lines typed on a terminal, through JLine. */
  final class Edited implements CommandLines {
    private final Terminal terminal;
    private final LineReader reader;

    Edited(Terminal terminal) {
      this.terminal = terminal;
      this.reader =
          LineReaderBuilder.builder()
              .terminal(terminal)
              .appName("mpj-client")
              // a path with '!' or a backslash is a path, not a history event or an escape
              .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
              .build();
    }

    @Override
    public String read(String prompt) {
      while (true) {
        try {
          return reader.readLine(prompt);
        } catch (UserInterruptException e) {
          // Ctrl-C drops the line being typed, as in a shell; quit (or Ctrl-D) ends the session
        } catch (EndOfFileException e) {
          return null;
        }
      }
    }

    @Override
    public void close() throws IOException {
      terminal.close();
    }
  }

  /** Lines from a stream that is not a terminal. */
  final class Plain implements CommandLines {
    private final BufferedReader in;
    private final PrintStream out;

    Plain(BufferedReader in, PrintStream out) {
      this.in = in;
      this.out = out;
    }

    @Override
    public String read(String prompt) throws IOException {
      out.print(prompt);
      out.flush();
      return in.readLine();
    }

    @Override
    public void close() {
      // stdin stays open: it is the process's
    }
  }
}
