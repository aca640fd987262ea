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
    return bus.<JsonObject>request(Addresses.RELAY_FILE, request.toJson(), options)
        .map(reply -> RelayResult.fromJson(reply.body()));
  }
}
