package io.wsproxy.conformance;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A fresh self-signed EC key for 127.0.0.1, made by the JDK's own keytool (no test dependency can
 * do it on every JDK), and the TLS contexts of a server holding it and of a client trusting it.
 */
public final class SelfSignedTls {

  /** The store's and the key's password. */
  public static final char[] PASSWORD = "changeit".toCharArray();

  private final KeyStore keys;

  private SelfSignedTls(KeyStore keys) {
    this.keys = keys;
  }

  /** Makes the key in a PKCS#12 store at {@code file} (a temporary directory's). */
  public static SelfSignedTls create(Path file) throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool")
        .toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname",
        "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", "changeit",
        "-keypass", "changeit").redirectErrorStream(true).start();
    byte[] output;
    try (InputStream out = p.getInputStream()) {
      output = out.readAllBytes();
    }
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + new String(output));
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      ks.load(in, PASSWORD);
    }
    return new SelfSignedTls(ks);
  }

  /** The store holding the key and its certificate. */
  public KeyStore keyStore() {
    return keys;
  }

  /** A server context presenting the key. */
  public SSLContext serverContext() throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, PASSWORD);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    return tls;
  }

  /** Trust managers that trust the certificate (and nothing else). */
  public TrustManagerFactory trust() throws Exception {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(keys);
    return tmf;
  }

  /** A client context trusting the certificate. */
  public SSLContext clientContext() throws Exception {
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, trust().getTrustManagers(), null);
    return tls;
  }
}
