package ftpgw.transfer;

/** An expected failure: its {@link Failure} decides the answer, its message tells the client what happened. */
public final class GatewayException extends RuntimeException {
  private final Failure failure;

  public GatewayException(Failure failure, String message) {
    super(message, null, false, false);
    this.failure = failure;
  }

  public Failure failure() {
    return failure;
  }
}
