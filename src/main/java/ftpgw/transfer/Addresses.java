package ftpgw.transfer;

/** Every event-bus address of the gateway, in one place. */
public final class Addresses {
  /** request {@link RelayRequest} → reply {@link RelayResult}; fails with a {@link Failure} bus code. */
  public static final String RELAY_FILE = "ftpgw.relay.file";
  /**
   * request {@link SubmitTransfer} → reply {@link Transfer}: at once (after journalling) for an async submit, when
   * the transfer is final for a sync one.
   */
  public static final String DELIVERY_SUBMIT = "ftpgw.delivery.submit";
  /** request {@link TransferRef} → reply {@link Transfer} once it is journalled (or already final). */
  public static final String DELIVERY_PERSIST = "ftpgw.delivery.persist";
  /** request {@link TransferRef} → reply the cancelled {@link Transfer}; fails NOT_FOUND or CONFLICT. */
  public static final String DELIVERY_CANCEL = "ftpgw.delivery.cancel";

  private Addresses() {
  }
}
