package ftpgw.files;

import ftpgw.cluster.ClusterView;
import ftpgw.config.RelayConfig;
import ftpgw.relay.FtpConnectionPool;
import ftpgw.relay.FtpRelayVerticle;
import ftpgw.relay.FtpReplyException;
import ftpgw.relay.FtpRetrieve;
import ftpgw.transfer.Addresses;
import ftpgw.transfer.Failure;
import ftpgw.transfer.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.commons.net.ftp.FTPClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay node's side of reads and changes: answers {@link Addresses#FILES} (cluster-wide, so an
 * edge without FTP access reaches it) on the relay's pooled connections. A download asked for on
 * this node gets the RETR's data connection itself ({@link LocalRead}); one from another node (or
 * over FTPS) is served in chunks at {@link Addresses#fileChunks} as the HTTP side pulls them: up to
 * {@link ReadSession#AHEAD} chunks are read ahead, never more, so a download holds a few MiB here
 * whatever the file's size. A session nobody pulls from for {@code relay.dataTimeoutMs} (its client
 * or its node went away) is ended and its connection closed. Either way the session ends with
 * {@link ChunkPull.Action}: FINISH checks the 226 and reuses the connection, CANCEL closes it.
 */
public final class FilesVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(FilesVerticle.class);
  static final int CHUNK_BYTES = 512 * 1024;

  private final FtpRelayVerticle relay;
  private final RelayConfig config;
  private final FtpFiles files = new FtpFiles();
  private final Map<String, ReadSession> sessions = new HashMap<>();
  private WorkerExecutor ftpThreads;
  private String nodeId;
  private String chunksAddress;
  private MessageConsumer<JsonObject> requests;
  private MessageConsumer<JsonObject> pulls;

  public FilesVerticle(FtpRelayVerticle relay, RelayConfig config) {
    this.relay = relay;
    this.config = config;
  }

  @Override
  public Future<?> start() {
    // each download holds a thread only while it reads a chunk; a request waiting for a pooled
    // connection holds one
    ftpThreads = vertx.createSharedWorkerExecutor("ftp-files", config.connections() + 2);
    ChunkCodec.registerOn(vertx.eventBus());
    nodeId = ClusterView.of(vertx).nodeId();
    chunksAddress = Addresses.fileChunks(nodeId);
    LocalRead.registerOn(vertx.eventBus());
    requests = vertx.eventBus().consumer(Addresses.FILES, this::handle);
    pulls = vertx.eventBus().consumer(chunksAddress, this::pull);
    return Future.all(requests.completion(), pulls.completion());
  }

  @Override
  public Future<?> stop() {
    sessions.values().forEach(ReadSession::abort);
    sessions.clear();
    return Future.all(requests.unregister(), pulls.unregister())
        .eventually(() -> ftpThreads.close());
  }

  /** Downloads open now (tests: a client that went away leaves none). */
  public int openReads() {
    return sessions.size();
  }

  private void handle(Message<JsonObject> message) {
    FileRequest request = FileRequest.fromJson(message.body());
    if (request.op() == FileRequest.Op.READ) {
      openRead(request)
          .onSuccess(
              session -> {
                sessions.put(session.id, session);
                if (nodeId.equals(request.node()) && session.in instanceof SocketChannel data) {
                  LocalRead handOver = new LocalRead(session.id, chunksAddress, data);
                  message.reply(handOver, LocalRead.REPLY);
                  // the reply is lost when its requester gave up meanwhile: then nobody ends the
                  // session, so it is taken back
                  vertx.setTimer(
                      config.dataTimeout().toMillis(),
                      t -> {
                        if (handOver.revoke() && sessions.remove(session.id) != null) {
                          session.abort();
                        }
                      });
                } else {
                  session.start();
                  message.reply(
                      new JsonObject().put("session", session.id).put("address", chunksAddress));
                }
              })
          .onFailure(error -> failed(message, request, error));
      return;
    }
    Future<JsonObject> answer =
        switch (request.op()) {
          case STAT ->
              blocking(
                  request,
                  ftp -> {
                    RemoteEntry entry = files.stat(ftp, remote(request.path()));
                    if (entry == null) {
                      throw Failure.NOT_FOUND.exception("no file or folder " + request.path());
                    }
                    return entry.toJson();
                  });
          case LIST ->
              blocking(
                  request,
                  ftp -> {
                    List<RemoteEntry> entries = files.list(ftp, remote(request.path()));
                    if (entries == null) {
                      throw Failure.NOT_FOUND.exception("no folder " + request.path());
                    }
                    return new JsonObject()
                        .put(
                            "entries",
                            new JsonArray(entries.stream().map(RemoteEntry::toJson).toList()));
                  });
          case DELETE ->
              blocking(
                  request,
                  ftp -> {
                    files.delete(ftp, remote(request.path()));
                    return new JsonObject();
                  });
          case MKCOL ->
              blocking(
                  request,
                  ftp -> {
                    files.makeFolder(ftp, remote(request.path()));
                    return new JsonObject();
                  });
          case MOVE ->
              blocking(
                  request,
                  ftp ->
                      new JsonObject()
                          .put(
                              "replaced",
                              files.move(
                                  ftp,
                                  remote(request.path()),
                                  remote(request.target()),
                                  request.overwrite())));
          case COPY ->
              config.connections() < 2
                  ? Future.failedFuture(
                      Failure.CONFLICT.exception(
                          "COPY streams from one FTP connection into another: it "
                              + "needs relay.connections >= 2, this relay has "
                              + config.connections()))
                  : blocking(
                      request,
                      ftp ->
                          new JsonObject()
                              .put(
                                  "replaced",
                                  files.copy(
                                      relay.poolFor(request.ftpUser()),
                                      ftp,
                                      remote(request.path()),
                                      remote(request.target()),
                                      request.overwrite())));
          case READ -> throw new IllegalStateException("READ is answered above");
        };
    answer.onSuccess(message::reply).onFailure(error -> failed(message, request, error));
  }

  private static void failed(Message<JsonObject> message, FileRequest request, Throwable error) {
    Failure failure = classify(error);
    if (failure == Failure.INTERNAL) {
      log.warn("{} {} failed", request.op(), request.path(), error);
    }
    message.fail(failure.busCode(), error.getMessage());
  }

  private Future<JsonObject> blocking(FileRequest request, FtpFileWork work) {
    return ftpThreads.executeBlocking(
        () -> relay.poolFor(request.ftpUser()).withConnection(work::run), false);
  }

  /**
   * REST + RETR on a connection kept for the session. The HTTP side on this node gets the data
   * connection itself; one on another node pulls chunks read ahead here.
   */
  private Future<ReadSession> openRead(FileRequest request) {
    String path = remote(request.path());
    Callable<ReadSession> open =
        () -> {
          FtpConnectionPool.Lease lease = relay.poolFor(request.ftpUser()).lease();
          try {
            FTPClient ftp = lease.ftp();
            ftp.setRestartOffset(request.offset());
            ReadableByteChannel in = FtpRetrieve.open(ftp, path);
            if (in == null) {
              FtpReplyException refused = FtpFiles.refused(ftp, "RETR " + path);
              lease.close();
              throw refused.replyCode() == 550
                  ? Failure.NOT_FOUND.exception("no file " + request.path())
                  : refused;
            }
            return new ReadSession(
                vertx,
                ftpThreads,
                config.dataTimeout().toMillis(),
                ended -> sessions.remove(ended.id),
                UUID.randomUUID().toString(),
                lease,
                in,
                request.length());
          } catch (IOException | RuntimeException e) {
            lease.discard();
            throw e;
          }
        };
    return ftpThreads.executeBlocking(open, false);
  }

  private void pull(Message<JsonObject> message) {
    ChunkPull pull = ChunkPull.fromJson(message.body());
    ReadSession session = sessions.get(pull.session());
    if (session == null) {
      message.fail(
          Failure.CONFLICT.busCode(),
          "download " + pull.session() + " is over (ended or timed out)");
      return;
    }
    switch (pull.action()) {
      case NEXT -> session.next(message);
      case CANCEL -> {
        sessions.remove(session.id);
        session.abort();
        message.reply(Buffer.buffer());
      }
      case FINISH -> {
        sessions.remove(session.id);
        session
            .complete()
            .onSuccess(done -> message.reply(Buffer.buffer()))
            .onFailure(
                error -> {
                  log.warn(
                      "Download {}: the FTP server did not confirm the RETR", session.id, error);
                  message.fail(classify(error).busCode(), error.getMessage());
                });
      }
    }
  }

  private String remote(String path) {
    String base = relay.baseDir();
    return base.isEmpty() ? path : path.isEmpty() ? base : base + "/" + path;
  }

  static Failure classify(Throwable error) {
    if (error instanceof GatewayException e) {
      return e.failure();
    }
    if (error instanceof FtpReplyException reply && reply.replyCode() == 550) {
      return Failure.NOT_FOUND; // e.g. the file went away between the checks and the command
    }
    return FtpRelayVerticle.classify(error);
  }

  @FunctionalInterface
  private interface FtpFileWork {
    JsonObject run(FTPClient ftp) throws IOException;
  }
}
