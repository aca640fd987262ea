package ftpgw.http;

import ftpgw.config.HttpConfig;
import ftpgw.config.HttpConfig.HttpTlsConfig;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.JksOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PfxOptions;
import java.util.List;

/**
 * The server options every HTTP listener of a node shares: idle timeout and, when configured, TLS
 * (+ HTTP/2).
 */
final class ListenerOptions {
  private ListenerOptions() {}

  /**
   * A port already in use is the operator's to fix: one line naming http.port and the address, no
   * trace.
   */
  static Throwable explainBindFailure(Throwable error, HttpConfig config) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.net.BindException) {
        return new ftpgw.StartupProblem(
            "http.port "
                + config.port()
                + " on "
                + config.host()
                + " is already in use (or not bindable): "
                + cause.getMessage()
                + ". Stop what holds it or choose another http.port",
            error);
      }
    }
    return error;
  }

  static HttpServerOptions of(HttpConfig config) {
    HttpServerOptions options = new HttpServerOptions().setIdleTimeout(config.idleTimeoutSeconds());
    HttpTlsConfig tls = config.tls();
    if (tls == null) {
      return options;
    }
    options.setSsl(true);
    // forward-secret AEAD suites only, unless configured otherwise (the JDK's defaults include
    // static RSA)
    tls.cipherSuites().forEach(options::addEnabledCipherSuite);
    if (tls.keyPath() != null) {
      options.setKeyCertOptions(
          new PemKeyCertOptions()
              .setKeyPath(tls.keyPath().toString())
              .setCertPath(tls.certPath().toString()));
    } else if (tls.keystoreType().equals("JKS")) {
      options.setKeyCertOptions(
          new JksOptions()
              .setPath(tls.keystore().toString())
              .setPassword(tls.keystorePassword().reveal()));
    } else {
      options.setKeyCertOptions(
          new PfxOptions()
              .setPath(tls.keystore().toString())
              .setPassword(tls.keystorePassword().reveal()));
    }
    // ALPN comes with the JDK's TLS: HTTP/2 costs nothing more than offering it
    options.setUseAlpn(tls.http2());
    options.setAlpnVersions(
        tls.http2()
            ? List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1)
            : List.of(HttpVersion.HTTP_1_1));
    return options;
  }
}
