package dev.tether.client;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.protocol.Ping;
import dev.tether.testing.MockServer;
import dev.tether.testing.MockServer.SocketPolicy;
import dev.tether.testing.RecordingStateListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The two failure modes a clean close never shows, on a real socket: a server that goes silent with its
 * socket open (no FIN, no RST), and a server that stops reading. The timing of dead-peer detection is pinned
 * down on a controlled clock ({@code ConnectionTest}, {@code HeartbeatHandlerTest}); here only what needs a
 * real socket is checked, with waits bounded generously for a loaded machine and no upper limit on timing.
 */
class DeadPeerAndBackpressureTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final MockServer server = MockServer.start();
    private final RecordingStateListener states = new RecordingStateListener();
    private TetherClient client;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        server.close();
    }

    @Test
    void aSilentServerIsGivenUpAfterTheTimeoutDerivedFromItsAnnouncedIntervalAndTheClientReconnects() throws Exception {
        // The client sets no heartbeat or dead-peer timeout of its own: the server's 500 ms is in force, so
        // the silence is given up after 2 x 500 + 500 / 8 = 1062 ms, not after the 30 s default's 63.75 s.
        server.welcomeHeartbeatMillis(500).enqueuePolicy(SocketPolicy.STALL_SOCKET_AFTER_HANDSHAKE); // first connection only
        client = TetherClient.builder().config(ClientConfig.builder().endpoint("127.0.0.1", server.port())
                        .backoff(Backoff.constant(Duration.ofMillis(10))).build())
                .onStateChange(states).build();
        long connectCalledAt = System.nanoTime(); // before the welcome, from which the silence counts
        client.connect().get(WAIT.toSeconds(), SECONDS);
        server.welcomeHeartbeatMillis(30_000); // the next connection: a long interval, so a loaded machine cannot trip it

        StateChange lost = states.awaitState(ConnectionState.RECONNECTING, WAIT);
        long detectedAfterMillis = (System.nanoTime() - connectCalledAt) / 1_000_000;
        assertThat(lost.cause()).isInstanceOf(ConnectionLostException.class)
                .hasMessageContaining("for 1062 ms: peer considered dead");
        assertThat(detectedAfterMillis).isGreaterThanOrEqualTo(1062); // never early; late only by the machine's load
        assertThat(server.openConnections()).isGreaterThanOrEqualTo(1); // the server never closed its side

        states.awaitState(ConnectionState.CONNECTED, WAIT); // second connection behaves
        assertThat(client.request(new byte[] {1}).get(WAIT.toSeconds(), SECONDS)).containsExactly(1);
        assertThat(client.ping().get(WAIT.toSeconds(), SECONDS)).isPositive();
    }

    @Test
    void pingsFlowWhileIdleAndKeepAnAnsweringServerAlive() throws Exception {
        // Pings every 100 ms; the dead-peer timeout is set far above it, so only a real failure could trip it.
        client = TetherClient.builder().config(ClientConfig.builder().endpoint("127.0.0.1", server.port())
                        .heartbeatInterval(Duration.ofMillis(100)).deadPeerTimeout(Duration.ofSeconds(30)).build())
                .onStateChange(states).build();
        client.connect().get(WAIT.toSeconds(), SECONDS);
        for (int i = 0; i < 5; i++) {
            server.takeFrame(Ping.class); // each answered by a pong
        }
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(states.states()).containsExactly(ConnectionState.CONNECTING, ConnectionState.CONNECTED);
        // The pongs to the earlier pings came back while the later ones went out: a round trip is known.
        assertThat(client.stats().lastHeartbeatRtt()).isNotNull();
    }

    @Test
    void aServerThatStopsReadingFillsTheBoundedBufferNotTheHeap() throws Exception {
        client = TetherClient.builder().config(ClientConfig.builder().endpoint("127.0.0.1", server.port())
                        .sendBufferMessages(50).writeBufferWaterMark(16 * 1024, 64 * 1024)
                        // The server never reads, so a graceful close could only wait out its timeout: keep it short.
                        .closeTimeout(Duration.ofMillis(200)).build())
                .onStateChange(states).build();
        client.connect().get(5, SECONDS);
        server.goSilent(); // keeps the socket open, reads nothing: the kernel buffers fill, then Netty's

        byte[] payload = new byte[64 * 1024];
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            sends.add(client.send(payload));
        }
        // The last sends must have been refused, not queued: only ~kernel buffers + one high-water mark + 50 are taken.
        assertThatThrownBy(() -> sends.get(sends.size() - 1).get(5, SECONDS)).cause()
                .isInstanceOf(SendBufferFullException.class);
        long refused = sends.stream().filter(CompletableFuture::isCompletedExceptionally).count();
        assertThat(refused).isGreaterThan(1_000);
        assertThat(client.stats().bufferedSends()).isEqualTo(50);
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
    }
}
