package ftpgw.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A real HTTP webhook receiver (a Vert.x server on loopback) that records every call and answers as
 * told.
 */
public final class HookReceiver implements AutoCloseable {
  /** One call as received. */
  public record Call(
      JsonObject body,
      String rawBody,
      String signature,
      String timestamp,
      String eventId,
      String hook) {}

  /** What the receiver answers: a status and a body. */
  public record Answer(int status, String body) {}

  private final List<Call> calls;
  private final HttpServer server;

  private HookReceiver(List<Call> calls, HttpServer server) {
    this.calls = calls;
    this.server = server;
  }

  /** Starts on {@code port} (0: any); a null {@code answer} never answers. */
  public static HookReceiver start(Vertx vertx, int port, Function<Call, Answer> answer) {
    List<Call> calls = new CopyOnWriteArrayList<>();
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(
                request ->
                    request
                        .body()
                        .onSuccess(
                            body -> {
                              Call call =
                                  new Call(
                                      body.length() == 0 ? new JsonObject() : body.toJsonObject(),
                                      body.toString(),
                                      request.getHeader("X-Ftpgw-Signature"),
                                      request.getHeader("X-Ftpgw-Timestamp"),
                                      request.getHeader("X-Ftpgw-Event-Id"),
                                      request.getHeader("X-Ftpgw-Hook"));
                              calls.add(call);
                              if (answer != null) {
                                Answer a = answer.apply(call);
                                request.response().setStatusCode(a.status()).end(a.body());
                              }
                            }))
            .listen(port, "127.0.0.1")
            .await();
    return new HookReceiver(calls, server);
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    server.close().await();
  }
}
