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
 * socket open (no FIN, no RST), and a server that stops reading. Durations are short so that real time
 * can be used; the exact timing is pinned down in {@code HeartbeatHandlerTest} with a controlled clock.
 */
class DeadPeerAndBackpressureTest {
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
    void aSilentServerIsDetectedWithinIntervalPlusTimeoutAndTheClientReconnects() throws Exception {
        server.enqueuePolicy(SocketPolicy.STALL_SOCKET_AFTER_HANDSHAKE); // first connection only
        client = TetherClient.builder().config(ClientConfig.builder().endpoint("127.0.0.1", server.port())
                        .heartbeatInterval(Duration.ofMillis(200)).deadPeerTimeout(Duration.ofMillis(500))
                        .backoff(Backoff.constant(Duration.ofMillis(10))).build())
                .onStateChange(states).build();
        client.connect().get(5, SECONDS);
        long connectedAt = System.nanoTime();

        StateChange lost = states.awaitState(ConnectionState.RECONNECTING);
        long detectedAfterMillis = (System.nanoTime() - connectedAt) / 1_000_000;
        assertThat(lost.cause()).isInstanceOf(ConnectionLostException.class).hasMessageContaining("peer considered dead");
        assertThat(detectedAfterMillis).isGreaterThanOrEqualTo(500).isLessThan(200 + 500 + 2_000); // noisy machine slack
        assertThat(server.openConnections()).isGreaterThanOrEqualTo(1); // the server never closed its side

        states.awaitState(ConnectionState.CONNECTED); // second connection behaves
        assertThat(client.request(new byte[] {1}).get(5, SECONDS)).containsExactly(1);
        assertThat(client.ping().get(5, SECONDS)).isPositive();
    }

    @Test
    void pingsFlowWhileIdleAndKeepAnAnsweringServerAlive() throws Exception {
        client = TetherClient.builder().config(ClientConfig.builder().endpoint("127.0.0.1", server.port())
                        .heartbeatInterval(Duration.ofMillis(100)).deadPeerTimeout(Duration.ofSeconds(2)).build())
                .onStateChange(states).build();
        client.connect().get(5, SECONDS);
        for (int i = 0; i < 5; i++) {
            server.takeFrame(Ping.class); // each answered by a pong, so the 2 s timeout never fires
        }
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(states.states()).containsExactly(ConnectionState.CONNECTING, ConnectionState.CONNECTED);
        assertThat(client.stats().lastHeartbeatRtt()).isNotNull();
    }

    @Test
    void aServerThatStopsReadingFillsTheBoundedBufferNotTheHeap() throws Exception {
        client = TetherClient.builder().config(ClientConfig.builder().endpoint("127.0.0.1", server.port())
                        .sendBufferMessages(50).writeBufferWaterMark(16 * 1024, 64 * 1024).build())
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
