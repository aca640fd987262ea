package ftpgw.transfer;

/** Every event-bus address of the gateway, in one place. */
public final class Addresses {
  /** request {@link RelayRequest} → reply {@link RelayResult}; fails with a {@link Failure} bus code. */
  public static final String RELAY_FILE = "ftpgw.relay.file";

  private Addresses() {
  }
}
