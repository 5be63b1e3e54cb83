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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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

    @Test
    void aServerThatRequiresAClientCertificateRefusesUsAndTheFailureSaysTls() throws Exception {
        // TLS 1.3: our side of the handshake completes, then the server's alert closes the connection. The alert's
        // reason must reach the caller, not a bare "closed during the handshake".
        X509Bundle cert = certificate(true);
        SslContext ctx = SslContextBuilder.forServer(cert.getKeyPair().getPrivate(), cert.getCertificatePath())
                .trustManager(CA.getCertificate()).clientAuth(io.netty.handler.ssl.ClientAuth.REQUIRE)
                .sslProvider(SslProvider.JDK).build();
        server = MockServer.startTls(ctx);
        assertThatThrownBy(() -> client(TlsOptions.trusting(CA.getCertificate())).connect().get(5, SECONDS))
                .cause().isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("TLS failure with 127.0.0.1:" + server.port()).hasMessageContaining("certificate");
        assertThat(server.frames()).isEmpty();
    }
}
