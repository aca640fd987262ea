package ftpgw.relay;

import ftpgw.config.FtpTarget;
import ftpgw.transfer.Failure;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;

/**
 * What went wrong on the FTP leg, in the gateway's terms: which {@link Failure} it is (and so
 * whether waiting can help) and a message in plain words that names what to check, never a Java
 * exception's class name.
 */
public final class FtpFailures {
  private FtpFailures() {}

  /**
   * RFC 959: 4xx replies are transient (421 too many users, 425/426 data connection trouble,
   * 450/451 local trouble), 5xx permanent (530 login, 550/553 refused names); 452/552 mean the
   * server is out of room. A server certificate the relay does not trust is permanent too: no retry
   * makes it trusted.
   */
  public static Failure classify(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof ftpgw.spool.BodyNotAccepted notAccepted) {
        // the upload's failure (a client gone, a full spool disk), not the FTP server's
        Failure upload = Failure.of(notAccepted.reason());
        return upload == Failure.INTERNAL ? Failure.CLIENT_ABORTED : upload;
      }
    }
    if (error instanceof FtpReplyException reply) {
      int code = reply.replyCode();
      if (code == 452 || code == 552) {
        return Failure.FTP_NO_SPACE;
      }
      return code >= 400 && code < 500 ? Failure.FTP_BUSY : Failure.FTP_REFUSED;
    }
    if (error instanceof FtpSessionLost) {
      return Failure
          .FTP_BUSY; // the session died (vsftpd's "500 OOPS"): no verdict on the file, a new one
      // may do
    }
    if (error instanceof PublishFence.Superseded) {
      return Failure.RELAY_UNAVAILABLE; // a newer attempt of the transfer owns it now
    }
    if (error instanceof NoSuchFileException) {
      return Failure.INTERNAL;
    }
    if (untrustedCertificate(error)) {
      return Failure.FTP_UNTRUSTED;
    }
    if (timedOut(error)) {
      return Failure.FTP_TIMEOUT;
    }
    return error instanceof IOException ? Failure.FTP_UNREACHABLE : Failure.INTERNAL;
  }

  /** What happened with {@code target}, for a client, a log line or a readiness check. */
  public static String describe(FtpTarget target, Throwable error) {
    String server = "FTP server " + target.host() + ":" + target.port();
    if (error instanceof FtpReplyException || error instanceof FtpSessionLost) {
      return server + ": " + error.getMessage();
    }
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof ftpgw.spool.BodyNotAccepted) {
        return cause.getMessage();
      }
    }
    if (error instanceof NoSuchFileException) {
      return "the spooled body is gone: " + error.getMessage();
    }
    if (untrustedCertificate(error)) {
      return hostnameMismatch(error)
          ? "TLS with "
              + server
              + " failed: its certificate does not name "
              + target.host()
              + " (check relay.target.host, or relay.target.tls.verifyHostname)"
          : "TLS with "
              + server
              + " failed: its certificate is not trusted (check "
              + trustKey(target)
              + ")";
    }
    if (timedOut(error)) {
      return server + " did not answer in time (" + plain(error) + ")";
    }
    if (error instanceof SSLException) {
      return "TLS with " + server + " failed (check relay.target.tls): " + plain(error);
    }
    if (error instanceof ConnectException) {
      return server
          + " refused the connection: is it running, and are relay.target.host/port right?";
    }
    if (error instanceof UnknownHostException) {
      return "FTP server host " + target.host() + " is unknown (check relay.target.host)";
    }
    if (error instanceof NoRouteToHostException) {
      return server + " cannot be reached: no route to host";
    }
    return server + " unreachable: " + plain(error);
  }

  /**
   * The certificate chain failed validation (PKIX) or does not name the host: a configuration
   * problem.
   */
  static boolean untrustedCertificate(Throwable error) {
    for (Throwable e = error; e != null; e = e.getCause()) {
      if (e instanceof CertificateException
          || e instanceof CertPathValidatorException
          || e instanceof CertPathBuilderException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Commons Net wraps some timeouts ("Timed out waiting for initial connect reply"), so look at the
   * causes too.
   */
  static boolean timedOut(Throwable error) {
    for (Throwable e = error; e != null; e = e.getCause()) {
      if (e instanceof SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }

  /** JSSE says "No subject alternative names matching ..." or "No name matching ... found". */
  private static boolean hostnameMismatch(Throwable error) {
    for (Throwable e = error; e != null; e = e.getCause()) {
      String message = String.valueOf(e.getMessage());
      if (e instanceof CertificateException
          && (message.contains("No subject alternative") || message.contains("No name matching"))) {
        return true;
      }
    }
    return false;
  }

  /** The setting that decides which certificates are trusted. */
  private static String trustKey(FtpTarget target) {
    FtpTarget.FtpsConfig tls = target.tls();
    if (tls != null && tls.trustStore() != null) {
      return "relay.target.tls.trustStore " + tls.trustStore();
    }
    if (tls != null && tls.trustPem() != null) {
      return "relay.target.tls.trustPem " + tls.trustPem();
    }
    return "relay.target.tls.trustPem: without it only the JDK's CA certificates are trusted";
  }

  /** An exception's message without the class names Java puts in front of wrapped causes. */
  private static String plain(Throwable error) {
    String message = error.getMessage() == null ? "" : error.getMessage();
    String cleaned =
        message
            .replaceAll("(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error): ?", "")
            .trim();
    return cleaned.isEmpty() ? "the connection failed" : cleaned;
  }
}
