package dev.tether.testing;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A throwaway public-key infrastructure for TLS tests, made fresh by each call (EC P-256, valid from a day ago to
 * a day ahead): a CA, a server certificate it issued for {@code 127.0.0.1} and {@code localhost}, and a client
 * certificate it issued, each written as PEM files (chain and unencrypted PKCS#8 key) into a directory the test
 * owns. Nothing is checked in: no private key that looks real ever sits in the repository.
 *
 * <pre>{@code
 * TestCertificates pki = TestCertificates.create(tempDir);
 * ServerTls.fromPem(pki.serverChainFile(), pki.serverKeyFile());
 * TlsOptions.trusting(pki.caFile());
 * }</pre>
 */
public final class TestCertificates {
    private final X509Bundle ca;
    private final X509Bundle server;
    private final X509Bundle client;
    private final Path dir;

    private TestCertificates(Path dir, X509Bundle ca, X509Bundle server, X509Bundle client) {
        this.dir = dir;
        this.ca = ca;
        this.server = server;
        this.client = client;
    }

    /** A new CA with a server and a client certificate, written into {@code dir} (with {@code name} in the CA's subject). */
    public static TestCertificates create(Path dir, String name) {
        try {
            X509Bundle ca = base("CN=" + name + " Test CA").setIsCertificateAuthority(true).buildSelfSigned();
            X509Bundle server = base("CN=tether-test-server").addSanIpAddress("127.0.0.1").addSanDnsName("localhost")
                    .addExtendedKeyUsageServerAuth().buildIssuedBy(ca);
            X509Bundle client = base("CN=tether-test-client").addExtendedKeyUsageClientAuth().buildIssuedBy(ca);
            TestCertificates pki = new TestCertificates(dir, ca, server, client);
            Files.createDirectories(dir);
            Files.writeString(pki.caFile(), ca.getCertificatePEM());
            Files.writeString(pki.serverChainFile(), server.getCertificatePathPEM());
            Files.writeString(pki.serverKeyFile(), server.getPrivateKeyPEM());
            Files.writeString(pki.clientChainFile(), client.getCertificatePathPEM());
            Files.writeString(pki.clientKeyFile(), client.getPrivateKeyPEM());
            return pki;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot make test certificates", e);
        }
    }

    /** {@link #create(Path, String)} with the name "Tether". */
    public static TestCertificates create(Path dir) {
        return create(dir, "Tether");
    }

    private static CertificateBuilder base(String subject) {
        Instant now = Instant.now();
        return new CertificateBuilder().subject(subject).ecp256()
                .notBefore(now.minus(Duration.ofDays(1))).notAfter(now.plus(Duration.ofDays(1)));
    }

    /** The CA certificate (PEM): what clients of the server, and a server checking client certificates, trust. */
    public Path caFile() {
        return dir.resolve("ca.pem");
    }

    /** The server's certificate chain (PEM), its own certificate first. */
    public Path serverChainFile() {
        return dir.resolve("server-chain.pem");
    }

    /** The server's private key (PEM, PKCS#8). */
    public Path serverKeyFile() {
        return dir.resolve("server-key.pem");
    }

    /** The client's certificate chain (PEM). */
    public Path clientChainFile() {
        return dir.resolve("client-chain.pem");
    }

    /** The client's private key (PEM, PKCS#8). */
    public Path clientKeyFile() {
        return dir.resolve("client-key.pem");
    }

    public X509Bundle ca() {
        return ca;
    }

    public X509Bundle server() {
        return server;
    }

    public X509Bundle client() {
        return client;
    }
}
