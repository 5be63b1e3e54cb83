package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.protocol.ErrorCode;
import dev.tether.protocol.ErrorMessage;
import dev.tether.protocol.Hello;
import dev.tether.protocol.Message;
import dev.tether.protocol.Ping;
import dev.tether.protocol.Pong;
import dev.tether.protocol.Push;
import dev.tether.protocol.Request;
import dev.tether.protocol.Response;
import dev.tether.protocol.Send;
import dev.tether.protocol.Welcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReferenceServerTest {

    @Test
    void welcomesAHelloAndRegistersTheSession() throws IOException {
        try (ServerFixture f = new ServerFixture(ServerFixture.builder().heartbeatInterval(Duration.ofSeconds(7)).maxFrameLength(4096))) {
            RawClient c = f.raw();
            c.send(new Hello(5, 30_000, "client-a", null, null)); // speaks up to v5: the server answers with v2
            Welcome w = c.read(Welcome.class);
            assertThat(w.version()).isEqualTo(2);
            assertThat(w.resumeToken()).isNotNull(); // resumption is on by default
            assertThat(w.heartbeatIntervalMillis()).isEqualTo(7_000);
            assertThat(w.maxFrameLength()).isEqualTo(4096);
            assertThat(w.sessionId()).isNotEmpty();

            List<SessionInfo> sessions = f.server.sessions();
            assertThat(sessions).hasSize(1);
            SessionInfo s = sessions.get(0);
            assertThat(s.sessionId()).isEqualTo(w.sessionId());
            assertThat(s.clientId()).isEqualTo("client-a");
            assertThat(s.state()).isEqualTo(SessionInfo.State.OPEN);
            assertThat(s.framesIn()).isEqualTo(1);
            assertThat(s.framesOut()).isEqualTo(1);
            assertThat(s.connectedSince()).isBeforeOrEqualTo(s.lastActivity());
            assertThat(f.server.stats().handshakesTotal()).isEqualTo(1);
            assertThat(f.server.stats().connections()).isEqualTo(1);
        }
    }

    @Test
    void echoesRequestsAnswersPingsAndCountsSends() throws IOException {
        try (ServerFixture f = new ServerFixture(ServerFixture.builder())) {
            RawClient c = f.session();
            byte[] payload = "hello, tether".getBytes(StandardCharsets.UTF_8);
            c.send(new Request(42, payload), new Ping(1234), new Send(new byte[] {1, 2}), new Request(43, new byte[0]));
            assertThat(c.read()).isEqualTo(new Response(42, payload));
            assertThat(c.read()).isEqualTo(new Pong(1234));
            assertThat(c.read()).isEqualTo(new Response(43, new byte[0]));

            ServerStats stats = f.server.stats();
            assertThat(stats.requestsTotal()).isEqualTo(2);
            assertThat(stats.sendsTotal()).isEqualTo(1);
            assertThat(stats.bytesIn()).isPositive();
            assertThat(stats.bytesOut()).isPositive();
            SessionInfo s = f.server.sessions().get(0);
            assertThat(s.framesIn()).isEqualTo(5); // hello + 4
            assertThat(s.framesOut()).isEqualTo(4); // welcome + 3
        }
    }

    @Test
    void errorRateOneAnswersEveryRequestWithAnApplicationErrorCarryingItsId() throws IOException {
        try (ServerFixture f = new ServerFixture(ServerFixture.builder().errorRate(1.0))) {
            RawClient c = f.session();
            c.send(new Request(7, new byte[] {1}), new Request(8, new byte[] {2}));
            ErrorMessage e7 = c.read(ErrorMessage.class);
            ErrorMessage e8 = c.read(ErrorMessage.class);
            assertThat(e7.id()).isEqualTo(7);
            assertThat(e8.id()).isEqualTo(8);
            assertThat(e7.errorCode()).isEqualTo(ErrorCode.APPLICATION_ERROR);
            // The session stays open after a per-request error.
            c.send(new Ping(1));
            assertThat(c.read()).isEqualTo(new Pong(1));
            assertThat(f.server.stats().applicationErrors()).isEqualTo(2);
        }
    }

    @Test
    void errorRateHalfFailsAboutHalfTheRequests() throws IOException {
        try (ServerFixture f = new ServerFixture(ServerFixture.builder().errorRate(0.5))) {
            RawClient c = f.session();
            int n = 1000;
            Message[] batch = new Message[n];
            for (int i = 0; i < n; i++) {
                batch[i] = new Request(i + 1, new byte[0]);
            }
            c.send(batch);
            int errors = 0;
            for (int i = 0; i < n; i++) {
                Message m = c.read();
                assertThat(m.correlationId()).isEqualTo(i + 1);
                if (m instanceof ErrorMessage) {
                    errors++;
                }
            }
            // Binomial(1000, 0.5): outside [380, 620] has a probability below 1e-13.
            assertThat(errors).isBetween(380, 620);
            assertThat(f.server.stats().applicationErrors()).isEqualTo(errors);
        }
    }

    @Test
    void serviceTimeDelaysAnswersWithoutBlockingTheEventLoop() throws IOException {
        // One event loop serves both connections: if the slow request blocked it, the ping could not be answered.
        try (ServerFixture f = new ServerFixture(ServerFixture.builder().serviceTime(ServiceTime.fixed(Duration.ofMinutes(1)))
                .eventLoopThreads(1))) {
            RawClient slow = f.session();
            RawClient other = f.session();
            slow.send(new Request(1, new byte[] {9}));
            Await.until(Duration.ofSeconds(5), () -> f.server.sessions().stream().anyMatch(s -> s.requestsInFlight() == 1),
                    () -> "request never in flight: " + f.server.sessions());
            other.send(new Ping(5));
            assertThat(other.read()).isEqualTo(new Pong(5));
            assertThat(f.server.sessions()).anyMatch(s -> s.requestsInFlight() == 1); // still working on it
        }
    }

    @Test
    void aShortServiceTimeAnswersAfterItsDelay() throws IOException {
        try (ServerFixture f = new ServerFixture(ServerFixture.builder().serviceTime(ServiceTime.parse("uniform:20ms-40ms")))) {
            RawClient c = f.session();
            long start = System.nanoTime();
            c.send(new Request(1, new byte[] {1}));
            assertThat(c.read()).isEqualTo(new Response(1, new byte[] {1}));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(20));
        }
    }

    @Test
    void broadcastPushesToEverySessionWithTheServersWallClock() throws IOException {
        try (ServerFixture f = new ServerFixture(ServerFixture.builder())) {
            RawClient a = f.session();
            RawClient b = f.session();
            f.raw(); // still in the handshake: gets nothing
            long before = micros(Instant.now());
            assertThat(f.server.broadcast("prices", new byte[] {1, 2, 3})).isEqualTo(2);
            for (RawClient c : List.of(a, b)) {
                Push p = c.read(Push.class);
                assertThat(p.topic()).isEqualTo("prices");
                assertThat(p.payload()).containsExactly(1, 2, 3);
                assertThat(p.timestampMicros()).isBetween(before, micros(Instant.now()));
            }
            Await.until(Duration.ofSeconds(5), () -> f.server.stats().pushesTotal() == 2, () -> "" + f.server.stats());
        }
    }

    @Test
    void pushRateSendsPushesOfTheConfiguredSizeAndTopic() throws IOException {
        try (ServerFixture f = new ServerFixture(ServerFixture.builder().pushRate(200).pushSize(100).pushTopic("ticks"))) {
            RawClient c = f.session();
            for (int i = 0; i < 5; i++) {
                Push p = c.read(Push.class);
                assertThat(p.topic()).isEqualTo("ticks");
                assertThat(p.payload()).hasSize(100);
                assertThat(p.timestampMicros()).isPositive();
            }
        }
    }

    @Test
    void refusesConnectionsBeyondTheLimitWithServerFull() throws IOException {
        try (ServerFixture f = new ServerFixture(ServerFixture.builder().maxConnections(2))) {
            RawClient a = f.session();
            f.session();
            ErrorMessage full = f.raw().readErrorAndClose();
            assertThat(full.errorCode()).isEqualTo(ErrorCode.SERVER_FULL);
            assertThat(f.server.stats().rejectedFull()).isEqualTo(1);

            a.close();
            Await.until(Duration.ofSeconds(5), () -> f.server.stats().connections() == 1, () -> "" + f.server.stats());
            RawClient c = f.session(); // room again
            c.send(new Ping(3));
            assertThat(c.read()).isEqualTo(new Pong(3));
        }
    }

    @Test
    void afterEveryClientLeavesTheRegistryIsEmptyAndEveryBufferReleased() throws IOException {
        try (ServerFixture f = new ServerFixture(ServerFixture.builder().errorRate(0.3).pushRate(500).pushSize(512)
                .serviceTime(ServiceTime.uniform(Duration.ZERO, Duration.ofMillis(2))))) {
            List<RawClient> clients = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                clients.add(f.session());
            }
            for (RawClient c : clients) {
                for (int r = 1; r <= 20; r++) {
                    c.send(new Request(r, new byte[r * 10]));
                }
            }
            for (RawClient c : clients) {
                int answered = 0;
                while (answered < 20) {
                    Message m = c.read();
                    if (!(m instanceof Push)) {
                        answered++;
                    }
                }
                f.server.broadcast("bye", new byte[100]);
            }
            // Half leave cleanly, half leave with requests still in flight and pushes unread.
            for (int i = 0; i < clients.size(); i++) {
                RawClient c = clients.get(i);
                if (i % 2 == 0) {
                    c.send(new Request(1_000, new byte[1000]));
                }
                c.close();
            }
            Await.registryEmpty(f.server);
            assertThat(f.server.stats().requestsTotal()).isGreaterThanOrEqualTo(400);
        }
        assertThat(dev.tether.testing.LeakDetectionExtension.collectLeaks()).isEmpty();
    }

    @Test
    void failsToStartWithAMessageNamingTheAddress() {
        try (ReferenceServer first = ReferenceServer.builder().host("127.0.0.1").port(0).start()) {
            assertThatThrownBy(() -> ReferenceServer.builder().host("127.0.0.1").port(first.port()).start())
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("127.0.0.1:" + first.port());
        }
    }

    @Test
    void builderRejectsBadValuesNamingThem() {
        ReferenceServer.Builder b = ReferenceServer.builder();
        assertThatThrownBy(() -> b.errorRate(1.5)).hasMessageContaining("1.5");
        assertThatThrownBy(() -> b.handshakeTimeout(Duration.ZERO)).hasMessageContaining("handshakeTimeout");
        assertThatThrownBy(() -> b.port(70000)).hasMessageContaining("70000");
        assertThatThrownBy(() -> b.maxConnections(0)).hasMessageContaining("maxConnections");
        assertThatThrownBy(() -> new ServerBuilder().maxFrameLength(1 << 20).maxPendingBytesPerConnection(4096).start())
                .hasMessageContaining("maxPendingBytesPerConnection");
    }

    static long micros(Instant i) {
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
    }

    @Test
    void serverFullIsFollowedByACleanCloseEvenWhenTheClientHasSentMore() throws IOException {
        try (ServerFixture f = new ServerFixture(ServerFixture.builder().maxConnections(1))) {
            f.session();
            RawClient late = f.raw();
            // A hello and 64 KiB of requests the server will never read as requests: closing with them unread
            // would reset the connection, and a reset can destroy the error before the client reads it.
            late.send(new Hello(30_000, "late", null));
            for (int i = 1; i <= 64; i++) {
                late.send(new Request(i, new byte[1000]));
            }
            List<Message> got = late.readUntilCleanClose();
            assertThat(got).hasSize(1);
            assertThat(((ErrorMessage) got.get(0)).errorCode()).isEqualTo(ErrorCode.SERVER_FULL);
        }
    }
}
