package ftpgw.relay;

import ftpgw.config.FtpTarget.FtpsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS settings for FTPS to the target: the trust store is read once, at start (a bad path or
 * password stops the relay with a message naming the key), and each control connection gets an
 * {@link SSLContext} of its own.
 */
final class FtpsContexts {
  private final FtpsConfig config;
  private final TrustManager[] trustManagers;

  FtpsContexts(FtpsConfig config) {
    this.config = config;
    this.trustManagers = trustManagers(config);
  }

  /** A client for one control connection, with its own TLS session cache. */
  SessionReusingFtpsClient newClient() throws IOException {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trustManagers, null);
      return new SessionReusingFtpsClient(context, config.verifyHostname(), config.protocols());
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS for FTPS: " + e.getMessage(), e);
    }
  }

  private static TrustManager[] trustManagers(FtpsConfig config) {
    try {
      KeyStore trusted = null;
      if (config.trustStore() != null) {
        trusted = KeyStore.getInstance(config.trustStoreType());
        try (InputStream in = Files.newInputStream(config.trustStore())) {
          trusted.load(in, config.trustStorePassword().reveal().toCharArray());
        }
      } else if (config.trustPem() != null) {
        trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(config.trustPem())) {
          int i = 0;
          for (Certificate cert :
              CertificateFactory.getInstance("X.509").generateCertificates(in)) {
            trusted.setCertificateEntry("ca-" + i++, cert);
          }
        }
        if (trusted.size() == 0) {
          throw new IllegalArgumentException(
              "relay.target.tls.trustPem " + config.trustPem() + " holds no PEM certificate");
        }
      }
      // null: the JDK's own CA certificates
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trusted);
      return factory.getTrustManagers();
    } catch (IOException | GeneralSecurityException e) {
      String key =
          config.trustStore() != null
              ? "relay.target.tls.trustStore " + config.trustStore()
              : "relay.target.tls.trustPem " + config.trustPem();
      // an IOException of KeyStore.load is most often a wrong password; its message never holds the
      // password
      throw new IllegalArgumentException(key + " cannot be read: " + e.getMessage(), e);
    }
  }
}
