package ftpgw.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real curl: its exit code, and its output (headers with -i / -D -). */
public record Curl(int exitCode, String output) {

  public static Curl run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "120"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(150, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("curl did not finish: " + command);
    }
    return new Curl(process.exitValue(), new String(out, StandardCharsets.ISO_8859_1));
  }

  /**
   * Starts the real curl posting {@code file} as the seed's form, its folder field after the file
   * (as {@code curl -F file=@… -F path=…} sends them), at most {@code rate} bytes per second
   * (curl's {@code --limit-rate}); it prints the JSON answer.
   */
  public static Process postFormSlowly(String url, Path file, String folder, String rate)
      throws IOException {
    return new ProcessBuilder(
            "curl",
            "-sS",
            "--limit-rate",
            rate,
            "-H",
            "Accept: application/json",
            "-F",
            "file=@" + file,
            "-F",
            "path=" + folder,
            url)
        .redirectErrorStream(true)
        .start();
  }

  /** The value of the last response's header {@code name} in -D - output, or null. */
  public String header(String name) {
    String value = null;
    for (String line : output.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
        value = line.substring(colon + 1).trim();
      }
    }
    return value;
  }

  /** The last status code in -D - output. */
  public int status() {
    int status = -1;
    for (String line : output.split("\r\n")) {
      if (line.startsWith("HTTP/")) {
        status = Integer.parseInt(line.split(" ")[1]);
      }
    }
    return status;
  }
}
