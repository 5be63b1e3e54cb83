package dev.tether.server;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.client.AuthenticationException;
import dev.tether.client.Backoff;
import dev.tether.client.ClientConfig;
import dev.tether.client.ClientResources;
import dev.tether.client.ConnectFailedException;
import dev.tether.client.ConnectionState;
import dev.tether.client.ServerPush;
import dev.tether.client.TetherClient;
import dev.tether.client.TlsOptions;
import dev.tether.protocol.Hello;
import dev.tether.protocol.Message;
import dev.tether.protocol.MessageDecoder;
import dev.tether.protocol.MessageEncoder;
import dev.tether.protocol.Welcome;
import dev.tether.testing.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference server over TLS, end to end with the SDK's TLS client, raw JDK TLS sockets (for client
 * certificates) and plaintext peers; certificates are made per test ({@link TestCertificates}).
 */
class ServerTlsTest {
    @TempDir
    Path dir;

    private final ClientResources resources = ClientResources.create(1);
    private final List<TetherClient> clients = new ArrayList<>();
    private final List<ReferenceServer> servers = new ArrayList<>();

    @AfterEach
    void tearDown() {
        clients.forEach(TetherClient::close);
        try {
            for (ReferenceServer s : servers) {
                Await.registryEmpty(s);
                // What is left is the detached sessions' (kept for a resume), which the close gives back.
                Await.until(Duration.ofSeconds(5), () -> s.memoryInUse() == s.store.chargedBytes(),
                        () -> "memory still counted: " + s.memoryInUse());
            }
        } finally {
            servers.forEach(ReferenceServer::closeNow);
            resources.close();
        }
    }

    private ReferenceServer server(ServerTls tls) {
        ReferenceServer s = new ServerBuilder().host("127.0.0.1").port(0).eventLoopThreads(1).tls(tls).start();
        servers.add(s);
        return s;
    }

    private TetherClient client(ReferenceServer server, TlsOptions tls, CompletableFuture<ServerPush> push) {
        TetherClient c = TetherClient.builder().resources(resources).onPush(push::complete)
                .config(ClientConfig.builder().endpoint("127.0.0.1", server.port()).tls(tls).connectTimeout(Duration.ofSeconds(5)).build())
                .build();
        clients.add(c);
        return c;
    }

    private static void awaitTlsFailures(ReferenceServer server, long n) {
        Await.until(Duration.ofSeconds(5), () -> server.stats().tlsHandshakeFailures() == n,
                () -> "TLS handshake failures: " + server.stats());
    }

    @Test
    void theSdkClientRequestsSendsAndReceivesPushesOverTls() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        ReferenceServer server = server(ServerTls.fromPem(pki.serverChainFile(), pki.serverKeyFile()));
        assertThat(server.usesTls()).isTrue();
        CompletableFuture<ServerPush> push = new CompletableFuture<>();
        TetherClient c = client(server, TlsOptions.trusting(pki.caFile()), push); // host names checked: the cert names 127.0.0.1
        c.connect().get(5, SECONDS);

        assertThat(c.request("over tls".getBytes(StandardCharsets.UTF_8)).get(5, SECONDS)).asString(StandardCharsets.UTF_8)
                .isEqualTo("over tls");
        c.send(new byte[] {1, 2, 3}).get(5, SECONDS);
        Await.until(Duration.ofSeconds(5), () -> server.stats().sendsTotal() == 1, () -> "" + server.stats());
        assertThat(server.broadcast("news", new byte[] {9})).isEqualTo(1);
        ServerPush p = push.get(5, SECONDS);
        assertThat(p.topic()).isEqualTo("news");
        assertThat(p.payload()).containsExactly(9);
        assertThat(server.stats().tlsHandshakeFailures()).isZero();
        assertThat(server.stats().handshakesTotal()).isEqualTo(1);
    }

    @Test
    void aClientTrustingAnotherCaFailsClearlyAndTheServerCountsItAndServesTheNext() throws Exception {
        TestCertificates pki = TestCertificates.create(dir.resolve("real"));
        TestCertificates other = TestCertificates.create(dir.resolve("other"), "Other");
        ReferenceServer server = server(ServerTls.fromPem(pki.serverChainFile(), pki.serverKeyFile()));

        TetherClient wrong = client(server, TlsOptions.trusting(other.caFile()), new CompletableFuture<>());
        assertThatThrownBy(() -> wrong.connect().get(5, SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("TLS");
        wrong.close();
        awaitTlsFailures(server, 1);
        assertThat(server.stats().handshakesTotal()).isZero();

        TetherClient right = client(server, TlsOptions.trusting(pki.caFile()), new CompletableFuture<>());
        right.connect().get(5, SECONDS);
        assertThat(right.request(new byte[] {4}).get(5, SECONDS)).containsExactly(4);
    }

    @Test
    void aPlaintextClientOnTheTlsPortIsClosedAndCountedWithoutHurtingOthers() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        ReferenceServer server = server(ServerTls.fromPem(pki.serverChainFile(), pki.serverKeyFile()));
        TetherClient good = client(server, TlsOptions.trusting(pki.caFile()), new CompletableFuture<>());
        good.connect().get(5, SECONDS);

        try (Socket plain = new Socket("127.0.0.1", server.port())) {
            plain.setSoTimeout(5_000);
            plain.getOutputStream().write(MessageEncoder.toBytes(new Hello(30_000, "plain", null)));
            plain.getOutputStream().flush();
            byte[] answer = readUntilClosed(plain.getInputStream());
            // Nothing in clear: at most a TLS alert record (content type 21), never a Tether frame.
            assertThat(answer.length == 0 || answer[0] == 21).as("answer %s", java.util.Arrays.toString(answer)).isTrue();
        }
        awaitTlsFailures(server, 1);
        assertThat(good.request(new byte[] {5}).get(5, SECONDS)).containsExactly(5);
        assertThat(server.stats().protocolErrors()).isZero();
    }

    @Test
    void requiredClientCertificatesLetInOnlyClientsWithOneFromTheTrustedCa() throws Exception {
        TestCertificates pki = TestCertificates.create(dir.resolve("real"));
        TestCertificates other = TestCertificates.create(dir.resolve("other"), "Other");
        ReferenceServer server = server(ServerTls.fromPem(pki.serverChainFile(), pki.serverKeyFile())
                .withClientAuth(ServerTls.ClientAuth.REQUIRE, pki.caFile()));

        // A client that presents no certificate: refused in the TLS handshake, never welcomed.
        TetherClient without = client(server, TlsOptions.trusting(pki.caFile()), new CompletableFuture<>());
        assertThatThrownBy(() -> without.connect().get(5, SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(AuthenticationException.class)
                .hasMessageStartingWith("TLS: server 127.0.0.1:" + server.port() + " refused a client without a certificate");
        without.close();
        awaitTlsFailures(server, 1);

        assertThat(helloOverTls(server, pki, pki)).isInstanceOf(Welcome.class);
        assertThatThrownBy(() -> helloOverTls(server, pki, other)).isInstanceOf(IOException.class);
        awaitTlsFailures(server, 2);
        assertThat(server.stats().handshakesTotal()).isEqualTo(1);
    }

    @Test
    void theSdkClientWithACertificateFromTheTrustedCaRequestsSendsAndReceivesPushes() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        ReferenceServer server = server(ServerTls.fromPem(pki.serverChainFile(), pki.serverKeyFile())
                .withClientAuth(ServerTls.ClientAuth.REQUIRE, pki.caFile()));
        CompletableFuture<ServerPush> push = new CompletableFuture<>();
        TetherClient c = client(server, TlsOptions.trusting(pki.caFile())
                .withClientCertificate(pki.clientChainFile(), pki.clientKeyFile()), push);
        c.connect().get(5, SECONDS);

        assertThat(c.request("mutual".getBytes(StandardCharsets.UTF_8)).get(5, SECONDS)).asString(StandardCharsets.UTF_8)
                .isEqualTo("mutual");
        c.send(new byte[] {1, 2}).get(5, SECONDS);
        Await.until(Duration.ofSeconds(5), () -> server.stats().sendsTotal() == 1, () -> "" + server.stats());
        assertThat(server.broadcast("mtls", new byte[] {8})).isEqualTo(1);
        assertThat(push.get(5, SECONDS).payload()).containsExactly(8);
        assertThat(server.stats().tlsHandshakeFailures()).isZero();
    }

    @Test
    void theSdkClientWithACertificateFromAnotherCaIsRefusedOnceAndStops() throws Exception {
        TestCertificates pki = TestCertificates.create(dir.resolve("real"));
        TestCertificates other = TestCertificates.create(dir.resolve("other"), "Other");
        ReferenceServer server = server(ServerTls.fromPem(pki.serverChainFile(), pki.serverKeyFile())
                .withClientAuth(ServerTls.ClientAuth.REQUIRE, pki.caFile()));
        // Retrying every millisecond: were the refusal not final, the server would count attempt after attempt.
        TetherClient c = TetherClient.builder().resources(resources)
                .config(ClientConfig.builder().endpoint("127.0.0.1", server.port()).connectTimeout(Duration.ofSeconds(5))
                        .tls(TlsOptions.trusting(pki.caFile()).withClientCertificate(other.clientChainFile(), other.clientKeyFile()))
                        .retryFirstConnect(true).backoff(Backoff.constant(Duration.ofMillis(1))).build())
                .build();
        clients.add(c);
        assertThatThrownBy(() -> c.connect().get(5, SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(AuthenticationException.class)
                .hasMessageStartingWith("TLS: server 127.0.0.1:" + server.port() + " refused the client certificate CN=tether-test-client");
        assertThat(c.state()).isEqualTo(ConnectionState.CLOSED); // final: no further attempt can be made
        awaitTlsFailures(server, 1);
        assertThat(server.stats().handshakesTotal()).isZero();
    }

    @Test
    void optionalClientCertificatesLetInClientsWithoutOne() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        ReferenceServer server = server(ServerTls.fromPem(pki.serverChainFile(), pki.serverKeyFile())
                .withClientAuth(ServerTls.ClientAuth.OPTIONAL, pki.caFile()));
        TetherClient c = client(server, TlsOptions.trusting(pki.caFile()), new CompletableFuture<>());
        c.connect().get(5, SECONDS);
        assertThat(helloOverTls(server, pki, pki)).isInstanceOf(Welcome.class);
        assertThat(server.stats().tlsHandshakeFailures()).isZero();
    }

    @Test
    void badFilesAreRefusedWhenTheSettingsAreMadeWithMessagesThatNameThem() throws Exception {
        TestCertificates pki = TestCertificates.create(dir.resolve("real"));
        TestCertificates other = TestCertificates.create(dir.resolve("other"), "Other");
        Path chain = pki.serverChainFile();
        Path key = pki.serverKeyFile();
        Path missing = dir.resolve("missing.pem");

        assertThatThrownBy(() -> ServerTls.fromPem(missing, key)).isInstanceOf(UncheckedIOException.class)
                .hasMessage("cannot read the certificate chain file " + missing + ": no such file");
        assertThatThrownBy(() -> ServerTls.fromPem(chain, missing)).isInstanceOf(UncheckedIOException.class)
                .hasMessage("cannot read the private key file " + missing + ": no such file");
        assertThatThrownBy(() -> ServerTls.fromPem(key, key)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the certificate chain file " + key + " holds no PEM certificate (-----BEGIN CERTIFICATE-----); "
                        + "it holds a private key (certificate and key files swapped?)");
        assertThatThrownBy(() -> ServerTls.fromPem(chain, chain)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("private key file " + chain + " holds no unencrypted PKCS#8 PEM key");
        assertThatThrownBy(() -> ServerTls.fromPem(chain, other.serverKeyFile())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the private key in " + other.serverKeyFile() + " does not belong to the certificate CN=tether-test-server");

        Path pkcs1 = Files.writeString(dir.resolve("rsa.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> ServerTls.fromPem(chain, pkcs1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt -in " + pkcs1);
        Path garbled = Files.writeString(dir.resolve("garbled.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> ServerTls.fromPem(chain, garbled)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the private key file " + garbled + " holds no EC key");

        ServerTls tls = ServerTls.fromPem(chain, key);
        assertThatThrownBy(() -> tls.withClientAuth(ServerTls.ClientAuth.REQUIRE, key)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("client CA file " + key);
        assertThatThrownBy(() -> tls.withClientAuth(ServerTls.ClientAuth.REQUIRE, null)).isInstanceOf(NullPointerException.class);
        assertThat(tls.withClientAuth(ServerTls.ClientAuth.REQUIRE, pki.caFile()).withClientAuth(ServerTls.ClientAuth.NONE, null))
                .satisfies(t -> {
                    assertThat(t.clientAuth()).isEqualTo(ServerTls.ClientAuth.NONE);
                    assertThat(t.trustedClientCaFile()).isNull();
                });
        assertThat(tls.certificateChain()).hasSize(1);
        assertThat(tls.certificateChain().get(0).getSubjectX500Principal().getName()).isEqualTo("CN=tether-test-server");
        assertThat(tls.toString()).contains(key.toString()).doesNotContain("PRIVATE");
    }

    /**
     * A hello over a JDK TLS socket that trusts {@code serverPki}'s CA and presents {@code clientPki}'s client
     * certificate; returns the first message back.
     */
    private static Message helloOverTls(ReferenceServer server, TestCertificates serverPki, TestCertificates clientPki) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(clientPki.client().toKeyManagerFactory().getKeyManagers(),
                serverPki.ca().toTrustManagerFactory().getTrustManagers(), null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", server.port())) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(MessageEncoder.toBytes(new Hello(30_000, "mtls", null)));
            s.getOutputStream().flush();
            List<Message> got = new ArrayList<>();
            MessageDecoder decoder = new MessageDecoder();
            byte[] buf = new byte[4096];
            while (got.isEmpty()) {
                int n = s.getInputStream().read(buf);
                if (n < 0) {
                    throw new SSLException("closed without an answer");
                }
                decoder.decode(ByteBuffer.wrap(buf, 0, n), got::add);
            }
            return got.get(0);
        }
    }

    private static byte[] readUntilClosed(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException reset) {
            return new byte[0];
        }
    }
}
