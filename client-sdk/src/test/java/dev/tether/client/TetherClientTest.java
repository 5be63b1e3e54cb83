package dev.tether.client;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.protocol.ErrorCode;
import dev.tether.protocol.ErrorMessage;
import dev.tether.protocol.Hello;
import dev.tether.protocol.Push;
import dev.tether.protocol.Request;
import dev.tether.protocol.Send;
import dev.tether.testing.MockServer;
import dev.tether.testing.RecordingStateListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** End to end against {@link MockServer} on a real socket: the happy paths of the public API. */
class TetherClientTest {
    private final MockServer server = MockServer.start();
    private final RecordingStateListener states = new RecordingStateListener();
    private final BlockingQueue<ServerPush> pushes = new LinkedBlockingQueue<>();
    private TetherClient client;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        server.close();
    }

    private TetherClient newClient(ClientConfig.Builder config) {
        client = TetherClient.builder().config(config.build()).onStateChange(states).onPush(pushes::add).build();
        return client;
    }

    private ClientConfig.Builder config() {
        return ClientConfig.builder().endpoint("127.0.0.1", server.port());
    }

    @Test
    void connectCompletesAfterWelcomeAndSaysHelloWithConfiguredIdentity() throws Exception {
        newClient(config().clientId("c-1").authToken("secret").heartbeatInterval(Duration.ofSeconds(20))
                .deadPeerTimeout(Duration.ofSeconds(45)));
        assertThat(client.state()).isEqualTo(ConnectionState.IDLE);

        client.connect().get(5, SECONDS);

        Hello hello = server.takeFrame(Hello.class);
        assertThat(hello.clientId()).isEqualTo("c-1");
        assertThat(hello.authToken()).isEqualTo("secret");
        assertThat(hello.heartbeatIntervalMillis()).isEqualTo(20_000);
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(states.states()).containsExactly(ConnectionState.CONNECTING, ConnectionState.CONNECTED);
        ClientStats stats = client.stats();
        assertThat(stats.sessionId()).isEqualTo("session-0");
        assertThat(stats.endpoint().getPort()).isEqualTo(server.port());
        assertThat(stats.connectedSince()).isNotNull();
        assertThat(stats.framesOut()).isEqualTo(1);
        assertThat(stats.framesIn()).isEqualTo(1);
    }

    @Test
    void requestsAreCorrelatedWithTheirResponses() throws Exception {
        server.onRequest(r -> new dev.tether.protocol.Response(r.id(),
                ("re:" + new String(r.payload(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
        newClient(config()).connect().get(5, SECONDS);

        var futures = new java.util.ArrayList<java.util.concurrent.CompletableFuture<byte[]>>();
        for (int i = 0; i < 100; i++) {
            futures.add(client.request(("q" + i).getBytes(StandardCharsets.UTF_8)));
        }
        for (int i = 0; i < 100; i++) {
            assertThat(new String(futures.get(i).get(5, SECONDS), StandardCharsets.UTF_8)).isEqualTo("re:q" + i);
        }
        assertThat(server.frames(Request.class)).extracting(Request::id).doesNotHaveDuplicates().hasSize(100);
        assertThat(client.stats().requestsInFlight()).isZero();
    }

    @Test
    void serverErrorAnswerFailsTheRequestWithServerErrorException() throws Exception {
        server.onRequest(r -> new ErrorMessage(r.id(), ErrorCode.APPLICATION_ERROR, "nope"));
        newClient(config()).connect().get(5, SECONDS);

        assertThatThrownBy(() -> client.request(new byte[] {1}).get(5, SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(ServerErrorException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.APPLICATION_ERROR);
                    assertThat(e.text()).isEqualTo("nope");
                    assertThat(e.reason()).isEqualTo(ClientException.Reason.SERVER_ERROR);
                });
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void aDrainingRefusalIsRetrySafe() throws Exception {
        server.onRequest(r -> new ErrorMessage(r.id(), ErrorCode.DRAINING, "going away"));
        newClient(config()).connect().get(5, SECONDS);
        assertThatThrownBy(() -> client.request(new byte[] {1}).get(5, SECONDS)).cause()
                .isInstanceOfSatisfying(ServerErrorException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ClientException.Reason.DRAINING);
                    assertThat(e.reason().retrySafe()).isTrue();
                });
    }

    @Test
    void statsCountFramesAndBytesBothWays() throws Exception {
        newClient(config().clientId("ab")).connect().get(5, SECONDS);
        ClientStats before = client.stats();
        client.request(new byte[] {1, 2, 3}).get(5, SECONDS);
        client.send(new byte[] {4}).get(5, SECONDS);
        ClientStats after = client.stats();
        assertThat(after.framesOut() - before.framesOut()).isEqualTo(2);
        assertThat(after.bytesOut() - before.bytesOut()).isEqualTo((16 + 3) + (16 + 1)); // prefix + header + payload
        assertThat(after.framesIn() - before.framesIn()).isEqualTo(1);
        assertThat(after.bytesIn() - before.bytesIn()).isEqualTo(16 + 3);
        assertThat(after.requestsInFlight()).isZero();
        assertThat(after.bufferedSends()).isZero();
        assertThat(after.reconnects()).isZero();
    }

    @Test
    void sendCompletesWhenWrittenAndArrivesInOrder() throws Exception {
        newClient(config()).connect().get(5, SECONDS);
        java.util.concurrent.CompletableFuture<Void> last = null;
        for (int i = 0; i < 50; i++) {
            last = client.send(new byte[] {(byte) i});
        }
        last.get(5, SECONDS);
        for (int i = 0; i < 50; i++) {
            assertThat(server.takeFrame(Send.class).payload()).containsExactly((byte) i);
        }
    }

    @Test
    void pushesReachTheListener() throws Exception {
        newClient(config()).connect().get(5, SECONDS);
        assertThat(server.push(new Push("news", 5L, 7L, new byte[] {42}))).isEqualTo(1);
        ServerPush p = pushes.poll(5, SECONDS);
        assertThat(p).isEqualTo(new ServerPush(new byte[] {42}, "news", 5L, 7L));
    }

    @Test
    void pingMeasuresTheRoundTripAndRecordsItInStats() throws Exception {
        newClient(config()).connect().get(5, SECONDS);
        assertThat(client.stats().lastHeartbeatRtt()).isNull();
        Duration rtt = client.ping().get(5, SECONDS);
        assertThat(rtt).isPositive().isLessThan(Duration.ofSeconds(5));
        assertThat(client.stats().lastHeartbeatRtt()).isEqualTo(rtt);
    }

    @Test
    void requestTimesOutWhenTheServerNeverAnswers() throws Exception {
        server.onRequest(r -> null);
        newClient(config()).connect().get(5, SECONDS);
        var f = client.request(new byte[] {1}, Duration.ofMillis(100));
        assertThatThrownBy(() -> f.get(5, SECONDS)).cause().isInstanceOf(RequestTimeoutException.class)
                .hasMessageContaining("within 100 ms");
        assertThat(client.stats().requestsInFlight()).isZero();
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void inFlightRequestsFailWithConnectionLostWhenTheConnectionDrops() throws Exception {
        server.onRequest(r -> null);
        newClient(config().backoff(Backoff.constant(Duration.ofHours(1)))).connect().get(5, SECONDS);
        var f1 = client.request(new byte[] {1});
        var f2 = client.request(new byte[] {2});
        server.takeFrame(Request.class);
        server.takeFrame(Request.class);

        server.disconnectAll();

        assertThatThrownBy(() -> f1.get(5, SECONDS)).cause().isInstanceOf(ConnectionLostException.class);
        assertThatThrownBy(() -> f2.get(5, SECONDS)).cause().isInstanceOf(ConnectionLostException.class);
        StateChange reconnecting = states.awaitState(ConnectionState.RECONNECTING);
        assertThat(reconnecting.cause()).isInstanceOf(ConnectionLostException.class);
        assertThat(reconnecting.delay()).isEqualTo(Duration.ofHours(1));
        assertThat(reconnecting.attempt()).isEqualTo(1);
    }

    @Test
    void reconnectsAfterTheServerRestartsOnTheSamePort() throws Exception {
        newClient(config().backoff(Backoff.constant(Duration.ofMillis(50)))).connect().get(5, SECONDS);
        server.awaitHandshake(Duration.ofSeconds(5));

        server.stop();
        states.awaitState(ConnectionState.RECONNECTING);
        server.restart();

        server.awaitHandshake(Duration.ofSeconds(10));
        states.awaitState(ConnectionState.CONNECTED);
        assertThat(client.request(new byte[] {9}).get(5, SECONDS)).containsExactly(9);
        assertThat(client.stats().reconnects()).isEqualTo(1);
    }

    @Test
    void aMalformedFrameFromTheServerIsAnsweredWithAnErrorAndTheClientReconnects() throws Exception {
        newClient(config().backoff(Backoff.constant(Duration.ofMillis(10)))).connect().get(5, SECONDS);
        server.writeRaw(new byte[] {0, 0, 0, 12, 0x55, 1, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0}); // bad magic
        ErrorMessage error = server.takeFrame(ErrorMessage.class);
        assertThat(error.id()).isZero();
        assertThat(error.errorCode()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        StateChange lost = states.awaitState(ConnectionState.RECONNECTING);
        assertThat(lost.cause()).isInstanceOf(ConnectionLostException.class).hasMessageContaining("protocol error");
        states.awaitState(ConnectionState.CONNECTED);
    }

    @Test
    void closeIsIdempotentAndFailsLaterCalls() throws Exception {
        newClient(config()).connect().get(5, SECONDS);
        client.close();
        client.close();
        client.closeAsync().get(5, SECONDS);
        assertThat(client.state()).isEqualTo(ConnectionState.CLOSED);
        assertThatThrownBy(() -> client.send(new byte[1]).get(5, SECONDS)).cause().isInstanceOf(ClientClosedException.class);
        assertThatThrownBy(() -> client.connect().get(5, SECONDS)).cause().isInstanceOf(ClientClosedException.class);
    }

    @Test
    void firstConnectFailsWhenNothingListensAndRetryIsOff() throws Exception {
        int port = server.port();
        server.stop();
        newClient(ClientConfig.builder().endpoint("127.0.0.1", port));
        assertThatThrownBy(() -> client.connect().get(5, SECONDS)).cause()
                .isInstanceOf(ConnectFailedException.class).hasMessageContaining("127.0.0.1:" + port);
        assertThat(client.state()).isEqualTo(ConnectionState.IDLE);
    }

    @Test
    void aSessionTheServerCouldNotResumeIsToldToTheSessionLossListenerOnce() throws Exception {
        server.resumption(true).autoAck(false);
        BlockingQueue<SessionLoss> losses = new LinkedBlockingQueue<>();
        client = TetherClient.builder()
                .config(config().backoff(Backoff.constant(Duration.ofMillis(10))).build())
                .onStateChange(states).onSessionLoss(losses::add).build();
        client.connect().get(5, SECONDS);
        var sent = client.send(new byte[] {1});
        server.takeFrame(Send.class);
        assertThat(sent).isNotDone(); // not acknowledged yet
        server.forgetSessions();
        server.autoAck(true);
        server.disconnectAll();

        SessionLoss loss = losses.poll(5, SECONDS);
        assertThat(loss).isEqualTo(new SessionLoss(SessionLoss.Kind.NOT_RESUMED, "session-0", "session-1",
                SessionLoss.UNKNOWN, 1, 0));
        sent.get(5, SECONDS); // re-sent on the new session and acknowledged there
        StateChange connected = states.awaitState(ConnectionState.CONNECTED);
        while (connected.cause() == null) { // the first CONNECTED is the first session's
            connected = states.awaitState(ConnectionState.CONNECTED);
        }
        assertThat(connected.cause()).isInstanceOf(SessionLostException.class);
        assertThat(losses).isEmpty();
        ClientStats stats = client.stats();
        assertThat(stats.resumption()).isEqualTo(Resumption.ON);
        assertThat(stats.resumesFailed()).isEqualTo(1);
        assertThat(stats.sendsResentAfterSessionLoss()).isEqualTo(1);
    }
}
