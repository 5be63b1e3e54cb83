package dev.tether.client;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.testing.MockServer;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS against a {@link MockServer} with self-signed certificates made on the fly. */
class TlsTest {
    private MockServer server;
    private TetherClient client;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static final X509Bundle CA;

    static {
        try {
            CA = new CertificateBuilder().subject("CN=Tether Test CA").setIsCertificateAuthority(true)
                    .notBefore(Instant.now().minus(Duration.ofDays(1))).notAfter(Instant.now().plus(Duration.ofDays(1)))
                    .ecp256().buildSelfSigned();
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A server certificate issued by {@link #CA}, naming 127.0.0.1 or only another host. */
    private static X509Bundle certificate(boolean forLoopbackIp) throws Exception {
        CertificateBuilder b = new CertificateBuilder()
                .subject("CN=tether-test")
                .notBefore(Instant.now().minus(Duration.ofDays(1)))
                .notAfter(Instant.now().plus(Duration.ofDays(1)))
                .ecp256()
                .addExtendedKeyUsageServerAuth();
        b = forLoopbackIp ? b.addSanIpAddress("127.0.0.1") : b.addSanDnsName("other.example");
        return b.buildIssuedBy(CA);
    }

    private void startServer(X509Bundle cert) throws Exception {
        SslContext ctx = SslContextBuilder.forServer(cert.getKeyPair().getPrivate(), cert.getCertificatePath())
                .sslProvider(SslProvider.JDK).build();
        server = MockServer.startTls(ctx);
    }

    private TetherClient client(TlsOptions tls) {
        client = TetherClient.builder().config(ClientConfig.builder().endpoint("127.0.0.1", server.port()).tls(tls)
                .connectTimeout(Duration.ofSeconds(5)).build()).build();
        return client;
    }

    @Test
    void connectsOverTlsWhenTheCertificateIsTrustedAndNamesTheHost(@TempDir Path dir) throws Exception {
        X509Bundle cert = certificate(true);
        startServer(cert);
        Path pem = dir.resolve("ca.pem");
        Files.writeString(pem, CA.getCertificatePEM());
        client(TlsOptions.trusting(pem)).connect().get(5, SECONDS);
        assertThat(client.request(new byte[] {1, 2}).get(5, SECONDS)).containsExactly(1, 2);
    }

    @Test
    void hostnameVerificationIsOnByDefault() throws Exception {
        X509Bundle cert = certificate(false); // names other.example, not 127.0.0.1
        startServer(cert);
        assertThat(TlsOptions.trusting(CA.getCertificate()).hostnameVerification()).isTrue();
        assertThatThrownBy(() -> client(TlsOptions.trusting(CA.getCertificate())).connect().get(5, SECONDS))
                .cause().isInstanceOf(ConnectFailedException.class).hasMessageContaining("TLS");
        assertThat(server.frames()).isEmpty(); // the hello never went out in clear or otherwise
    }

    @Test
    void hostnameVerificationCanBeTurnedOff() throws Exception {
        X509Bundle cert = certificate(false);
        startServer(cert);
        client(TlsOptions.trusting(CA.getCertificate()).withoutHostnameVerification()).connect().get(5, SECONDS);
    }

    @Test
    void anUntrustedCertificateIsRefused() throws Exception {
        startServer(certificate(true));
        assertThatThrownBy(() -> client(TlsOptions.system()).connect().get(5, SECONDS))
                .cause().isInstanceOf(ConnectFailedException.class).hasMessageContaining("TLS");
    }

    @Test
    void trustAllConnectsToAnything() throws Exception {
        startServer(certificate(false));
        client(TlsOptions.trustAll()).connect().get(5, SECONDS);
    }

    /** A mock server that requires a client certificate issued by {@link #CA}. */
    private void startServerRequiringClientCertificates() throws Exception {
        X509Bundle cert = certificate(true);
        SslContext ctx = SslContextBuilder.forServer(cert.getKeyPair().getPrivate(), cert.getCertificatePath())
                .trustManager(CA.getCertificate()).clientAuth(io.netty.handler.ssl.ClientAuth.REQUIRE)
                .sslProvider(SslProvider.JDK).build();
        server = MockServer.startTls(ctx);
    }

    /** A client certificate issued by {@code issuer}, written as PEM chain and PKCS#8 key files into {@code dir}. */
    private static Path[] clientCertificate(X509Bundle issuer, Path dir) throws Exception {
        X509Bundle client = new CertificateBuilder().subject("CN=tether-client")
                .notBefore(Instant.now().minus(Duration.ofDays(1))).notAfter(Instant.now().plus(Duration.ofDays(1)))
                .ecp256().addExtendedKeyUsageClientAuth().buildIssuedBy(issuer);
        Files.createDirectories(dir);
        return new Path[] {Files.writeString(dir.resolve("client-chain.pem"), client.getCertificatePathPEM()),
                Files.writeString(dir.resolve("client-key.pem"), client.getPrivateKeyPEM())};
    }

    /** Retries the first connect every millisecond: a failure taken for final shows as a client that stops. */
    private TetherClient retryingClient(TlsOptions tls, List<StateChange> states) {
        client = TetherClient.builder().onStateChange(states::add).config(ClientConfig.builder()
                .endpoint("127.0.0.1", server.port()).tls(tls).connectTimeout(Duration.ofSeconds(5))
                .retryFirstConnect(true).backoff(Backoff.constant(Duration.ofMillis(1))).build()).build();
        return client;
    }

    @Test
    void aClientCertificateFromTheTrustedCaGetsIn(@TempDir Path dir) throws Exception {
        startServerRequiringClientCertificates();
        Path[] files = clientCertificate(CA, dir);
        TlsOptions tls = TlsOptions.trusting(CA.getCertificate()).withClientCertificate(files[0], files[1]);
        assertThat(tls.clientCertificateChain()).hasSize(1);
        assertThat(tls.toString()).contains(files[0].toString()).doesNotContain("PRIVATE");
        client(tls).connect().get(5, SECONDS);
        assertThat(client.request(new byte[] {7}).get(5, SECONDS)).containsExactly(7);
    }

    @Test
    void withoutAClientCertificateTheRefusalIsFinalLikeARefusedToken() throws Exception {
        // TLS 1.3: our side of the handshake completes, then the server's alert closes the connection. The alert's
        // reason must reach the caller, and it is certain: no retry can succeed without a certificate.
        startServerRequiringClientCertificates();
        List<StateChange> states = new CopyOnWriteArrayList<>();
        TetherClient c = retryingClient(TlsOptions.trusting(CA.getCertificate()), states);
        assertThatThrownBy(() -> c.connect().get(5, SECONDS))
                .cause().isInstanceOf(AuthenticationException.class)
                .hasMessageStartingWith("TLS: server 127.0.0.1:" + server.port() + " refused a client without a certificate")
                .hasMessageContaining("TlsOptions.withClientCertificate")
                .satisfies(e -> assertThat(((ClientException) e).reason()).isEqualTo(ClientException.Reason.AUTH_FAILED));
        // Closed is final: the client can make no further attempt.
        assertThat(c.state()).isEqualTo(ConnectionState.CLOSED);
        assertThat(server.acceptedCount()).isEqualTo(1);
        assertThat(states).filteredOn(s -> s.cause() instanceof AuthenticationException).hasSize(1);
        assertThat(server.frames()).isEmpty();
    }

    @Test
    void aClientCertificateFromAnotherCaIsRefusedAndNotRetried(@TempDir Path dir) throws Exception {
        startServerRequiringClientCertificates();
        X509Bundle otherCa = new CertificateBuilder().subject("CN=Other CA").setIsCertificateAuthority(true)
                .notBefore(Instant.now().minus(Duration.ofDays(1))).notAfter(Instant.now().plus(Duration.ofDays(1)))
                .ecp256().buildSelfSigned();
        Path[] files = clientCertificate(otherCa, dir);
        List<StateChange> states = new CopyOnWriteArrayList<>();
        TetherClient c = retryingClient(TlsOptions.trusting(CA.getCertificate()).withClientCertificate(files[0], files[1]), states);
        assertThatThrownBy(() -> c.connect().get(5, SECONDS))
                .cause().isInstanceOf(AuthenticationException.class)
                .hasMessageStartingWith("TLS: server 127.0.0.1:" + server.port() + " refused the client certificate CN=tether-client, alert ");
        assertThat(c.state()).isEqualTo(ConnectionState.CLOSED);
        assertThat(server.acceptedCount()).isEqualTo(1);
    }

    @Test
    void aServerCertificateWeDoNotTrustIsRetriedWithBackoffNotFinal() throws Exception {
        // Our own refusal says nothing certain about the server (a certificate being rotated, a wrong CA file read
        // later): the client keeps trying, as for any failed connect.
        startServer(certificate(true));
        List<StateChange> states = new CopyOnWriteArrayList<>();
        TetherClient c = retryingClient(TlsOptions.system(), states);
        c.connect();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (server.acceptedCount() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(5); // a poll with a deadline, not a wait that hopes for timing
        }
        assertThat(server.acceptedCount()).isGreaterThanOrEqualTo(3);
        assertThat(c.state()).isNotEqualTo(ConnectionState.CLOSED);
        assertThat(states).noneMatch(s -> s.cause() instanceof AuthenticationException);
    }

    @Test
    void badClientCertificateFilesAreRefusedWhenTheOptionsAreMadeNamingTheFile(@TempDir Path dir) throws Exception {
        Path[] files = clientCertificate(CA, dir.resolve("a"));
        Path[] others = clientCertificate(CA, dir.resolve("b"));
        Path missing = dir.resolve("missing.pem");
        TlsOptions base = TlsOptions.system();
        assertThatThrownBy(() -> base.withClientCertificate(missing, files[1])).isInstanceOf(UncheckedIOException.class)
                .hasMessage("cannot read the client certificate chain file " + missing + ": no such file");
        assertThatThrownBy(() -> base.withClientCertificate(files[0], missing)).isInstanceOf(UncheckedIOException.class)
                .hasMessage("cannot read the private key file " + missing + ": no such file");
        assertThatThrownBy(() -> base.withClientCertificate(files[1], files[0])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the client certificate chain file " + files[1] + " holds no PEM certificate")
                .hasMessageContaining("swapped?");
        assertThatThrownBy(() -> base.withClientCertificate(files[0], others[1])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the private key in " + others[1] + " does not belong to the certificate CN=tether-client")
                .hasMessageContaining("must be the client's own");
        Path pkcs1 = Files.writeString(dir.resolve("rsa.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> base.withClientCertificate(files[0], pkcs1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("private key file " + pkcs1 + " holds no unencrypted PKCS#8 PEM key")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt -in " + pkcs1);
        assertThatThrownBy(() -> TlsOptions.trusting(missing)).isInstanceOf(UncheckedIOException.class)
                .hasMessage("cannot read the CA file " + missing + ": no such file");
        assertThatThrownBy(() -> TlsOptions.trusting(files[1])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the CA file " + files[1] + " holds no PEM certificate");
        assertThat(base.clientCertificateChain()).isEmpty();
        assertThat(base.clientPrivateKey()).isNull();
        assertThat(base.withClientCertificate(files[0], files[1]).withoutHostnameVerification().clientPrivateKey()).isNotNull();
    }
}
