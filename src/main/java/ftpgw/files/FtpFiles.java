package ftpgw.files;

import ftpgw.relay.FtpConnectionPool;
import ftpgw.relay.FtpReplyException;
import ftpgw.transfer.Failure;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPFile;
import org.apache.commons.net.ftp.FTPReply;

/**
 * The blocking FTP side of reads and changes, on pooled connections: MLST/MLSD where the server has
 * them (Apache FtpServer), SIZE, MDTM and LIST where it does not (vsftpd). Paths are relative to
 * the login's home; call from worker threads.
 */
final class FtpFiles {
  /** Whether the server lacks MLST/MLSD (asked once with FEAT): then SIZE, MDTM and LIST it is. */
  private volatile Boolean noMlst;

  /**
   * The entry at {@code path}, or null when there is none. The target folder itself ("") is always
   * a folder.
   */
  RemoteEntry stat(FTPClient ftp, String path) throws IOException {
    if (path.isEmpty()) {
      return new RemoteEntry("", true, 0, null);
    }
    if (hasMlst(ftp)) {
      FTPFile file = ftp.mlistFile(path);
      return file == null ? null : entry(name(path), file);
    }
    if (ftp.sendCommand("SIZE", path) == FTPReply.FILE_STATUS) {
      String reply = ftp.getReplyString().trim();
      long size = Long.parseLong(reply.substring(reply.indexOf(' ') + 1).trim());
      return new RemoteEntry(name(path), false, size, ftp.mdtmInstant(path));
    }
    // a folder (SIZE refuses those) or nothing: its parent's listing tells
    List<RemoteEntry> siblings = list(ftp, parent(path));
    if (siblings == null) {
      return null;
    }
    return siblings.stream().filter(e -> e.name().equals(name(path))).findFirst().orElse(null);
  }

  /** The folder's entries, or null when {@code path} is not a folder. */
  List<RemoteEntry> list(FTPClient ftp, String path) throws IOException {
    if (hasMlst(ftp)) {
      RemoteEntry self = stat(ftp, path);
      if (self == null || !self.folder()) {
        return null;
      }
      FTPFile[] files = path.isEmpty() ? ftp.mlistDir() : ftp.mlistDir(path);
      return FTPReply.isPositiveCompletion(ftp.getReplyCode()) ? entries(files) : null;
    }
    // LIST of a file lists the file: make sure it is a folder first
    if (!path.isEmpty() && ftp.sendCommand("SIZE", path) == FTPReply.FILE_STATUS) {
      return null;
    }
    FTPFile[] files = path.isEmpty() ? ftp.listFiles() : ftp.listFiles(path);
    if (!FTPReply.isPositiveCompletion(ftp.getReplyCode())) {
      return null;
    }
    // vsftpd answers LIST of a missing folder with an empty listing: tell that from an empty folder
    // by its parent
    if (files.length == 0 && !path.isEmpty()) {
      RemoteEntry self = stat(ftp, path);
      if (self == null || !self.folder()) {
        return null;
      }
    }
    return entries(files);
  }

  void delete(FTPClient ftp, String path) throws IOException {
    RemoteEntry entry = existing(ftp, path);
    if (!entry.folder()) {
      check(ftp, ftp.deleteFile(path), "DELE " + path);
      return;
    }
    if (path.isEmpty()) {
      throw Failure.FORBIDDEN.exception("the top folder cannot be deleted");
    }
    List<RemoteEntry> inside = list(ftp, path);
    if (inside != null && !inside.isEmpty()) {
      throw Failure.CONFLICT.exception(
          "folder "
              + path
              + " is not empty ("
              + inside.size()
              + " entries): delete what is in it first");
    }
    check(ftp, ftp.removeDirectory(path), "RMD " + path);
  }

  void makeFolder(FTPClient ftp, String path) throws IOException {
    if (path.isEmpty() || stat(ftp, path) != null) {
      throw Failure.METHOD_NOT_ALLOWED.exception(path + " exists already");
    }
    parentFolder(ftp, path);
    check(ftp, ftp.makeDirectory(path), "MKD " + path);
  }

  /** RNFR/RNTO; true when the destination existed (and was replaced). */
  boolean move(FTPClient ftp, String from, String to, boolean overwrite) throws IOException {
    existing(ftp, from);
    boolean replaced = clearDestination(ftp, from, to, overwrite);
    check(ftp, ftp.rename(from, to), "RNFR " + from + " / RNTO " + to);
    return replaced;
  }

  /**
   * Copies a file through the gateway: RETR on one pooled connection streamed into a STOR on a
   * second, under a hidden temporary name renamed once complete. A folder is copied as a new empty
   * folder (Depth 0).
   */
  boolean copy(FtpConnectionPool pool, FTPClient ftp, String from, String to, boolean overwrite)
      throws IOException {
    RemoteEntry source = existing(ftp, from);
    boolean replaced = clearDestination(ftp, from, to, overwrite);
    if (source.folder()) {
      check(ftp, ftp.makeDirectory(to), "MKD " + to);
      return replaced;
    }
    String temp =
        (to.contains("/") ? to.substring(0, to.lastIndexOf('/') + 1) : "")
            + ".ftpgw-copy-"
            + Long.toHexString(System.nanoTime())
            + ".part";
    try (FtpConnectionPool.Lease reader = pool.lease()) {
      boolean stored;
      try (InputStream in = reader.ftp().retrieveFileStream(from)) {
        if (in == null) {
          throw refused(reader.ftp(), "RETR " + from);
        }
        stored = ftp.storeFile(temp, in);
      } catch (IOException | RuntimeException e) {
        reader.discard();
        deleteQuietly(ftp, temp);
        throw e;
      }
      if (!reader.ftp().completePendingCommand()) {
        deleteQuietly(ftp, temp);
        throw refused(reader.ftp(), "RETR " + from);
      }
      if (!stored) {
        FtpReplyException refusal = refused(ftp, "STOR " + temp);
        deleteQuietly(ftp, temp);
        throw refusal;
      }
    }
    check(ftp, ftp.rename(temp, to), "RNFR " + temp + " / RNTO " + to);
    return replaced;
  }

  private boolean clearDestination(FTPClient ftp, String from, String to, boolean overwrite)
      throws IOException {
    if (to.isEmpty() || from.equals(to) || to.startsWith(from + "/")) {
      throw Failure.FORBIDDEN.exception(
          "cannot move or copy " + from + " onto " + to + " (itself or inside itself)");
    }
    parentFolder(ftp, to);
    RemoteEntry existing = stat(ftp, to);
    if (existing == null) {
      return false;
    }
    if (!overwrite) {
      throw Failure.PRECONDITION_FAILED.exception(to + " exists and Overwrite is F");
    }
    delete(ftp, to);
    return true;
  }

  private void parentFolder(FTPClient ftp, String path) throws IOException {
    RemoteEntry parent = stat(ftp, parent(path));
    if (parent == null || !parent.folder()) {
      throw Failure.CONFLICT.exception(
          "folder " + parent(path) + " does not exist: create it first (MKCOL)");
    }
  }

  private RemoteEntry existing(FTPClient ftp, String path) throws IOException {
    RemoteEntry entry = stat(ftp, path);
    if (entry == null) {
      throw Failure.NOT_FOUND.exception("no file or folder " + path);
    }
    return entry;
  }

  private static List<RemoteEntry> entries(FTPFile[] files) {
    List<RemoteEntry> entries = new ArrayList<>();
    Arrays.stream(files)
        .filter(
            f ->
                f != null
                    && !f.getName().equals(".")
                    && !f.getName().equals("..")
                    && !f.getName().startsWith(".ftpgw-"))
        .forEach(f -> entries.add(entry(name(f.getName()), f)));
    return entries;
  }

  private static RemoteEntry entry(String name, FTPFile file) {
    return new RemoteEntry(
        name,
        file.isDirectory(),
        file.isDirectory() ? 0 : Math.max(0, file.getSize()),
        file.getTimestampInstant());
  }

  private boolean hasMlst(FTPClient ftp) throws IOException {
    Boolean lacking = noMlst;
    if (lacking == null) {
      lacking = !ftp.hasFeature("MLST");
      noMlst = lacking;
    }
    return !lacking;
  }

  static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  private static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private static void check(FTPClient ftp, boolean ok, String command) throws FtpReplyException {
    if (!ok) {
      throw refused(ftp, command);
    }
  }

  static FtpReplyException refused(FTPClient ftp, String command) {
    String reply = ftp.getReplyString();
    return new FtpReplyException(
        command, ftp.getReplyCode(), reply == null ? "(no reply)" : reply.trim());
  }

  private static void deleteQuietly(FTPClient ftp, String path) {
    try {
      ftp.deleteFile(path);
    } catch (IOException ignored) {
      // a hidden, recognisable name (.ftpgw-*.part) is all that may stay
    }
  }
}
