package ftpgw;

/**
 * A start-up failure the operator can fix from its message alone (a port in use, say): the launcher
 * prints the message as one line and exits 2, with no stack trace.
 */
public final class StartupProblem extends RuntimeException {
  public StartupProblem(String message, Throwable cause) {
    super(message, cause, false, false);
  }

  /**
   * The problem in {@code error}'s causes, or one made of a bind failure there; null when it is
   * unexpected.
   */
  static String explain(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof StartupProblem problem) {
        return problem.getMessage();
      }
    }
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.net.BindException) {
        return error.getMessage();
      }
    }
    return null;
  }
}
