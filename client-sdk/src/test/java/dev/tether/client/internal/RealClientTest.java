package dev.tether.client.internal;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.client.AuthenticationException;
import dev.tether.client.Backoff;
import dev.tether.client.ClientClosedException;
import dev.tether.client.ClientConfig;
import dev.tether.client.ConnectFailedException;
import dev.tether.client.ConnectionState;
import dev.tether.client.RequestTimeoutException;
import dev.tether.client.SendBufferFullException;
import dev.tether.client.StateChange;
import dev.tether.client.UnsupportedVersionException;
import dev.tether.protocol.Hello;
import dev.tether.protocol.Request;
import dev.tether.protocol.Send;
import dev.tether.testing.MockServer;
import dev.tether.testing.MockServer.SocketPolicy;
import dev.tether.testing.RecordingStateListener;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client's reconnect, buffering, go-away and close behaviour against {@link MockServer} on a real
 * socket, with every client-side delay (backoff, go-away hint, request timeout, connect timeout) on a
 * {@link FakeScheduler}: the test moves time, nothing sleeps.
 */
class RealClientTest {
    private final List<MockServer> servers = new ArrayList<>();
    private final MockServer server = newServer();
    private final RecordingStateListener states = new RecordingStateListener();
    private FakeScheduler time;
    private EventLoops loops;
    private RealClient client;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
            assertThat(loops.isTerminated()).isTrue();
        }
        servers.forEach(MockServer::close);
    }

    private MockServer newServer() {
        MockServer s = MockServer.start();
        servers.add(s);
        return s;
    }

    private ClientConfig.Builder config() {
        return ClientConfig.builder().endpoint("127.0.0.1", server.port());
    }

    private RealClient newClient(ClientConfig.Builder config) {
        return newClient(config, NameResolver.JDK);
    }

    private RealClient newClient(ClientConfig.Builder config, NameResolver resolver) {
        loops = new EventLoops(1);
        client = new RealClient(config.build(), loops, true, null, states, null, null,
                loop -> time = new FakeScheduler(loop), new SplittableRandom(42), resolver);
        return client;
    }

    /** A name server the test answers by hand: records each lookup and hands the test its future. */
    private static final class FakeDns implements NameResolver {
        private final BlockingQueue<String> asked = new LinkedBlockingQueue<>();
        private final BlockingQueue<CompletableFuture<InetAddress>> answers = new LinkedBlockingQueue<>();

        @Override
        public CompletableFuture<InetAddress> resolve(String host) {
            CompletableFuture<InetAddress> answer = new CompletableFuture<>();
            answers.add(answer);
            asked.add(host);
            return answer;
        }

        /** Waits for the next lookup of {@code host} and returns the future that answers it. */
        CompletableFuture<InetAddress> awaitLookup(String host) throws InterruptedException {
            assertThat(asked.poll(5, SECONDS)).as("a lookup").isEqualTo(host);
            return answers.poll();
        }

    }

    private static InetAddress address(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    private RealClient connected(ClientConfig.Builder config) throws Exception {
        newClient(config).connect().get(5, SECONDS);
        server.awaitHandshake(Duration.ofSeconds(5));
        return client;
    }

    @Test
    void reconnectsAfterServerRestartOnlyWhenTheJitteredFirstDelayHasPassed() throws Exception {
        connected(config());
        server.stop();
        StateChange reconnecting = states.awaitState(ConnectionState.RECONNECTING);
        Duration delay = reconnecting.delay();
        // the first reconnect after a loss: anywhere in the 3 s window (full jitter), so a fleet does not return as one wave
        assertThat(delay).isBetween(Duration.ZERO, Backoff.DEFAULT_FIRST_RECONNECT_WINDOW);
        assertThat(reconnecting.attempt()).isEqualTo(1);
        server.restart();

        time.forward(delay.minusMillis(1));
        assertThat(server.acceptedCount()).isEqualTo(1);
        assertThat(client.state()).isEqualTo(ConnectionState.RECONNECTING);

        time.forward(Duration.ofMillis(1));
        server.awaitHandshake(Duration.ofSeconds(5));
        states.awaitState(ConnectionState.CONNECTED);
        assertThat(client.stats().reconnects()).isEqualTo(1);
        assertThat(client.request(new byte[] {5}).get(5, SECONDS)).containsExactly(5);
    }

    @Test
    void backoffGrowsWhileTheServerStaysDownAndResetsAfterAHandshake() throws Exception {
        connected(config());
        server.stop();
        List<Duration> delays = new ArrayList<>();
        for (int attempt = 1; attempt <= 5; attempt++) {
            StateChange c = states.awaitState(ConnectionState.RECONNECTING);
            assertThat(c.attempt()).isEqualTo(attempt);
            delays.add(c.delay());
            if (attempt == 1) { // after the loss: the spread first reconnect
                assertThat(c.delay()).isBetween(Duration.ZERO, Backoff.DEFAULT_FIRST_RECONNECT_WINDOW);
            } else {
                double base = 1000 * Math.pow(1.6, attempt - 1);
                assertThat(c.delay().toMillis()).isBetween((long) (base * 0.8) - 1, (long) (base * 1.2) + 1);
            }
            time.forward(c.delay());
            states.awaitState(ConnectionState.CONNECTING);
        }
        assertThat(delays.get(4)).isGreaterThan(delays.get(1).multipliedBy(3));
        assertThat(server.acceptedCount()).isEqualTo(1); // nothing listened: every attempt was refused

        server.restart();
        StateChange c = states.awaitState(ConnectionState.RECONNECTING);
        time.forward(c.delay());
        states.awaitState(ConnectionState.CONNECTED);
        server.disconnectAll();
        StateChange afterReset = states.awaitState(ConnectionState.RECONNECTING);
        assertThat(afterReset.attempt()).isEqualTo(1);
        assertThat(afterReset.delay()).isBetween(Duration.ZERO, Backoff.DEFAULT_FIRST_RECONNECT_WINDOW);
    }

    @Test
    void aNameIsLookedUpOffTheEventLoop() throws Exception {
        FakeDns dns = new FakeDns();
        newClient(ClientConfig.builder().endpoint("tether.test", server.port()), dns);
        var connect = client.connect();
        CompletableFuture<InetAddress> lookup = dns.awaitLookup("tether.test");
        // The lookup is still unanswered, yet the client's loop runs other work: it is not waiting for DNS.
        assertThat(client.eventLoop().submit(() -> "free").get(5, SECONDS)).isEqualTo("free");
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTING);
        assertThat(server.acceptedCount()).isZero();

        lookup.complete(address("127.0.0.1"));
        connect.get(5, SECONDS);
        assertThat(client.stats().endpoint().getHostString()).isEqualTo("tether.test");
    }

    @Test
    void everyAttemptLooksTheNameUpAgainSoADnsChangeIsFollowed() throws Exception {
        FakeDns dns = new FakeDns();
        newClient(ClientConfig.builder().endpoint("tether.test", server.port()), dns);
        var connect = client.connect();
        dns.awaitLookup("tether.test").complete(address("127.0.0.1"));
        connect.get(5, SECONDS);

        server.disconnectAll();
        StateChange first = states.awaitState(ConnectionState.RECONNECTING);
        time.forward(first.delay());
        // The name now points where nothing listens: the attempt goes there and fails.
        dns.awaitLookup("tether.test").complete(address("127.0.0.2"));
        StateChange second = states.awaitState(ConnectionState.RECONNECTING);
        assertThat(second.cause()).hasMessageContaining("127.0.0.2");
        time.forward(second.delay());
        dns.awaitLookup("tether.test").complete(address("127.0.0.1"));
        states.awaitState(ConnectionState.CONNECTED);
        assertThat(server.acceptedCount()).isEqualTo(2);
    }

    @Test
    void aNameThatDoesNotResolveFailsTheAttemptAndSaysWhich() throws Exception {
        FakeDns dns = new FakeDns();
        newClient(ClientConfig.builder().endpoint("nowhere.test", server.port()), dns);
        var connect = client.connect();
        dns.awaitLookup("nowhere.test").completeExceptionally(new java.net.UnknownHostException("nowhere.test"));
        assertThatThrownBy(() -> connect.get(5, SECONDS)).cause().isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("cannot resolve nowhere.test:" + server.port());
    }

    @Test
    void theConnectTimeoutCoversASlowLookup() throws Exception {
        FakeDns dns = new FakeDns();
        newClient(ClientConfig.builder().endpoint("slow.test", server.port()).connectTimeout(Duration.ofSeconds(2)), dns);
        var connect = client.connect();
        CompletableFuture<InetAddress> lookup = dns.awaitLookup("slow.test");
        time.forward(Duration.ofSeconds(2));
        assertThatThrownBy(() -> connect.get(5, SECONDS)).cause().isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("timed out");
        lookup.complete(address("127.0.0.1")); // too late: the attempt was given up, nothing connects
        client.eventLoop().submit(() -> { }).get(5, SECONDS);
        assertThat(server.acceptedCount()).isZero();
    }

    @Test
    void theDefaultResolverFindsLocalhost() throws Exception {
        loops = new EventLoops(1);
        client = new RealClient(ClientConfig.builder().endpoint("localhost", server.port()).build(), loops, true, null,
                states, null, null);
        client.connect().get(10, SECONDS);
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void reconnectNowSkipsTheWait() throws Exception {
        connected(config().backoff(Backoff.constant(Duration.ofHours(1))));
        server.stop();
        states.awaitState(ConnectionState.RECONNECTING);
        server.restart();
        client.reconnectNow();
        server.awaitHandshake(Duration.ofSeconds(5));
        states.awaitState(ConnectionState.CONNECTED);
    }

    @Test
    void bufferedSendsAreDeliveredExactlyOnceAndInOrderAfterReconnect() throws Exception {
        connected(config());
        server.stop();
        StateChange reconnecting = states.awaitState(ConnectionState.RECONNECTING);
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sends.add(client.send(new byte[] {(byte) i, (byte) (i >> 8)}));
        }
        CompletableFuture<byte[]> request = client.request(new byte[] {77});
        awaitTrue(() -> client.stats().bufferedSends() == 201);
        assertThat(client.stats().bufferedBytes()).isEqualTo(401);
        assertThat(sends).noneMatch(CompletableFuture::isDone);

        server.restart();
        time.forward(reconnecting.delay());
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(5, SECONDS);
        assertThat(request.get(5, SECONDS)).containsExactly(77);

        List<Send> received = server.frames(Send.class);
        assertThat(received).hasSize(200);
        for (int i = 0; i < 200; i++) {
            assertThat(received.get(i).payload()).containsExactly((byte) i, (byte) (i >> 8));
        }
        assertThat(client.stats().bufferedSends()).isZero();
    }

    @Test
    void aFullSendBufferFailsAtOnceInMessagesAndInBytes() throws Exception {
        connected(config().sendBufferMessages(3).sendBufferBytes(100));
        server.stop();
        states.awaitState(ConnectionState.RECONNECTING);
        var a = client.send(new byte[10]);
        var b = client.send(new byte[10]);
        var tooBig = client.send(new byte[81]); // 20 + 81 > 100 bytes
        var c = client.send(new byte[10]);
        var d = client.send(new byte[10]); // 4th message
        assertThatThrownBy(() -> tooBig.get(5, SECONDS)).cause().isInstanceOf(SendBufferFullException.class)
                .hasMessageContaining("81-byte");
        assertThatThrownBy(() -> d.get(5, SECONDS)).cause().isInstanceOf(SendBufferFullException.class)
                .hasMessageContaining("3/3 messages");
        assertThat(List.of(a, b, c)).noneMatch(CompletableFuture::isDone);
        assertThat(client.stats().bufferedSends()).isEqualTo(3);
    }

    @Test
    void aRequestWaitingInTheBufferTimesOutAndLeavesTheBuffer() throws Exception {
        connected(config().requestTimeout(Duration.ofSeconds(3)));
        server.stop();
        StateChange reconnecting = states.awaitState(ConnectionState.RECONNECTING);
        var r = client.request(new byte[] {1});
        awaitTrue(() -> client.stats().bufferedSends() == 1);
        time.forward(Duration.ofMillis(2999));
        assertThat(r).isNotDone();
        time.forward(Duration.ofMillis(1)); // the timeout counts from the call, time in the buffer included
        assertThatThrownBy(() -> r.get(5, SECONDS)).cause().isInstanceOf(RequestTimeoutException.class)
                .hasMessageContaining("still in the send buffer");
        assertThat(client.stats().bufferedSends()).isZero();
        assertThat(reconnecting.delay()).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aRefusedTokenIsNotRetriedAndSurfacesOnce() throws Exception {
        server.requireToken("right");
        newClient(config().authToken("wrong").retryFirstConnect(true));
        var connect = client.connect();
        assertThatThrownBy(() -> connect.get(5, SECONDS)).cause().isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("refused the auth token");
        StateChange closed = states.awaitState(ConnectionState.CLOSED);
        assertThat(closed.cause()).isInstanceOf(AuthenticationException.class);

        time.forward(Duration.ofMinutes(10));
        assertThat(server.acceptedCount()).isEqualTo(1);
        assertThat(server.frames(Hello.class)).hasSize(1);
        assertThat(states.changes()).filteredOn(s -> s.cause() instanceof AuthenticationException).hasSize(1);
        assertThatThrownBy(() -> client.send(new byte[1]).get(5, SECONDS)).cause()
                .isInstanceOf(ClientClosedException.class).hasCauseInstanceOf(AuthenticationException.class);
    }

    @Test
    void anUnsupportedVersionIsFatalToo() throws Exception {
        server.policy(SocketPolicy.UNSUPPORTED_VERSION);
        newClient(config());
        assertThatThrownBy(() -> client.connect().get(5, SECONDS)).cause().isInstanceOf(UnsupportedVersionException.class);
        assertThat(client.state()).isEqualTo(ConnectionState.CLOSED);
    }

    @Test
    void goAwayLetsInFlightRequestsFinishThenMovesToTheNextEndpoint() throws Exception {
        MockServer second = newServer();
        server.responseDelay(Duration.ofMillis(200));
        connected(ClientConfig.builder().endpoint("127.0.0.1", server.port()).endpoint("127.0.0.1", second.port()));
        CompletableFuture<byte[]> inFlight = client.request(new byte[] {1});
        server.takeFrame(Request.class);

        server.goAway(1000, "deploy");
        StateChange draining = states.awaitState(ConnectionState.DRAINING);
        assertThat(draining.delay()).isBetween(Duration.ofMillis(1000), Duration.ofMillis(1200));
        CompletableFuture<byte[]> afterGoAway = client.request(new byte[] {2});
        CompletableFuture<Void> sendAfterGoAway = client.send(new byte[] {3});

        assertThat(inFlight.get(5, SECONDS)).containsExactly(1); // finished on the draining connection
        awaitTrue(() -> server.openConnections() == 0); // closed once drained
        assertThat(server.frames(Request.class)).hasSize(1); // nothing new went to the draining server
        assertThat(afterGoAway).isNotDone();

        time.forward(draining.delay());
        second.awaitHandshake(Duration.ofSeconds(5));
        assertThat(afterGoAway.get(5, SECONDS)).containsExactly(2);
        sendAfterGoAway.get(5, SECONDS);
        assertThat(second.frames(Request.class)).hasSize(1);
        assertThat(client.stats().endpoint().getPort()).isEqualTo(second.port());
    }

    @Test
    void firstConnectTriesEachEndpointOnceWhenRetryIsOff() throws Exception {
        MockServer dead = newServer();
        int deadPort = dead.port();
        dead.stop();
        newClient(ClientConfig.builder().endpoint("127.0.0.1", deadPort).endpoint("127.0.0.1", server.port()));
        client.connect().get(5, SECONDS);
        assertThat(client.stats().endpoint().getPort()).isEqualTo(server.port());
    }

    @Test
    void firstConnectKeepsRetryingWhenRetryIsOn() throws Exception {
        server.stop();
        newClient(config().retryFirstConnect(true));
        var connect = client.connect();
        StateChange c = states.awaitState(ConnectionState.RECONNECTING);
        assertThat(connect).isNotDone();
        server.restart();
        time.forward(c.delay());
        connect.get(5, SECONDS);
    }

    @Test
    void aBusyServerIsRetriedAfterItsHintPlusJitterEvenOnAFirstConnect() throws Exception {
        server.busyRetryAfter(Duration.ofSeconds(5)).enqueuePolicy(SocketPolicy.BUSY);
        newClient(config());
        var connect = client.connect();
        StateChange c = states.awaitState(ConnectionState.RECONNECTING);
        assertThat(c.delay()).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(6)); // the hint + up to 20 %, not 1 s backoff
        assertThat(c.cause()).isInstanceOf(ConnectFailedException.class).hasMessageContaining("is busy")
                .hasMessageContaining("retry after 5000 ms");
        assertThat(connect).isNotDone(); // a busy server is not a wrong address: the first connect waits

        time.forward(c.delay().minusMillis(1));
        assertThat(server.acceptedCount()).isEqualTo(1);
        time.forward(Duration.ofMillis(1));
        connect.get(5, SECONDS);
        assertThat(server.acceptedCount()).isEqualTo(2);
    }

    @Test
    void aBusyRefusalDoesNotCountForBackoff() throws Exception {
        connected(config());
        server.busyRetryAfter(Duration.ofMillis(300)).enqueuePolicy(SocketPolicy.BUSY);
        server.disconnectAll();
        StateChange lost = states.awaitState(ConnectionState.RECONNECTING);
        time.forward(lost.delay()); // the spread first reconnect: refused as busy
        StateChange busy = states.awaitState(ConnectionState.RECONNECTING);
        assertThat(busy.delay()).isBetween(Duration.ofMillis(300), Duration.ofMillis(360));
        server.stop();
        time.forward(busy.delay()); // refused: the backoff goes on at attempt 2, as if the busy answer never was
        StateChange refused = states.awaitState(ConnectionState.RECONNECTING);
        assertThat(refused.delay()).isBetween(Duration.ofMillis(1280), Duration.ofMillis(1920));
    }

    @Test
    void handshakeThatNeverCompletesTimesOutAfterTheConnectTimeout() throws Exception {
        server.enqueuePolicy(SocketPolicy.NO_HANDSHAKE);
        newClient(config().connectTimeout(Duration.ofSeconds(2)).retryFirstConnect(true));
        var connect = client.connect();
        awaitTrue(() -> server.acceptedCount() == 1);
        time.forward(Duration.ofMillis(1999));
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTING);
        time.forward(Duration.ofMillis(1));
        StateChange c = states.awaitState(ConnectionState.RECONNECTING);
        assertThat(c.cause()).hasMessageContaining("timed out after 2000 ms");
        time.forward(c.delay());
        connect.get(5, SECONDS);
    }

    @Test
    void closeDuringAReconnectWaitStopsEverythingAndLeaksNothing() throws Exception {
        connected(config());
        AtomicReference<Thread> loopThread = new AtomicReference<>();
        client.eventLoop().submit(() -> loopThread.set(Thread.currentThread())).get(5, SECONDS);
        server.stop();
        states.awaitState(ConnectionState.RECONNECTING);
        var buffered = client.send(new byte[1]);
        server.restart();

        client.close();

        assertThat(client.state()).isEqualTo(ConnectionState.CLOSED);
        assertThat(loops.isTerminated()).isTrue();
        loopThread.get().join(5000);
        assertThat(loopThread.get().isAlive()).isFalse();
        assertThatThrownBy(() -> buffered.get(5, SECONDS)).cause().isInstanceOf(ClientClosedException.class);
        time.forward(Duration.ofMinutes(10)); // the cancelled wait must not connect
        assertThat(server.acceptedCount()).isEqualTo(1);
        assertThat(server.openConnections()).isZero();
        assertThat(time.pendingDelays()).isEmpty();
    }

    @Test
    void gracefulCloseWaitsForInFlightRequests() throws Exception {
        server.responseDelay(Duration.ofMillis(200));
        connected(config());
        var r = client.request(new byte[] {4});
        server.takeFrame(Request.class);
        var closed = client.closeAsync();
        assertThat(r.get(5, SECONDS)).containsExactly(4);
        closed.get(5, SECONDS);
        assertThat(client.state()).isEqualTo(ConnectionState.CLOSED);
    }

    @Test
    void gracefulCloseDoesNotWaitForACancelledRequest() throws Exception {
        server.policy(SocketPolicy.NO_RESPONSE);
        connected(config());
        var r = client.request(new byte[] {4});
        server.takeFrame(Request.class);
        var closed = client.closeAsync();
        r.cancel(false);
        closed.get(5, SECONDS); // the fake clock stands still: only the cancel can end the wait for it
        assertThat(client.stats().requestsInFlight()).isZero();
    }

    /** Bounded wait for a condition that a real socket event makes true (never a fixed sleep). */
    static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(5);
        }
    }
}
