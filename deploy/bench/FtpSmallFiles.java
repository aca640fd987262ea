import ftpgw.relay.NoDelaySocketFactory;
import ftpgw.relay.SessionReusingFtpsClient;
import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPSClient;

/**
 * Small files over one reused, logged-in FTP connection: an FTP server's per-transfer overhead,
 * measured with the client the gateway's relay uses (TCP_NODELAY sockets; for FTPS, data
 * connections that resume the control session).
 *
 * <pre>
 *   java -cp target/gateway-fat.jar deploy/bench/FtpSmallFiles.java HOST PORT USER PASSWORD COUNT BYTES [TRUST.p12 PASS]
 * </pre>
 *
 * {@code -Dwarmup=N} files (default 50) are uploaded first, unmeasured; {@code -Drounds=N} (default
 * 1) measured rounds of COUNT files follow on the same connection, each printing its own "files/s
 * N". With a PKCS#12 trust store it uses explicit FTPS (AUTH TLS, PROT P, TLS 1.2); {@code
 * -DnoResume=true} uses a stock FTPSClient instead (a new TLS session per data connection). {@code
 * -Dhistogram=true} adds per-file latency percentiles on stderr.
 */
public class FtpSmallFiles {
  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    int count = Integer.parseInt(args[4]);
    byte[] content = new byte[Integer.parseInt(args[5])];
    new Random(42).nextBytes(content);
    FTPClient ftp = args.length > 7 ? ftps(trusting(args[6], args[7])) : new FTPClient();
    ftp.setSocketFactory(NoDelaySocketFactory.INSTANCE);
    ftp.setDefaultTimeout(15_000);
    ftp.connect(host, port);
    if (ftp instanceof FTPSClient ftps) {
      ftps.execPBSZ(0);
      ftps.execPROT("P");
    }
    if (!ftp.login(args[2], args[3])) {
      throw new IOException("login refused: " + ftp.getReplyString());
    }
    ftp.setFileType(FTP.BINARY_FILE_TYPE);
    ftp.enterLocalPassiveMode();
    String folder = "small-" + ProcessHandle.current().pid();
    ftp.makeDirectory(folder);
    for (int i = 0; i < Integer.getInteger("warmup", 50); i++) { // warm-up: both JITs
      store(ftp, folder + "/warm-" + i, content);
    }
    for (int round = 0; round < Integer.getInteger("rounds", 1); round++) {
      long[] micros = new long[count];
      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        long t0 = System.nanoTime();
        store(ftp, folder + "/f-" + round + "-" + i, content);
        micros[i] = (System.nanoTime() - t0) / 1_000;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("files/s %.0f%n", count / seconds);
      if (Boolean.getBoolean("histogram")) {
        Arrays.sort(micros);
        System.err.printf(
            "per file, microseconds: p10 %d, p50 %d, p90 %d, p99 %d, max %d%n",
            micros[count / 10],
            micros[count / 2],
            micros[count * 9 / 10],
            micros[count * 99 / 100],
            micros[count - 1]);
      }
    }
    ftp.logout();
    ftp.disconnect();
  }

  private static void store(FTPClient ftp, String name, byte[] content) throws IOException {
    if (!ftp.storeFile(name, new ByteArrayInputStream(content))) {
      throw new IOException("STOR " + name + ": " + ftp.getReplyString());
    }
  }

  private static FTPSClient ftps(SSLContext context) {
    return Boolean.getBoolean("noResume")
        ? new FTPSClient(false, context)
        : new SessionReusingFtpsClient(context, true, List.of("TLSv1.2"));
  }

  /** TLS 1.2 trusting the certificates of the given PKCS#12 store. */
  private static SSLContext trusting(String trustStore, String password) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(trustStore)) {
      trust.load(in, password.toCharArray());
    }
    TrustManagerFactory trustManagers =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trust);
    SSLContext context = SSLContext.getInstance("TLSv1.2");
    context.init(null, trustManagers.getTrustManagers(), null);
    return context;
  }
}
