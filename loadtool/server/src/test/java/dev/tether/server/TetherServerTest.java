package dev.tether.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.client.ConnectionState;
import dev.tether.client.ServerErrorException;
import dev.tether.client.ServerPush;
import dev.tether.protocol.ErrorCode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The library's front door driven by the real SDK: handlers, the executor option, sessions, drain, metrics. */
class TetherServerTest {
    private final TetherFixture fixture = new TetherFixture();

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, UTF_8);
    }

    @Test
    void aSynchronousHandlerAnswersOnTheEventLoop() throws Exception {
        Map<String, String> threads = new ConcurrentHashMap<>();
        TetherServer server = fixture.start(TetherFixture.builder().handler((session, payload) -> {
            threads.put("request", Thread.currentThread().getName());
            return CompletableFuture.completedFuture(bytes(text(payload).toUpperCase()));
        }));
        TetherFixture.Recorded c = fixture.connected(server);

        assertThat(text(c.client.request(bytes("hello")).get(10, TimeUnit.SECONDS))).isEqualTo("HELLO");
        assertThat(threads.get("request")).startsWith("tether-server-io"); // the documented default
    }

    @Test
    void anAsynchronousHandlerAnswersWhenItsFutureCompletesOnAnotherThread() throws Exception {
        CompletableFuture<byte[]> pending = new CompletableFuture<>();
        CountDownLatch asked = new CountDownLatch(1);
        TetherServer server = fixture.start(TetherFixture.builder().handler((session, payload) -> {
            asked.countDown();
            return pending;
        }));
        TetherFixture.Recorded c = fixture.connected(server);

        CompletableFuture<byte[]> reply = c.client.request(bytes("later"));
        assertThat(asked.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(reply).isNotDone();
        Thread completer = new Thread(() -> pending.complete(bytes("done")), "application-thread");
        completer.start();
        assertThat(text(reply.get(10, TimeUnit.SECONDS))).isEqualTo("done");
        completer.join();
    }

    @Test
    void aRequestExceptionAnswersWithItsCodeAndAnyOtherFailureWithApplicationError() throws Exception {
        TetherServer server = fixture.start(TetherFixture.builder().handler((session, payload) -> switch (text(payload)) {
            case "busy" -> CompletableFuture.failedFuture(new RequestException(ErrorCode.SERVER_BUSY, "try again in a bit"));
            case "bad" -> throw RequestException.applicationError("no such room: bad");
            case "bug" -> throw new IllegalStateException("internal detail that must not leak");
            default -> CompletableFuture.completedFuture(payload);
        }));
        TetherFixture.Recorded c = fixture.connected(server);

        assertThat(serverError(c, "busy")).satisfies(e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.SERVER_BUSY);
            assertThat(e.text()).isEqualTo("try again in a bit");
        });
        assertThat(serverError(c, "bad")).satisfies(e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.APPLICATION_ERROR);
            assertThat(e.text()).isEqualTo("no such room: bad");
        });
        assertThat(serverError(c, "bug")).satisfies(e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.APPLICATION_ERROR);
            assertThat(e.text()).doesNotContain("internal detail");
        });
        // The connection outlives errors of single requests.
        assertThat(c.client.state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(text(c.client.request(bytes("ok")).get(10, TimeUnit.SECONDS))).isEqualTo("ok");
        assertThat(server.metrics().stats().applicationErrors()).isEqualTo(3);
    }

    private static ServerErrorException serverError(TetherFixture.Recorded c, String payload) {
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> c.client.request(bytes(payload)).get(10, TimeUnit.SECONDS));
        assertThat(e.getCause()).isInstanceOf(ServerErrorException.class);
        return (ServerErrorException) e.getCause();
    }

    @Test
    void aBlockingHandlerOnTheExecutorDoesNotDelayAnotherSession() throws Exception {
        ExecutorService executor = Executors.newCachedThreadPool();
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Map<String, String> threads = new ConcurrentHashMap<>();
        try {
            TetherServer server = fixture.start(TetherFixture.builder().eventLoopThreads(1).handlerExecutor(executor)
                    .handler((session, payload) -> {
                        threads.put(text(payload), Thread.currentThread().getName());
                        if (text(payload).equals("block")) {
                            blocked.countDown();
                            try {
                                // Blocks its thread, as JDBC would: allowed on the executor.
                                if (!release.await(30, TimeUnit.SECONDS)) {
                                    throw new IllegalStateException("never released");
                                }
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                        return CompletableFuture.completedFuture(payload);
                    }));
            TetherFixture.Recorded slow = fixture.connected(server);
            TetherFixture.Recorded other = fixture.connected(server);

            CompletableFuture<byte[]> stuck = slow.client.request(bytes("block"));
            assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
            // One event loop serves both sessions: it still reads, answers and pings for the other one.
            assertThat(text(other.client.request(bytes("free")).get(10, TimeUnit.SECONDS))).isEqualTo("free");
            assertThat(other.client.ping().get(10, TimeUnit.SECONDS)).isPositive();
            assertThat(stuck).isNotDone();

            release.countDown();
            assertThat(text(stuck.get(10, TimeUnit.SECONDS))).isEqualTo("block");
            assertThat(threads.values()).allSatisfy(t -> assertThat(t).doesNotStartWith("tether-server-io"));
        } finally {
            release.countDown();
            executor.shutdown();
        }
    }

    @Test
    void onTheExecutorOneSessionsCallsKeepTheirOrder() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(4);
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch closed = new CountDownLatch(1);
        try {
            TetherServer server = fixture.start(TetherFixture.builder().handlerExecutor(executor).handler(new ServerHandler() {
                @Override
                public CompletableFuture<byte[]> onRequest(ServerSession session, byte[] payload) {
                    seen.add("request " + text(payload));
                    return CompletableFuture.completedFuture(payload);
                }

                @Override
                public void onSend(ServerSession session, byte[] payload) {
                    seen.add("send " + text(payload));
                }

                @Override
                public void onOpen(ServerSession session) {
                    seen.add("open");
                }

                @Override
                public void onClose(ServerSession session, CloseReason reason) {
                    seen.add("close " + reason);
                    closed.countDown();
                }
            }));
            TetherFixture.Recorded c = fixture.connected(server);
            for (int i = 0; i < 20; i++) {
                c.client.send(bytes(Integer.toString(i)));
            }
            c.client.request(bytes("last")).get(10, TimeUnit.SECONDS);
            c.client.close();
            assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();

            List<String> expected = new java.util.ArrayList<>();
            expected.add("open");
            for (int i = 0; i < 20; i++) {
                expected.add("send " + i);
            }
            expected.add("request last");
            expected.add("close PEER_CLOSED");
            assertThat(seen).containsExactlyElementsOf(expected);
        } finally {
            executor.shutdown();
        }
    }

    @Test
    void aSessionIsFoundByIdCarriesAttributesTakesPushesAndClosesWithAGoAway() throws Exception {
        CompletableFuture<CloseReason> closeReason = new CompletableFuture<>();
        TetherServer server = fixture.start(TetherFixture.builder().reconnectAfter(Duration.ofSeconds(30)).handler(new ServerHandler() {
            @Override
            public CompletableFuture<byte[]> onRequest(ServerSession session, byte[] payload) {
                session.attribute("last", text(payload));
                return CompletableFuture.completedFuture(payload);
            }

            @Override
            public void onClose(ServerSession session, CloseReason reason) {
                closeReason.complete(reason);
            }
        }));
        TetherFixture.Recorded c = fixture.client(server, b -> b.clientId("phone-7"));
        c.client.connect().get(10, TimeUnit.SECONDS);
        c.client.request(bytes("remember me")).get(10, TimeUnit.SECONDS);

        String id = c.sessionId();
        ServerSession session = server.session(id).orElseThrow();
        assertThat(session.id()).isEqualTo(id);
        assertThat(session.clientId()).isEqualTo("phone-7");
        assertThat(session.principal()).isEqualTo("phone-7"); // acceptAll names the client by its id
        assertThat(session.remoteAddress().getAddress().isLoopbackAddress()).isTrue();
        assertThat(session.attribute("last")).isEqualTo("remember me");
        assertThat(server.sessions()).containsExactly(session);
        assertThat(server.session("no-such-id")).isEmpty();

        assertThat(session.push("direct", bytes("just for you"))).isTrue();
        Await.until(TetherFixture.WAIT, () -> !c.pushes.isEmpty(), () -> "no push arrived");
        ServerPush p = c.pushes.peek();
        assertThat(p.topic()).isEqualTo("direct");
        assertThat(text(p.payload())).isEqualTo("just for you");

        session.close("you have been moved");
        assertThat(closeReason.get(10, TimeUnit.SECONDS)).isEqualTo(CloseReason.GOING_AWAY);
        Await.until(TetherFixture.WAIT, () -> c.states.contains(ConnectionState.DRAINING), () -> "the client saw no GO_AWAY: " + c.states);
        assertThat(session.isOpen()).isFalse();
        assertThat(session.push(null, bytes("too late"))).isFalse();
        assertThat(server.session(id)).isEmpty();
    }

    @Test
    void aSessionClosedWhileAHandlerNeverAnswersIsClosedAtTheDrainTimeout() throws Exception {
        CompletableFuture<CloseReason> closeReason = new CompletableFuture<>();
        CountDownLatch asked = new CountDownLatch(1);
        TetherServer server = fixture.start(TetherFixture.builder().drainTimeout(Duration.ofMillis(300)).handler(new ServerHandler() {
            @Override
            public CompletableFuture<byte[]> onRequest(ServerSession session, byte[] payload) {
                asked.countDown();
                return new CompletableFuture<>(); // never answered
            }

            @Override
            public void onClose(ServerSession session, CloseReason reason) {
                closeReason.complete(reason);
            }
        }));
        TetherFixture.Recorded c = fixture.connected(server);
        c.client.request(bytes("stuck"));
        assertThat(asked.await(10, TimeUnit.SECONDS)).isTrue();
        server.session(c.sessionId()).orElseThrow().close("maintenance");
        assertThat(closeReason.get(10, TimeUnit.SECONDS)).isEqualTo(CloseReason.GOING_AWAY);
    }

    @Test
    void aDrainAnswersTheRequestsInFlightThenEndsAndAtItsDeadlineClosesTheRest() throws Exception {
        CompletableFuture<byte[]> finishing = new CompletableFuture<>();
        CountDownLatch asked = new CountDownLatch(2);
        Map<String, CloseReason> reasons = new ConcurrentHashMap<>();
        TetherServer server = fixture.start(TetherFixture.builder().handler(new ServerHandler() {
            @Override
            public CompletableFuture<byte[]> onRequest(ServerSession session, byte[] payload) {
                asked.countDown();
                // "finish" is answered when the test says so; "never" is never answered.
                return text(payload).equals("finish") ? finishing : new CompletableFuture<>();
            }

            @Override
            public void onClose(ServerSession session, CloseReason reason) {
                reasons.put(session.clientId(), reason);
            }
        }));
        TetherFixture.Recorded a = fixture.client(server, b -> b.clientId("a"));
        a.client.connect().get(10, TimeUnit.SECONDS);
        TetherFixture.Recorded b = fixture.client(server, x -> x.clientId("b"));
        b.client.connect().get(10, TimeUnit.SECONDS);
        CompletableFuture<byte[]> answered = a.client.request(bytes("finish"));
        b.client.request(bytes("never"));
        assertThat(asked.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> drained = server.drain(Duration.ofSeconds(2));
        Await.until(TetherFixture.WAIT, () -> a.states.contains(ConnectionState.DRAINING)
                && b.states.contains(ConnectionState.DRAINING), () -> "no GO_AWAY yet: " + a.states + " " + b.states);
        finishing.complete(bytes("finished"));
        assertThat(text(answered.get(10, TimeUnit.SECONDS))).isEqualTo("finished");

        drained.get(10, TimeUnit.SECONDS); // b's request holds its session until the deadline
        assertThat(reasons).containsEntry("a", CloseReason.GOING_AWAY).containsEntry("b", CloseReason.SERVER_STOPPED);
        assertThat(server.terminationFuture()).isDone();
    }

    @Test
    void metricsCountSessionsHandshakesRequestsPushesAndMemory() throws Exception {
        TetherServer server = fixture.start(TetherFixture.builder().memoryBudget(32L << 20)
                .handler((session, payload) -> CompletableFuture.completedFuture(payload)));
        TetherFixture.Recorded a = fixture.connected(server);
        TetherFixture.Recorded b = fixture.connected(server);
        for (int i = 0; i < 3; i++) {
            a.client.request(new byte[] {(byte) i}).get(10, TimeUnit.SECONDS);
        }
        assertThat(server.broadcast("all", bytes("x"))).isEqualTo(2);
        Await.until(TetherFixture.WAIT, () -> !a.pushes.isEmpty() && !b.pushes.isEmpty(), () -> "pushes missing");

        ServerMetrics m = server.metrics();
        assertThat(m.sessions()).isEqualTo(2);
        assertThat(m.handshakes()).isEqualTo(2);
        assertThat(m.requests()).isEqualTo(3);
        assertThat(m.pushes()).isEqualTo(2);
        assertThat(m.evictions()).isZero();
        assertThat(m.memoryBudgetBytes()).isEqualTo(32L << 20);
        // Each open session counts its own state against the budget.
        assertThat(m.memoryInUseBytes()).isGreaterThanOrEqualTo(2 * MemoryBudget.SESSION_STATE_BYTES);
        assertThat(m.memoryBudgetUse()).isBetween(0.0, 1.0);
    }

    /** The server of README.md and docs/SERVER.md, as written there (port 0 and loopback aside). */
    @Test
    void theServerOfTheDocsWorks() throws Exception {
        TetherServer server = fixture.start(TetherFixture.builder()
                .authenticator((clientId, token, remote) -> Authenticator.now(
                        "s3cret".equals(token) ? AuthResult.accept(clientId) : AuthResult.refuse("wrong token")))
                .handler(new ServerHandler() {
                    @Override
                    public java.util.concurrent.CompletionStage<byte[]> onRequest(ServerSession session, byte[] payload) {
                        String room = new String(payload, UTF_8);
                        session.server().group(room).join(session);                  // rooms are groups
                        return CompletableFuture.completedFuture(("joined " + room).getBytes(UTF_8));
                    }

                    @Override
                    public void onSend(ServerSession session, byte[] payload) {
                        for (String room : session.groups()) {
                            session.server().group(room).push(room, payload);        // encoded once per push
                        }
                    }
                }));
        TetherFixture.Recorded a = fixture.client(server, b -> b.clientId("a").authToken("s3cret"));
        TetherFixture.Recorded b = fixture.client(server, x -> x.clientId("b").authToken("s3cret"));
        a.client.connect().get(10, TimeUnit.SECONDS);
        b.client.connect().get(10, TimeUnit.SECONDS);
        assertThat(text(a.client.request(bytes("lobby")).get(10, TimeUnit.SECONDS))).isEqualTo("joined lobby");
        assertThat(text(b.client.request(bytes("lobby")).get(10, TimeUnit.SECONDS))).isEqualTo("joined lobby");

        a.client.send(bytes("hi"));
        Await.until(TetherFixture.WAIT, () -> a.pushes.size() == 1 && b.pushes.size() == 1, () -> "pushes " + a.pushes + " " + b.pushes);
        assertThat(b.pushes.peek().topic()).isEqualTo("lobby");
        assertThat(text(b.pushes.peek().payload())).isEqualTo("hi");

        TetherFixture.Recorded wrong = fixture.client(server, x -> x.authToken("guess"));
        assertThatThrownBy(() -> wrong.client.connect().get(10, TimeUnit.SECONDS)).hasMessageContaining("wrong token");
    }

    @Test
    void aServerWithoutAHandlerIsRefusedAtStart() {
        assertThatThrownBy(() -> TetherServer.builder().port(0).start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("handler");
        assertThatThrownBy(() -> TetherServer.builder().port(70000)).hasMessageContaining("70000");
    }
}
