package ftpgw.relay;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import org.apache.commons.net.ftp.FTPClient;

/**
 * Opens a RETR as a channel, so that a download reads the data connection straight into direct
 * memory (no copy through a Java array) when the connection is plain FTP. Over FTPS the bytes come
 * through the TLS socket's stream.
 */
public final class FtpRetrieve {
  private FtpRetrieve() {}

  /**
   * RETR {@code remote} from {@code ftp}'s restart offset: close the channel, then call {@code
   * completePendingCommand()}. Null when the server refused (its reply is on {@code ftp}).
   */
  public static ReadableByteChannel open(FTPClient ftp, String remote) throws IOException {
    if (ftp instanceof ChannelFtpClient channels) {
      return channels.retrieveChannel(remote);
    }
    InputStream in = ftp.retrieveFileStream(remote);
    return in == null ? null : Channels.newChannel(in);
  }
}
