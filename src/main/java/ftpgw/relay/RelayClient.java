package ftpgw.relay;

import ftpgw.transfer.Addresses;
import ftpgw.transfer.RelayRequest;
import ftpgw.transfer.RelayResult;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/** The typed caller of {@link Addresses#RELAY_FILE}: no one else touches its messages. */
public final class RelayClient {
  private final EventBus bus;
  private final DeliveryOptions options;

  public RelayClient(EventBus bus, Duration timeout) {
    this.bus = bus;
    this.options = new DeliveryOptions().setSendTimeout(timeout.toMillis());
  }

  public Future<RelayResult> relay(RelayRequest request) {
    return relay(request, options);
  }

  /** With its own time limit (a live body's relay lasts as long as its upload). */
  public Future<RelayResult> relay(RelayRequest request, Duration timeout) {
    return relay(request, new DeliveryOptions().setSendTimeout(timeout.toMillis()));
  }

  private Future<RelayResult> relay(RelayRequest request, DeliveryOptions sendOptions) {
    return bus.<JsonObject>request(Addresses.RELAY_FILE, request.toJson(), sendOptions)
        .map(reply -> RelayResult.fromJson(reply.body()));
  }
}
