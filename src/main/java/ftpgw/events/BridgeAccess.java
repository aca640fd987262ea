package ftpgw.events;

import ftpgw.auth.Authenticator;
import ftpgw.auth.Caller;
import ftpgw.cluster.ClusterView;
import ftpgw.delivery.DeliveryClient;
import ftpgw.delivery.TransferStatusStore;
import ftpgw.transfer.Addresses;
import ftpgw.transfer.Failure;
import ftpgw.transfer.Transfer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.bridge.BaseBridgeEvent;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import java.util.HashMap;
import java.util.Map;

/**
 * Who may do what through the event-bus bridges (SockJS and TCP). Outbound: only transfer events,
 * and in a mode with users only the caller's own address {@code ftpgw.transfers.events.<user>}.
 * Inbound: only the request/reply addresses "get a transfer" and "cancel one", which learn the
 * caller from a header this class sets (a client's own value of it is overwritten, its credentials
 * never reach the bus). Also serves those two addresses.
 */
public final class BridgeAccess {
  /**
   * Event-bus header naming the authenticated bridge user (absent when the gateway has no
   * authentication).
   */
  public static final String USER_HEADER = "ftpgw-user";

  private final Vertx vertx;
  private final Authenticator auth;
  private final TransferStatusStore status;
  private final DeliveryClient delivery;
  private final String node;

  /** TCP clients send their credentials in every frame's headers; checked once per connection. */
  private final Map<NetSocket, Caller> tcpCallers = new HashMap<>();

  public BridgeAccess(Vertx vertx, Authenticator auth, TransferStatusStore status) {
    this.vertx = vertx;
    this.auth = auth;
    this.status = status;
    this.delivery = new DeliveryClient(vertx.eventBus());
    this.node = ClusterView.of(vertx).nodeId();
  }

  /** {@code options} (a bridge's own options type) with only our addresses permitted. */
  public <T extends BridgeOptions> T permit(T options) {
    options
        .addOutboundPermitted(
            new PermittedOptions()
                .setAddressRegex(
                    java.util.regex.Pattern.quote(Addresses.TRANSFER_EVENTS) + "(\\..+)?"))
        .addInboundPermitted(new PermittedOptions().setAddress(Addresses.TRANSFERS_GET))
        .addInboundPermitted(new PermittedOptions().setAddress(Addresses.TRANSFERS_CANCEL));
    return options;
  }

  /** A SockJS bridge event; the HTTP router authenticated the caller already. */
  public void sockJs(BaseBridgeEvent event, Caller caller) {
    decide(event, caller);
  }

  /**
   * A TCP bridge event: authenticated from the frame's {@code Authorization} header on the
   * connection's first use.
   */
  public void tcp(io.vertx.ext.eventbus.bridge.tcp.BridgeEvent event) {
    NetSocket socket = event.socket();
    if (event.type() == BridgeEventType.SOCKET_CLOSED) {
      tcpCallers.remove(socket);
      event.complete(true);
      return;
    }
    if (event.type() == BridgeEventType.SOCKET_CREATED
        || event.type() == BridgeEventType.SOCKET_PING) {
      event.complete(true);
      return;
    }
    Caller known = tcpCallers.get(socket);
    if (known != null) {
      decide(event, known);
      return;
    }
    JsonObject headers = headers(event.getRawMessage());
    String authorization = headers.getString("Authorization", headers.getString("authorization"));
    String address =
        socket.remoteAddress() == null ? "unknown" : socket.remoteAddress().hostAddress();
    auth.authenticate(address, authorization)
        .onComplete(
            result -> {
              if (result.succeeded()) {
                tcpCallers.put(socket, result.result());
                decide(event, result.result());
              } else {
                event.complete(false);
              }
            });
  }

  private void decide(BaseBridgeEvent event, Caller caller) {
    JsonObject raw = event.getRawMessage();
    switch (event.type()) {
      case REGISTER -> event.complete(mayListen(caller, raw.getString("address")));
      case SEND -> {
        JsonObject headers = headers(raw).copy();
        headers.remove("Authorization");
        headers.remove("authorization");
        headers.remove(USER_HEADER);
        if (caller.name() != null) {
          headers.put(USER_HEADER, caller.name());
        }
        event.setRawMessage(raw.copy().put("headers", headers));
        event.complete(true);
      }
      case PUBLISH -> event.complete(false);
      default -> event.complete(true);
    }
  }

  private static boolean mayListen(Caller caller, String address) {
    return caller.name() == null
        ? address != null && address.startsWith(Addresses.TRANSFER_EVENTS)
        : Addresses.transferEventsOf(caller.name()).equals(address);
  }

  private static JsonObject headers(JsonObject raw) {
    JsonObject headers = raw == null ? null : raw.getJsonObject("headers");
    return headers == null ? new JsonObject() : headers;
  }

  /** Serves "get a transfer" and "cancel one" for bridge clients on this node. */
  public Future<Void> serveRequests() {
    var bus = vertx.eventBus();
    return Future.all(
            bus.<JsonObject>localConsumer(
                    Addresses.TRANSFERS_GET,
                    m ->
                        visible(m)
                            .onSuccess(t -> m.reply(TransferEvent.of(null, t, null, node).toJson()))
                            .onFailure(e -> fail(m, e)))
                .completion(),
            bus.<JsonObject>localConsumer(
                    Addresses.TRANSFERS_CANCEL,
                    m ->
                        visible(m)
                            .compose(t -> delivery.cancel(t.id()))
                            .onSuccess(t -> m.reply(TransferEvent.of(null, t, null, node).toJson()))
                            .onFailure(e -> fail(m, e)))
                .completion())
        .mapEmpty();
  }

  /**
   * The transfer asked for, if the asking user may see it; another user's is as unknown as a
   * missing one.
   */
  private Future<Transfer> visible(Message<JsonObject> message) {
    String id = message.body() == null ? null : message.body().getString("id");
    if (id == null) {
      return Future.failedFuture(
          Failure.BAD_REQUEST.exception("the request needs {\"id\": \"<transfer id>\"}"));
    }
    String user = message.headers().get(USER_HEADER);
    return status
        .get(id)
        .compose(
            t ->
                t == null || (user != null && (t.owner() == null || !t.owner().name().equals(user)))
                    ? Future.failedFuture(Failure.NOT_FOUND.exception("no transfer " + id))
                    : Future.succeededFuture(t));
  }

  private static void fail(Message<JsonObject> message, Throwable error) {
    Failure failure = Failure.of(error);
    message.fail(
        failure.busCode(),
        error instanceof ReplyException || failure != Failure.INTERNAL
            ? error.getMessage()
            : "internal error");
  }
}
