package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.client.AuthenticationException;
import dev.tether.client.Backoff;
import dev.tether.client.ClientConfig;
import dev.tether.client.ClientResources;
import dev.tether.client.ConnectionState;
import dev.tether.client.ServerErrorException;
import dev.tether.client.ServerPush;
import dev.tether.client.TetherClient;
import dev.tether.protocol.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The reference server driven by the real SDK client. */
class SdkClientsTest {
    private final ClientResources resources = ClientResources.create(1);
    private final List<TetherClient> clients = new ArrayList<>();
    private final List<ReferenceServer> servers = new ArrayList<>();

    @AfterEach
    void tearDown() {
        clients.forEach(TetherClient::close);
        try {
            for (ReferenceServer s : servers) {
                Await.registryEmpty(s);
            }
        } finally {
            servers.forEach(ReferenceServer::closeNow);
            resources.close();
        }
    }

    private ReferenceServer server(ServerBuilder b) {
        ReferenceServer s = b.host("127.0.0.1").port(0).eventLoopThreads(1).start();
        servers.add(s);
        return s;
    }

    private TetherClient client(ClientConfig config, CompletableFuture<ServerPush> push, Set<ConnectionState> seen) {
        TetherClient c = TetherClient.builder().config(config).resources(resources)
                .onPush(push::complete)
                .onStateChange(change -> seen.add(change.current()))
                .build();
        clients.add(c);
        return c;
    }

    @Test
    void anSdkClientHandshakesEchoesPingsAndReceivesPushes() throws Exception {
        ReferenceServer server = server(new ServerBuilder());
        CompletableFuture<ServerPush> push = new CompletableFuture<>();
        TetherClient c = client(ClientConfig.builder().endpoint("127.0.0.1", server.port()).clientId("sdk-1").build(),
                push, ConcurrentHashMap.newKeySet());
        c.connect().get(5, TimeUnit.SECONDS);

        byte[] answer = c.request("ping?".getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
        assertThat(new String(answer, StandardCharsets.UTF_8)).isEqualTo("ping?");
        assertThat(c.ping().get(5, TimeUnit.SECONDS)).isPositive();

        assertThat(server.sessions()).singleElement().satisfies(s -> {
            assertThat(s.clientId()).isEqualTo("sdk-1");
            assertThat(s.sessionId()).isEqualTo(c.stats().sessionId());
        });

        long before = ReferenceServerTest.micros(Instant.now());
        assertThat(server.broadcast("news", new byte[] {1})).isEqualTo(1);
        ServerPush p = push.get(5, TimeUnit.SECONDS);
        assertThat(p.topic()).isEqualTo("news");
        assertThat(p.serverTimestampMicros()).isBetween(before, ReferenceServerTest.micros(Instant.now()));
    }

    @Test
    void aWrongTokenFailsTheSdkConnectWithAnAuthenticationError() {
        ReferenceServer server = server(new ServerBuilder().authToken("right"));
        TetherClient c = client(ClientConfig.builder().endpoint("127.0.0.1", server.port()).authToken("wrong").build(),
                new CompletableFuture<>(), ConcurrentHashMap.newKeySet());
        assertThatThrownBy(() -> c.connect().get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(AuthenticationException.class);
        assertThat(server.stats().authFailures()).isEqualTo(1);
        assertThat(server.stats().handshakesTotal()).isZero();
    }

    @Test
    void simulatedErrorsReachTheSdkAsServerErrors() throws Exception {
        ReferenceServer server = server(new ServerBuilder().errorRate(1.0));
        TetherClient c = client(ClientConfig.builder().endpoint("127.0.0.1", server.port()).build(),
                new CompletableFuture<>(), ConcurrentHashMap.newKeySet());
        c.connect().get(5, TimeUnit.SECONDS);
        assertThatThrownBy(() -> c.request(new byte[] {1}).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(ServerErrorException.class)
                .cause().satisfies(e -> assertThat(((ServerErrorException) e).errorCode()).isEqualTo(ErrorCode.APPLICATION_ERROR));
        // The connection survives a per-request error.
        assertThat(c.state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void aDrainSendsSdkClientsAwayAfterTheirRequestsFinishAndTheyReconnectToTheSecondServer() throws Exception {
        ReferenceServer first = server(new ServerBuilder().serviceTime(ServiceTime.fixed(Duration.ofMillis(500)))
                .reconnectAfter(Duration.ofMillis(100)).drainTimeout(Duration.ofSeconds(10)));
        ReferenceServer second = server(new ServerBuilder());
        ClientConfig config = ClientConfig.builder()
                .endpoint("127.0.0.1", first.port())
                .endpoint("127.0.0.1", second.port())
                .backoff(Backoff.constant(Duration.ofMillis(50)))
                .build();
        int n = 5;
        List<TetherClient> sdk = new ArrayList<>();
        List<Set<ConnectionState>> states = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Set<ConnectionState> seen = ConcurrentHashMap.newKeySet();
            TetherClient c = client(config, new CompletableFuture<>(), seen);
            c.connect().get(5, TimeUnit.SECONDS);
            sdk.add(c);
            states.add(seen);
        }
        assertThat(first.sessions()).hasSize(n);

        List<CompletableFuture<byte[]>> inFlight = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            inFlight.add(sdk.get(i).request(new byte[] {(byte) i}));
        }
        Await.until(Duration.ofSeconds(5), () -> first.sessions().stream().mapToInt(SessionInfo::requestsInFlight).sum() == n,
                () -> "" + first.sessions());

        CompletableFuture<Void> drained = first.drain();

        for (int i = 0; i < n; i++) {
            assertThat(inFlight.get(i).get(5, TimeUnit.SECONDS)).containsExactly((byte) i);
        }
        drained.get(10, TimeUnit.SECONDS);
        assertThat(first.sessions()).isEmpty();
        Await.until(Duration.ofSeconds(10), () -> second.sessions().size() == n
                        && sdk.stream().allMatch(c -> c.state() == ConnectionState.CONNECTED),
                () -> "second server has " + second.sessions().size() + " sessions");
        for (int i = 0; i < n; i++) {
            assertThat(states.get(i)).contains(ConnectionState.DRAINING); // every client got the go-away
            assertThat(sdk.get(i).stats().endpoint().getPort()).isEqualTo(second.port());
            assertThat(sdk.get(i).request(new byte[] {7}).get(5, TimeUnit.SECONDS)).containsExactly(7);
        }
        assertThat(second.stats().requestsTotal()).isEqualTo(n);
    }
}
