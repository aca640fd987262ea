package ftpgw.http;

import ftpgw.config.EventsConfig;
import ftpgw.events.EventBuffer;
import ftpgw.events.TransferEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /events?transfer=&path=}: transfer events as Server-Sent Events, each with its {@code
 * id:}, replayed after {@code Last-Event-ID} from the node's buffer; in {@code users} mode only the
 * caller's own. A client whose unsent events exceed {@code events.clientQueueBytes} is dropped
 * instead of holding memory for it: it reconnects with its Last-Event-ID.
 */
final class EventStreamRoutes {
  private static final Logger log = LoggerFactory.getLogger(EventStreamRoutes.class);

  private final Vertx vertx;
  private final EventBuffer buffer;
  private final EventsConfig config;

  EventStreamRoutes(Vertx vertx, EventBuffer buffer, EventsConfig config) {
    this.vertx = vertx;
    this.buffer = buffer;
    this.config = config;
  }

  void stream(RoutingContext ctx) {
    Predicate<TransferEvent> wanted = filter(ctx);
    String lastEventId = ctx.request().getHeader("Last-Event-ID");
    if (lastEventId == null) {
      lastEventId =
          ctx.request()
              .getParam("lastEventId"); // for EventSource polyfills that cannot set headers
    }
    HttpServerResponse response = ctx.response();
    response
        .setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader("X-Accel-Buffering", "no") // nginx would otherwise hold events back
        .setWriteQueueMaxSize(config.clientQueueBytes());
    EventBuffer.Replay replay = buffer.after(lastEventId);
    StringBuilder first = new StringBuilder("retry: 2000\n\n");
    if (!replay.complete()) {
      first
          .append(": Last-Event-ID ")
          .append(lastEventId.replaceAll("[\\r\\n]", ""))
          .append(" is no longer buffered; replaying all ")
          .append(replay.events().size())
          .append(" buffered\n\n");
    }
    replay.events().stream().filter(wanted).forEach(e -> first.append(frame(e)));
    response.write(first.toString());

    Consumer<TransferEvent> listener =
        new Consumer<>() {
          @Override
          public void accept(TransferEvent event) {
            if (!wanted.test(event)) {
              return;
            }
            if (response.writeQueueFull()) {
              log.info(
                  "Dropped a slow event-stream client at {}: more than {} bytes of events unsent",
                  ctx.request().remoteAddress(),
                  config.clientQueueBytes());
              buffer.forget(this);
              ctx.request().connection().close();
              return;
            }
            response.write(frame(event));
          }
        };
    buffer.listen(listener);
    long heartbeat =
        vertx.setPeriodic(
            config.heartbeat().toMillis(),
            t -> {
              if (!response.writeQueueFull()) {
                response.write(": heartbeat\n\n");
              }
            });
    response.closeHandler(
        v -> {
          buffer.forget(listener);
          vertx.cancelTimer(heartbeat);
        });
  }

  private static String frame(TransferEvent event) {
    // one line of JSON: JSON strings escape every line break, so no data line is ever split
    return "id: "
        + event.eventId()
        + "\nevent: transfer\ndata: "
        + event.toJson().encode()
        + "\n\n";
  }

  private static Predicate<TransferEvent> filter(RoutingContext ctx) {
    String caller = AuthRoutes.caller(ctx).name();
    String transfer = ctx.request().getParam("transfer");
    String path = ctx.request().getParam("path");
    String folder = path != null && path.endsWith("/") ? path : null;
    return e ->
        e.visibleTo(caller)
            && (transfer == null || transfer.equals(e.id()))
            && (path == null
                || (folder != null
                    ? e.path() != null && e.path().startsWith(folder)
                    : path.equals(e.path())));
  }
}
