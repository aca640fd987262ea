package ftpgw.ftpserver;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import org.apache.ftpserver.filesystem.nativefs.NativeFileSystemFactory;
import org.apache.ftpserver.filesystem.nativefs.impl.NativeFileSystemView;
import org.apache.ftpserver.filesystem.nativefs.impl.NativeFtpFile;
import org.apache.ftpserver.ftplet.FileSystemView;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.FtpFile;
import org.apache.ftpserver.ftplet.User;

/**
 * Apache FtpServer's native file system, except that a STOR truncates its file as vsftpd does, and
 * writes it in 64 KiB pieces: a plain STOR (offset 0) empties a longer file, a {@code REST k} +
 * STOR (k > 0) writes from byte k without cutting anything, so that several connections can write
 * their ranges of one file at once (a tus concatenation published in parallel, see {@code
 * relay/OffsetWrites}). Stock FtpServer cuts the file at k, losing the bytes another connection
 * wrote after it.
 *
 * <p>{@code NativeFtpFile.createOutputStream} calls {@code RandomAccessFile.setLength(offset)} on
 * every STOR, also on the empty file it has just created. On ext4 a truncation to 0 bytes marks the
 * file for "auto_da_alloc": closing it then starts the writeback of every page written (block
 * allocation and I/O submission, on the FTP thread, before the 226 reply): 1.1–1.3 s per GiB on the
 * development VM, a third of a 1 GiB upload. A non-empty file is still truncated by a plain STOR,
 * so replacing a file keeps ext4's flush on close, which is meant for exactly that. A STOR at k
 * past the end leaves a hole up to k, as vsftpd's seek does. The bytes go through a {@link
 * ChannelOutputStream}, which FtpServer writes to directly.
 */
public final class NoTruncateFileSystem extends NativeFileSystemFactory {
  public NoTruncateFileSystem() {
    setCreateHome(true);
  }

  @Override
  public FileSystemView createFileSystemView(User user) throws FtpException {
    super.createFileSystemView(user); // creates the home folder when missing, and checks it
    return new View(user, isCaseInsensitive());
  }

  private static final class View extends NativeFileSystemView {
    private final User user;

    View(User user, boolean caseInsensitive) throws FtpException {
      super(user, caseInsensitive);
      this.user = user;
    }

    /**
     * FtpServer's file for {@code file} (its path checks and all), as one that truncates only when
     * needed.
     */
    @Override
    public FtpFile getFile(String file) {
      FtpFile stock = super.getFile(file);
      return new NoTruncateFile(stock.getAbsolutePath(), (File) stock.getPhysicalFile(), user);
    }
  }

  private static final class NoTruncateFile extends NativeFtpFile {
    NoTruncateFile(String fileName, File file, User user) {
      super(fileName, file, user);
    }

    @Override
    public OutputStream createOutputStream(long offset) throws IOException {
      if (!isWritable()) {
        throw new IOException("No write permission : " + getName());
      }
      RandomAccessFile file = new RandomAccessFile((File) getPhysicalFile(), "rw");
      try {
        if (offset == 0 && file.length() > 0) {
          file.setLength(0);
        }
        file.seek(offset);
      } catch (IOException | RuntimeException e) {
        file.close();
        throw e;
      }
      return new ChannelOutputStream(file);
    }
  }
}
