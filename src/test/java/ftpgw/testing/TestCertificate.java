package ftpgw.testing;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed test certificate made with openssl at test time: PEM key and certificate, the same
 * as PKCS#12 with a random password, for {@code CN=<name>} with {@code subjectAltName} as given
 * (e.g. {@code IP:127.0.0.1}).
 */
public record TestCertificate(Path key, Path cert, Path pkcs12, String pkcs12Password) {

  public static TestCertificate create(Path dir, String name, String subjectAltName)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path key = dir.resolve(name + ".key.pem");
    Path cert = dir.resolve(name + ".cert.pem");
    Path p12 = dir.resolve(name + ".p12");
    byte[] random = new byte[12];
    new SecureRandom().nextBytes(random);
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    run(
        dir,
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=" + name,
        "-addext",
        "subjectAltName=" + subjectAltName,
        "-keyout",
        key.toString(),
        "-out",
        cert.toString());
    Path passFile = dir.resolve(name + ".pass");
    Files.writeString(passFile, password + "\n", StandardCharsets.UTF_8);
    run(
        dir,
        "openssl",
        "pkcs12",
        "-export",
        "-in",
        cert.toString(),
        "-inkey",
        key.toString(),
        "-name",
        "gateway",
        "-out",
        p12.toString(),
        "-passout",
        "file:" + passFile);
    Files.delete(passFile);
    return new TestCertificate(key, cert, p12, password);
  }

  /** A client TLS context that trusts this certificate only. */
  /** The gateway's {@code tls} settings for this key and certificate, as PEM files. */
  public JsonObject pemSettings() {
    return new JsonObject().put("keyPath", key.toString()).put("certPath", cert.toString());
  }

  public SSLContext trustingContext() throws Exception {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    try (var in = Files.newInputStream(cert)) {
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trusted.setCertificateEntry("test", c);
      }
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  private static void run(Path dir, String... command) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
  }
}
