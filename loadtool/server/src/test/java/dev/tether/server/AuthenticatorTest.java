package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.client.AuthenticationException;
import dev.tether.client.Backoff;
import dev.tether.client.ConnectionState;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The authentication hook, seen from the SDK: accept with a principal, refuse for good, decide later, fail to decide. */
class AuthenticatorTest {
    private static final Map<String, String> USERS = Map.of("alice-key", "alice", "bob-key", "bob");

    private final TetherFixture fixture = new TetherFixture();

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private static CompletableFuture<byte[]> echo(ServerSession s, byte[] payload) {
        return CompletableFuture.completedFuture(payload);
    }

    @Test
    void anAcceptedHelloOpensASessionCarryingThePrincipal() throws Exception {
        CompletableFuture<String> opened = new CompletableFuture<>();
        TetherServer server = fixture.start(TetherFixture.builder()
                .authenticator((clientId, token, remote) -> Authenticator.now(USERS.containsKey(token)
                        ? AuthResult.accept(USERS.get(token)) : AuthResult.refuse("unknown key")))
                .handler(new ServerHandler() {
                    @Override
                    public CompletableFuture<byte[]> onRequest(ServerSession session, byte[] payload) {
                        return echo(session, payload);
                    }

                    @Override
                    public void onOpen(ServerSession session) {
                        opened.complete(session.principal());
                    }
                }));
        TetherFixture.Recorded c = fixture.client(server, b -> b.authToken("bob-key"));
        c.client.connect().get(10, TimeUnit.SECONDS);

        assertThat(opened.get(10, TimeUnit.SECONDS)).isEqualTo("bob");
        assertThat(server.session(c.sessionId()).orElseThrow().principal()).isEqualTo("bob");
    }

    @Test
    void aRefusedHelloFailsTheConnectWithAuthFailedAndTheSdkNeverRetries() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        TetherServer server = fixture.start(TetherFixture.builder()
                .authenticator((clientId, token, remote) -> {
                    asked.incrementAndGet();
                    return Authenticator.now(AuthResult.refuse("unknown key"));
                })
                .handler(AuthenticatorTest::echo));
        // A client that retries every failed connect quickly, if the failure allows a retry.
        TetherFixture.Recorded c = fixture.client(server, b -> b.authToken("mallory-key").retryFirstConnect(true)
                .backoff(Backoff.constant(Duration.ofMillis(10))));

        assertThatThrownBy(() -> c.client.connect().get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause()
                .isInstanceOf(AuthenticationException.class).hasMessageContaining("unknown key");
        // Refusal is final: the client is closed (it never dials again), and the server was asked exactly once.
        Await.until(TetherFixture.WAIT, () -> c.client.state() == ConnectionState.CLOSED, () -> "state " + c.client.state());
        assertThat(c.states).doesNotContain(ConnectionState.RECONNECTING, ConnectionState.CONNECTED);
        assertThat(asked).hasValue(1);
        assertThat(server.metrics().stats().authFailures()).isEqualTo(1);
        assertThat(server.metrics().handshakes()).isZero();
    }

    @Test
    void anAsynchronousAuthenticatorWelcomesTheClientWhenItDecides() throws Exception {
        CompletableFuture<AuthResult> decision = new CompletableFuture<>();
        CountDownLatch asked = new CountDownLatch(1);
        TetherServer server = fixture.start(TetherFixture.builder()
                .authenticator((clientId, token, remote) -> {
                    asked.countDown();
                    return decision; // e.g. waiting for an identity service
                })
                .handler(AuthenticatorTest::echo));
        TetherFixture.Recorded c = fixture.client(server, b -> b.clientId("device-1").authToken("jwt"));
        CompletableFuture<Void> connected = c.client.connect();

        assertThat(asked.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(connected).isNotDone();
        assertThat(server.sessions()).isEmpty(); // no session before the decision
        new Thread(() -> decision.complete(AuthResult.accept("device-1@fleet")), "identity-service").start();

        connected.get(10, TimeUnit.SECONDS);
        assertThat(server.session(c.sessionId()).orElseThrow().principal()).isEqualTo("device-1@fleet");
        assertThat(c.client.request(new byte[] {42}).get(10, TimeUnit.SECONDS)).containsExactly(42);
    }

    @Test
    void anAuthenticatorThatFailsToDecideIsNotARefusalTheClientRetries() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        TetherServer server = fixture.start(TetherFixture.builder()
                .authenticator((clientId, token, remote) -> asked.incrementAndGet() == 1
                        ? CompletableFuture.failedFuture(new IllegalStateException("identity service unreachable"))
                        : Authenticator.now(AuthResult.accept(clientId)))
                .handler(AuthenticatorTest::echo));
        TetherFixture.Recorded c = fixture.client(server, b -> b.retryFirstConnect(true).backoff(Backoff.constant(Duration.ofMillis(10))));

        c.client.connect().get(10, TimeUnit.SECONDS);
        assertThat(asked).hasValue(2);
        assertThat(server.metrics().stats().authFailures()).isZero();
    }

    @Test
    void theSharedTokenAcceptsExactlyItsTokenAndRefusesABlankOne() throws Exception {
        Authenticator shared = Authenticator.sharedToken("s3cret");
        java.net.InetSocketAddress remote = new java.net.InetSocketAddress("127.0.0.1", 1);
        assertThat(shared.authenticate("c1", "s3cret", remote).toCompletableFuture().get()).satisfies(r -> {
            assertThat(r.accepted()).isTrue();
            assertThat(r.principal()).isEqualTo("c1");
        });
        assertThat(shared.authenticate("c1", "s3creT", remote).toCompletableFuture().get().accepted()).isFalse();
        assertThat(shared.authenticate("c1", null, remote).toCompletableFuture().get().reason()).contains("requires an auth token");
        assertThat(Authenticator.acceptAll().authenticate("c2", null, remote).toCompletableFuture().get().principal()).isEqualTo("c2");
        assertThatThrownBy(() -> Authenticator.sharedToken(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onTheExecutorTheAuthenticatorMayBlock() throws Exception {
        java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newCachedThreadPool();
        Map<String, String> threads = new ConcurrentHashMap<>();
        try {
            TetherServer server = fixture.start(TetherFixture.builder().handlerExecutor(executor)
                    .authenticator((clientId, token, remote) -> {
                        threads.put("auth", Thread.currentThread().getName());
                        return Authenticator.now(AuthResult.accept("blocking-lookup:" + clientId));
                    })
                    .handler(AuthenticatorTest::echo));
            TetherFixture.Recorded c = fixture.client(server, b -> b.clientId("x"));
            c.client.connect().get(10, TimeUnit.SECONDS);
            assertThat(server.session(c.sessionId()).orElseThrow().principal()).isEqualTo("blocking-lookup:x");
            assertThat(threads.get("auth")).doesNotStartWith("tether-server-io");
        } finally {
            executor.shutdown();
        }
    }
}
