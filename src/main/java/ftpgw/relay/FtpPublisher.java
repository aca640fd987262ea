package ftpgw.relay;

import ftpgw.spool.LiveBody;
import ftpgw.spool.PartedBody;
import ftpgw.spool.Spool;
import ftpgw.transfer.RelayRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPReply;
import org.apache.commons.net.io.CopyStreamException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes one spooled file (or a body spooled in parts, see {@link OffsetWrites}) atomically:
 * STOR under a hidden temporary name in the target folder, SIZE to check that every byte arrived,
 * then RNFR/RNTO to the final name. Readers never see a partial file; on failure the temporary file
 * is removed. Thread-safe: one publisher serves every pooled connection to its server.
 */
final class FtpPublisher {
  private static final Logger log = LoggerFactory.getLogger(FtpPublisher.class);

  /**
   * Folders remembered as existing; past this many the memory is dropped and rebuilt as files
   * arrive.
   */
  private static final int MAX_KNOWN_FOLDERS = 10_000;

  private final String baseDir;

  /**
   * Folders a STOR has succeeded in: no MKD round trips for them (three per file for a/b/c/x.bin).
   * If one is removed behind our back, the STOR into it is refused and retried once after MKD.
   */
  private final Set<String> knownFolders = ConcurrentHashMap.newKeySet();

  private final TempFileLedger ledger;

  /**
   * @param baseDir remote folder under which all paths land ("" for the login's home)
   */
  FtpPublisher(String baseDir) {
    this(baseDir, TempFileLedger.NONE);
  }

  /**
   * @param ledger where each temporary file is recorded while it exists, for the janitor after a
   *     crash
   */
  FtpPublisher(String baseDir, TempFileLedger ledger) {
    this.baseDir = baseDir;
    this.ledger = ledger;
  }

  /**
   * Whether the server writes at offsets as {@link OffsetWrites} needs: null until probed (once, by
   * the first multi-part body).
   */
  private volatile Boolean offsetWrites;

  /**
   * A published file: where it is, relative to the login's home, and how long (the server's {@code
   * SIZE}, checked against the body).
   */
  record Published(String path, long bytes) {}

  Published publish(FTPClient ftp, RelayRequest request) throws IOException {
    return publish(ftp, request, null);
  }

  /**
   * As {@link #publish(FTPClient, RelayRequest)}; a body in several parts is written in parallel
   * over connections borrowed from {@code pool} when the server can write at offsets (probed once
   * per publisher, that is per pool), else in one STOR that streams the parts in order.
   *
   * @param pool where the parallel writes borrow connections; null: always one STOR
   */
  Published publish(FTPClient ftp, RelayRequest request, FtpConnectionPool pool)
      throws IOException {
    String finalPath = join(baseDir, request.remotePath());
    int slash = finalPath.lastIndexOf('/');
    String folder = slash < 0 ? "" : finalPath.substring(0, slash);
    // every attempt has its own temporary name: one that outlives its caller's patience (a paused
    // relay node, a
    // restarted edge) never shares a file with the attempt that follows, so it only ever deletes
    // its own
    String tempPath = join(folder, tempName(request.transferId()));

    TempFileLedger.Entry recorded = ledger.record(tempPath);
    try {
      storeInFolder(ftp, folder, tempPath, request, pool);
      // a live body ended, so it is accepted: its receiver says how long it is and may name the
      // path only now (a form's folder field may follow its file)
      LiveBody live = request.live() ? liveBody(request) : null;
      long expected = live == null ? request.bytes() : live.acceptedBytes();
      String target =
          live == null || live.publishAs() == null ? finalPath : join(baseDir, live.publishAs());
      long size = remoteSize(ftp, tempPath);
      if (size != expected) {
        throw new IOException(
            "the FTP server holds "
                + size
                + " bytes of "
                + tempPath
                + " after STOR, expected "
                + expected);
      }
      PublishFence.confirm(request);
      if (!target.equals(finalPath)) {
        int targetSlash = target.lastIndexOf('/');
        makeFolders(ftp, targetSlash < 0 ? "" : target.substring(0, targetSlash));
      }
      rename(ftp, tempPath, target);
      ledger.forget(recorded);
      return new Published(target, size);
    } catch (IOException | RuntimeException e) {
      if (deleteQuietly(ftp, tempPath)) {
        ledger.forget(recorded);
      } else {
        ledger.abandon(recorded);
      }
      throw e;
    }
  }

  private void storeInFolder(
      FTPClient ftp, String folder, String tempPath, RelayRequest request, FtpConnectionPool pool)
      throws IOException {
    boolean known = knownFolders.contains(folder);
    if (!known) {
      makeFolders(ftp, folder);
    }
    try {
      write(ftp, folder, tempPath, request, pool);
    } catch (FtpReplyException e) {
      if (!known || !FTPReply.isNegativePermanent(e.replyCode()) || !rereadable(request)) {
        throw e;
      }
      knownFolders.remove(folder);
      makeFolders(ftp, folder);
      write(ftp, folder, tempPath, request, pool);
    }
    if (!known && !folder.isEmpty()) {
      if (knownFolders.size() >= MAX_KNOWN_FOLDERS) {
        knownFolders.clear();
      }
      knownFolders.add(folder);
    }
  }

  private void write(
      FTPClient ftp, String folder, String tempPath, RelayRequest request, FtpConnectionPool pool)
      throws IOException {
    if (request.parts().size() > 1 && pool != null && writesAtOffsets(ftp, folder)) {
      OffsetWrites.write(ftp, pool, tempPath, request);
    } else {
      store(ftp, tempPath, request);
    }
  }

  /**
   * Probes the server once ({@link OffsetWrites#probe}), in the folder a file is about to land in
   * (it exists by then). A refused probe STOR is thrown like the STOR it stands for (a missing
   * folder is created and the STOR tried again); a broken connection decides nothing.
   */
  private boolean writesAtOffsets(FTPClient ftp, String folder) throws IOException {
    Boolean known = offsetWrites;
    if (known != null) {
      return known;
    }
    boolean can = OffsetWrites.probeIn(ftp, folder, ledger);
    offsetWrites = can;
    log.info(
        "The FTP server {} write at offsets: multi-part bodies go {}",
        can ? "can" : "cannot",
        can ? "in parallel (REST + STOR)" : "in one STOR each");
    return can;
  }

  private static void store(FTPClient ftp, String tempPath, RelayRequest request)
      throws IOException {
    try {
      if (ftp instanceof ChannelFtpClient channels) {
        FtpReplyException.check(
            ftp, channels.storeFile(tempPath, bodyOf(request)), "STOR " + tempPath);
        return;
      }
      try (InputStream in = openBody(request)) {
        FtpReplyException.check(ftp, ftp.storeFile(tempPath, in), "STOR " + tempPath);
      }
    } catch (CopyStreamException e) {
      throw afterBrokenTransfer(ftp, "STOR " + tempPath, e);
    }
  }

  /**
   * The spooled body, or a live one as far as it is written (blocking for the rest), sent with
   * sendfile(2); a small body held in memory is written as it is.
   */
  private static ChannelFtpClient.Body bodyOf(RelayRequest request) throws IOException {
    if (request.body() != null) {
      return (out, sent) -> {
        ByteBuffer bytes = ByteBuffer.wrap(request.body().getBytes());
        while (bytes.hasRemaining()) {
          sent[0] += out.write(bytes);
        }
      };
    }
    if (!request.parts().isEmpty()) {
      return (out, sent) -> PartedBody.send(request.parts(), 0, request.bytes(), out, sent);
    }
    if (!request.live()) {
      Path file = Path.of(request.spoolFile());
      return (out, sent) -> Spool.sendBody(file, out, sent);
    }
    return liveBody(request)::sendTo;
  }

  /** The spooled body, or a live one as far as it is written (its reader blocks for the rest). */
  private static InputStream openBody(RelayRequest request) throws IOException {
    if (request.body() != null) {
      return new ByteArrayInputStream(request.body().getBytes());
    }
    if (!request.parts().isEmpty()) {
      return PartedBody.open(request.parts());
    }
    return request.live()
        ? liveBody(request).newInputStream()
        : Files.newInputStream(Path.of(request.spoolFile()));
  }

  /** Whether the body can be sent again from its first byte (a live pipe's cannot). */
  private static boolean rereadable(RelayRequest request) throws IOException {
    return !request.live() || liveBody(request).rereadable();
  }

  private static LiveBody liveBody(RelayRequest request) throws IOException {
    return LiveBody.find(Path.of(request.spoolFile()))
        .orElseThrow(
            () ->
                new IOException("upload " + request.transferId() + " is no longer being received"));
  }

  /**
   * The data connection broke (Commons Net: "IOException caught while copying"). A server that
   * refuses a file only once its data connection is open has a reply waiting (Apache FtpServer:
   * 150, then "551 Error on output file" for a missing folder, 552 for a full disk): read it, so
   * that the refusal is reported as one and the connection stays in step. A data timeout stays a
   * timeout (504, not 502), without waiting for a reply that may never come.
   */
  static IOException afterBrokenTransfer(FTPClient ftp, String command, CopyStreamException e) {
    IOException cause = e.getIOException();
    String message =
        command + " broke off after " + e.getTotalBytesTransferred() + " bytes: " + cause;
    if (cause instanceof SocketTimeoutException) {
      SocketTimeoutException timeout = new SocketTimeoutException(message);
      timeout.initCause(cause);
      return timeout;
    }
    try {
      int code = ftp.getReply();
      if (FTPReply.isNegativeTransient(code) || FTPReply.isNegativePermanent(code)) {
        return new FtpReplyException(command, code, ftp.getReplyString().trim());
      }
    } catch (IOException ignored) {
      // the control connection is gone too: the data connection's failure is the story
    }
    return new IOException(message, cause);
  }

  private static long remoteSize(FTPClient ftp, String path) throws IOException {
    int code = ftp.sendCommand("SIZE", path);
    if (code == FTPReply.FILE_UNAVAILABLE || code == FTPReply.FILE_ACTION_NOT_TAKEN) {
      // our own file, stored a moment ago, is gone (removed behind our back): no verdict on the
      // upload, try again
      throw new IOException(
          "the FTP server lost "
              + path
              + " right after STOR (SIZE: "
              + ftp.getReplyString().trim()
              + "); trying again");
    }
    if (code != FTPReply.FILE_STATUS) {
      throw FtpReplyException.refused(ftp, "SIZE " + path);
    }
    String reply = ftp.getReplyString().trim();
    try {
      return Long.parseLong(reply.substring(reply.indexOf(' ') + 1).trim());
    } catch (NumberFormatException e) {
      throw new IOException("the FTP server answered SIZE " + path + " with \"" + reply + "\"");
    }
  }

  /**
   * RNTO over an existing file fails on some servers: then the old file is removed and the rename
   * tried again.
   */
  private static void rename(FTPClient ftp, String from, String to) throws IOException {
    if (ftp.rename(from, to)) {
      return;
    }
    FtpReplyException refused = FtpReplyException.refused(ftp, "RNFR " + from + " / RNTO " + to);
    if (ftp.deleteFile(to) && ftp.rename(from, to)) {
      return;
    }
    throw refused;
  }

  /**
   * MKD each missing level; "already exists" answers are expected, so only the STOR that follows
   * can tell.
   */
  private static void makeFolders(FTPClient ftp, String folder) throws IOException {
    if (folder.isEmpty()) {
      return;
    }
    int from = 0;
    while (from >= 0) {
      int next = folder.indexOf('/', from);
      String prefix = next < 0 ? folder : folder.substring(0, next);
      ftp.makeDirectory(prefix);
      from = next < 0 ? -1 : next + 1;
    }
  }

  /**
   * Whether the file is gone: deleted, or not there (a DELE refusal, 550 from vsftpd, 450 from
   * Apache FtpServer, then checked with SIZE); false when it may still be there or the connection
   * failed.
   */
  static boolean deleteQuietly(FTPClient ftp, String path) {
    try {
      if (ftp.deleteFile(path) || FTPReply.isNegativePermanent(ftp.getReplyCode())) {
        return true;
      }
      return ftp.sendCommand("SIZE", path) == FTPReply.FILE_UNAVAILABLE;
    } catch (IOException ignored) {
      // the connection failed; the ledger keeps the name for the janitor (and it is hidden:
      // .ftpgw-*.part)
      return false;
    }
  }

  /** {@code .ftpgw-<id>.<random>.part}: hidden, recognisable, and this attempt's alone. */
  static String tempName(String transferId) {
    return ".ftpgw-"
        + transferId
        + "."
        + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt())
        + ".part";
  }

  private static String join(String folder, String path) {
    return folder.isEmpty() ? path : folder + "/" + path;
  }
}
