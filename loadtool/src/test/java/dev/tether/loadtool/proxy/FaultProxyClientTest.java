package dev.tether.loadtool.proxy;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.client.Backoff;
import dev.tether.client.ClientConfig;
import dev.tether.client.ConnectionLostException;
import dev.tether.client.ConnectionState;
import dev.tether.client.StateChange;
import dev.tether.client.TetherClient;
import dev.tether.server.ReferenceServer;
import dev.tether.testing.RecordingStateListener;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A real {@link TetherClient} against a real {@link ReferenceServer} through the proxy, the faults on a fake clock. */
class FaultProxyClientTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final FakeFaultClock clock = new FakeFaultClock();
    private final RecordingStateListener states = new RecordingStateListener();
    private ReferenceServer server;
    private FaultProxy proxy;
    private TetherClient client;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.closeNow();
        }
    }

    private void start(ReferenceServer.Builder serverBuilder, String spec) {
        server = serverBuilder.host("127.0.0.1").port(0).start();
        proxy = FaultProxy.builder().target(server.address()).faults(FaultSpec.parse(spec)).clock(clock).ioThreads(1).start();
        client = TetherClient.builder()
                .config(ClientConfig.builder().endpoint("127.0.0.1", proxy.address().getPort())
                        .backoff(Backoff.constant(Duration.ofMillis(10))).build())
                .onStateChange(states).build();
    }

    private void echoes(String text) throws Exception {
        assertThat(client.request(text.getBytes()).get(WAIT.toSeconds(), SECONDS)).isEqualTo(text.getBytes());
    }

    @Test
    void aClientReconnectsAfterEachCutAndKeepsWorking() throws Exception {
        start(ReferenceServer.builder(), "cut every 5s");
        client.connect().get(WAIT.toSeconds(), SECONDS);
        echoes("before");

        for (int cut = 1; cut <= 3; cut++) {
            clock.advance(Duration.ofSeconds(5));
            StateChange lost = states.awaitState(ConnectionState.RECONNECTING, WAIT);
            assertThat(lost.cause()).isInstanceOf(ConnectionLostException.class);
            states.awaitState(ConnectionState.CONNECTED, WAIT);
            echoes("after cut " + cut);
        }
        assertThat(client.stats().reconnects()).isEqualTo(3);
        assertThat(proxy.stats().faults()).containsEntry("cut", 3L);
        assertThat(proxy.stats().accepted()).isEqualTo(4);
    }

    @Test
    void aStallIsNoticedOnlyByTheHeartbeatAndTheClientComesBackWhenItEnds() throws Exception {
        // The server announces 200 ms heartbeats, so the client gives a silent peer up after 2 x 200 + 200 / 8 = 425 ms;
        // the server's own idle eviction is off so that only the client's dead-peer rule is at work.
        start(ReferenceServer.builder().heartbeatInterval(Duration.ofMillis(200)).idleTimeout(Duration.ZERO), "stall 1m at 1s");
        client.connect().get(WAIT.toSeconds(), SECONDS);
        echoes("before");

        clock.advance(Duration.ofSeconds(1)); // the stall begins: nothing is closed, nothing relayed
        StateChange lost = states.awaitState(ConnectionState.RECONNECTING, WAIT);
        assertThat(lost.cause()).isInstanceOf(ConnectionLostException.class).hasMessageContaining("peer considered dead");

        clock.advance(Duration.ofMinutes(1)); // the stall ends: the handshake held in the proxy goes through
        states.awaitState(ConnectionState.CONNECTED, WAIT);
        echoes("after");
        assertThat(proxy.stats().faults()).containsEntry("stall", 1L);
        assertThat(proxy.stats().connectionsCut()).isZero();
    }
}
