package ftpgw.delivery;

import ftpgw.transfer.Addresses;
import ftpgw.transfer.PublishedTransfer;
import ftpgw.transfer.SubmitTransfer;
import ftpgw.transfer.Transfer;
import ftpgw.transfer.TransferRef;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/** The typed caller of the delivery's addresses: no one else touches their messages. */
public final class DeliveryClient {
  private static final DeliveryOptions QUICK = new DeliveryOptions().setSendTimeout(60_000);

  private final EventBus bus;

  public DeliveryClient(EventBus bus) {
    this.bus = bus;
  }

  /** Journals the transfer and answers once it is safe on disk. */
  public Future<Transfer> submitAsync(Transfer transfer) {
    return request(Addresses.DELIVERY_SUBMIT, new SubmitTransfer(transfer, true).toJson(), QUICK);
  }

  /** Answers when the transfer is final; fails with a TIMEOUT ReplyException after {@code wait}. */
  public Future<Transfer> submitAndWait(Transfer transfer, Duration wait) {
    return request(
        Addresses.DELIVERY_SUBMIT,
        new SubmitTransfer(transfer, false).toJson(),
        new DeliveryOptions().setSendTimeout(Math.max(1, wait.toMillis())));
  }

  /** Makes a transfer durable (journalled) and answers with its current state. */
  public Future<Transfer> persist(String id) {
    return request(Addresses.DELIVERY_PERSIST, new TransferRef(id).toJson(), QUICK);
  }

  /** Records a transfer published while it arrived; answers once its spool body is gone. */
  public Future<Transfer> published(Transfer delivered, long relayMillis) {
    return request(
        Addresses.DELIVERY_PUBLISHED,
        new PublishedTransfer(delivered, relayMillis).toJson(),
        QUICK);
  }

  public Future<Transfer> cancel(String id) {
    return request(Addresses.DELIVERY_CANCEL, new TransferRef(id).toJson(), QUICK);
  }

  private Future<Transfer> request(String address, JsonObject body, DeliveryOptions options) {
    return bus.<JsonObject>request(address, body, options)
        .map(reply -> Transfer.fromJson(reply.body()));
  }
}
