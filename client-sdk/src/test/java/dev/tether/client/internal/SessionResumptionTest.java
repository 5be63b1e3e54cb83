package dev.tether.client.internal;

import static dev.tether.client.internal.RealClientTest.awaitTrue;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.client.ClientConfig;
import dev.tether.client.ClientException;
import dev.tether.client.ClientStats;
import dev.tether.client.ConnectionState;
import dev.tether.client.Resumption;
import dev.tether.client.SendBufferFullException;
import dev.tether.client.ServerPush;
import dev.tether.client.SessionLoss;
import dev.tether.client.SessionLostException;
import dev.tether.client.StateChange;
import dev.tether.client.UnacknowledgedSends;
import dev.tether.protocol.Ack;
import dev.tether.protocol.ErrorCode;
import dev.tether.protocol.ErrorMessage;
import dev.tether.protocol.Hello;
import dev.tether.protocol.Protocol;
import dev.tether.protocol.Push;
import dev.tether.protocol.Send;
import dev.tether.testing.MockServer;
import dev.tether.testing.MockServer.RecordedFrame;
import dev.tether.testing.RecordingStateListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Session resumption end to end (PROTOCOL.md §13) between a real client and the {@link MockServer} on a real
 * socket: acknowledged sends, retransmission after a drop, replayed and de-duplicated pushes, what the
 * application is told when a session is not resumed or pushes are lost, and the fallback to servers that do
 * not offer resumption. Every client-side wait (the reconnect backoff) is on a {@link FakeScheduler}: the test
 * moves time, nothing sleeps for it; waits on socket events are bounded polls.
 */
class SessionResumptionTest {
    private final MockServer server = MockServer.start();
    private final RecordingStateListener states = new RecordingStateListener();
    private final List<ServerPush> pushes = new CopyOnWriteArrayList<>();
    private final List<SessionLoss> losses = new CopyOnWriteArrayList<>();
    private FakeScheduler time;
    private EventLoops loops;
    private RealClient client;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
            assertThat(loops.isTerminated()).isTrue();
        }
        server.close();
    }

    private ClientConfig.Builder config() {
        return ClientConfig.builder().endpoint("127.0.0.1", server.port());
    }

    private RealClient connected(ClientConfig.Builder config) throws Exception {
        loops = new EventLoops(1);
        client = new RealClient(config.build(), loops, true, pushes::add, states, losses::add, null,
                loop -> time = new FakeScheduler(loop), new SplittableRandom(7), NameResolver.JDK);
        client.connect().get(5, SECONDS);
        server.awaitHandshake(Duration.ofSeconds(5));
        return client;
    }

    /** The server drops every connection; the client waits its (fake) backoff and reconnects. */
    private StateChange reconnectAfterDrop() throws Exception {
        server.disconnectAll();
        StateChange reconnecting = states.awaitState(ConnectionState.RECONNECTING);
        time.forward(reconnecting.delay());
        server.awaitHandshake(Duration.ofSeconds(5));
        return states.awaitState(ConnectionState.CONNECTED);
    }

    private List<CompletableFuture<Void>> send(int from, int to) {
        List<CompletableFuture<Void>> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(client.send(new byte[] {(byte) i}));
        }
        return out;
    }

    private static void allDone(List<CompletableFuture<Void>> futures) throws Exception {
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(5, SECONDS);
    }

    private static List<Integer> ints(List<byte[]> payloads) {
        return payloads.stream().map(p -> (int) p[0]).toList();
    }

    private static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    private static byte[] payload(int i) {
        return new byte[] {(byte) i};
    }

    private List<Integer> pushPayloads() {
        return pushes.stream().map(p -> (int) p.payload()[0]).toList();
    }

    /** The sends written on the server's connection {@code index} (0-based, in accept order). */
    private List<Send> sendsOn(int index) {
        return server.frames().stream().filter(f -> f.connection() == index && f.message() instanceof Send)
                .map(f -> (Send) f.message()).toList();
    }

    /** A round trip: everything the client read and wrote before it has been handled on both sides. */
    private void sync() throws Exception {
        assertThat(client.request(new byte[] {42}).get(5, SECONDS)).containsExactly(42);
    }

    // ---- sends ----

    @Test
    void aSendCompletesWhenTheServerAcknowledgesItNotWhenItIsWritten() throws Exception {
        server.resumption(true).autoAck(false);
        connected(config());
        Hello hello = server.frames(Hello.class).get(0);
        assertThat(hello.maxVersion()).isEqualTo(Protocol.VERSION_2);
        assertThat(hello.resumeToken()).isNull();
        assertThat(client.stats().resumption()).isEqualTo(Resumption.ON);

        List<CompletableFuture<Void>> sends = send(0, 3);
        awaitTrue(() -> server.delivered("session-0").size() == 3);
        assertThat(sends).noneMatch(CompletableFuture::isDone);
        assertThat(client.stats().sendsAwaitingAck()).isEqualTo(3);
        assertThat(sendsOn(0)).extracting(Send::sequence).containsExactly(0L, 1L, 2L);

        server.ackSends();
        allDone(sends);
        ClientStats stats = client.stats();
        assertThat(stats.sendsAwaitingAck()).isZero();
        assertThat(stats.sendsAcknowledged()).isEqualTo(3);
    }

    @Test
    void sendsTheServerDidNotGetAreRetransmittedAfterADropAndDeliveredExactlyOnceInOrder() throws Exception {
        server.resumption(true).autoAck(false);
        connected(config());
        List<CompletableFuture<Void>> sends = send(0, 5);
        awaitTrue(() -> server.delivered("session-0").size() == 5); // received, not acknowledged
        server.goSilent(); // what comes now stays unread in the socket and dies with it
        sends.addAll(send(5, 10));
        awaitTrue(() -> client.stats().sendsAwaitingAck() == 10); // all ten written
        assertThat(sends).noneMatch(CompletableFuture::isDone);

        server.autoAck(true);
        StateChange connected = reconnectAfterDrop();

        allDone(sends);
        assertThat(connected.cause()).isNull();
        assertThat(losses).isEmpty();
        assertThat(ints(server.delivered("session-0"))).isEqualTo(range(0, 10));
        assertThat(server.sendDuplicates("session-0")).isZero();
        // Only the five the server lacked went out again, with their own sequences.
        assertThat(sendsOn(1)).extracting(Send::sequence).containsExactly(5L, 6L, 7L, 8L, 9L);
        Hello resume = server.frames(Hello.class).get(1);
        assertThat(resume.resumeToken()).isNotNull();
        assertThat(resume.pushesReceived()).isZero();
        ClientStats stats = client.stats();
        assertThat(stats.sessionId()).isEqualTo("session-0");
        assertThat(stats.resumesSucceeded()).isEqualTo(1);
        assertThat(stats.resumesFailed()).isZero();
        assertThat(stats.sendsRetransmitted()).isEqualTo(5);
        assertThat(stats.sendsAcknowledged()).isEqualTo(10);
        assertThat(stats.sendsAwaitingAck()).isZero();
    }

    @Test
    void retransmittedSendsGoBeforeSendsMadeWhileDisconnected() throws Exception {
        server.resumption(true).autoAck(false);
        connected(config());
        server.goSilent();
        List<CompletableFuture<Void>> sends = send(0, 3);
        awaitTrue(() -> client.stats().sendsAwaitingAck() == 3);
        server.disconnectAll();
        StateChange reconnecting = states.awaitState(ConnectionState.RECONNECTING);
        sends.addAll(send(3, 6)); // buffered while reconnecting
        awaitTrue(() -> client.stats().bufferedSends() == 3);
        server.autoAck(true);
        time.forward(reconnecting.delay());
        allDone(sends);
        assertThat(ints(server.delivered("session-0"))).isEqualTo(range(0, 6));
        assertThat(sendsOn(1)).extracting(Send::sequence).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void theSendBufferBoundsCountSendsAwaitingAcknowledgement() throws Exception {
        server.resumption(true).autoAck(false);
        connected(config().sendBufferMessages(3).sendBufferBytes(100));
        List<CompletableFuture<Void>> sends = send(0, 3);
        awaitTrue(() -> client.stats().sendsAwaitingAck() == 3);
        CompletableFuture<Void> fourth = client.send(payload(3));
        assertThatThrownBy(() -> fourth.get(5, SECONDS)).cause().isInstanceOf(SendBufferFullException.class)
                .hasMessageContaining("3/3 messages").hasMessageContaining("3 of them sent and awaiting acknowledgement");
        assertThat(client.stats().bufferedSends()).isZero();

        server.ackSends();
        allDone(sends);
        client.send(new byte[60]); // room again
        awaitTrue(() -> client.stats().sendsAwaitingAck() == 1);
        CompletableFuture<Void> tooMuch = client.send(new byte[41]); // 60 awaiting + 41 > 100 bytes
        assertThatThrownBy(() -> tooMuch.get(5, SECONDS)).cause().isInstanceOf(SendBufferFullException.class)
                .hasMessageContaining("60/100 bytes");
        server.ackSends(); // (a graceful close would wait for it on the fake clock)
        awaitTrue(() -> client.stats().sendsAwaitingAck() == 0);
    }

    @Test
    void aGracefulCloseWaitsForTheAcknowledgementOfWhatItWrote() throws Exception {
        server.resumption(true).autoAck(false);
        connected(config());
        CompletableFuture<Void> s = client.send(payload(1));
        awaitTrue(() -> server.delivered("session-0").size() == 1);
        CompletableFuture<Void> closed = client.closeAsync();
        sync(() -> assertThat(closed).isNotDone());
        server.ackSends();
        closed.get(5, SECONDS);
        assertThat(s).isCompleted();
        assertThat(client.stats().sendsAcknowledged()).isEqualTo(1);
    }

    /** Runs {@code check} on the client's loop, after everything already queued there. */
    private void sync(Runnable check) throws Exception {
        client.eventLoop().submit(check).get(5, SECONDS);
    }

    // ---- pushes ----

    @Test
    void pushesSentWhileTheClientWasAwayAreReplayedAndDeliveredOnceInOrder() throws Exception {
        server.resumption(true);
        connected(config());
        for (int i = 0; i < 3; i++) {
            server.publish(payload(i));
        }
        awaitTrue(() -> pushes.size() == 3);
        server.goSilent();
        server.publish(payload(3)); // kept in the window, not written: the socket is silent
        server.publish(payload(4));

        reconnectAfterDrop();
        awaitTrue(() -> pushes.size() == 5);
        assertThat(pushPayloads()).isEqualTo(range(0, 5));
        assertThat(pushes).extracting(ServerPush::sequence).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(server.frames(Hello.class).get(1).pushesReceived()).isEqualTo(3);
        ClientStats stats = client.stats();
        assertThat(stats.pushesReplayed()).isEqualTo(2);
        assertThat(stats.pushDuplicatesDropped()).isZero();
        assertThat(stats.pushesMissing()).isZero();
        assertThat(losses).isEmpty();
    }

    @Test
    void pushesReceivedAgainAfterAResumeAreDroppedAndAGapIsCountedMissing() throws Exception {
        server.resumption(true);
        connected(config());
        for (int i = 0; i < 3; i++) {
            server.publish(payload(i));
        }
        awaitTrue(() -> pushes.size() == 3);
        reconnectAfterDrop();

        // A server that replays what the client had: the client has 0..2 and drops them again.
        server.sendToAll(new Push(null, Push.NO_TIMESTAMP, 1, payload(1)));
        server.sendToAll(new Push(null, Push.NO_TIMESTAMP, 2, payload(2)));
        server.publish(payload(3)); // sequence 3: the next expected
        server.sendToAll(new Push(null, Push.NO_TIMESTAMP, 7, payload(7))); // 4, 5, 6 never came
        awaitTrue(() -> pushes.size() == 5);
        sync();
        assertThat(pushPayloads()).containsExactly(0, 1, 2, 3, 7);
        ClientStats stats = client.stats();
        assertThat(stats.pushDuplicatesDropped()).isEqualTo(2);
        assertThat(stats.pushesMissing()).isEqualTo(3);
        // Acknowledgements are cumulative and never go down; the last one (perhaps after the ACK delay) covers
        // the push numbered 7.
        awaitTrue(() -> server.frames(Ack.class).stream().anyMatch(a -> a.sequence() == 8));
        List<Long> acks = server.frames(Ack.class).stream().map(Ack::sequence).toList();
        assertThat(acks).isSorted().last().isEqualTo(8L);
    }

    @Test
    void replayWindowOverflowIsToldOnceWithTheNumberOfPushesLost() throws Exception {
        server.resumption(true).replayWindow(2);
        connected(config());
        server.publish(payload(0));
        awaitTrue(() -> pushes.size() == 1);
        server.goSilent();
        for (int i = 1; i <= 5; i++) {
            server.publish(payload(i)); // the window keeps 4 and 5
        }

        StateChange connected = reconnectAfterDrop();
        awaitTrue(() -> pushes.size() == 3);
        SessionLoss expected = new SessionLoss(SessionLoss.Kind.PUSHES_LOST, "session-0", "session-0", 3, 0, 0);
        assertThat(losses).containsExactly(expected);
        assertThat(connected.cause()).isInstanceOf(SessionLostException.class);
        assertThat(((SessionLostException) connected.cause()).loss()).isEqualTo(expected);
        assertThat(connected.cause()).hasMessageContaining("3 push(es)");
        assertThat(pushPayloads()).containsExactly(0, 4, 5);
        ClientStats stats = client.stats();
        assertThat(stats.pushesMissing()).isEqualTo(3);
        assertThat(stats.pushesReplayed()).isEqualTo(2);
        assertThat(stats.resumesSucceeded()).isEqualTo(1);
    }

    // ---- sessions that cannot be resumed ----

    @Test
    void aSessionTheServerForgotIsToldOnceAndItsUnacknowledgedSendsAreResentByDefault() throws Exception {
        server.resumption(true).autoAck(false);
        connected(config());
        List<CompletableFuture<Void>> sends = send(0, 3);
        awaitTrue(() -> server.delivered("session-0").size() == 3);
        server.forgetSessions(); // a restart that lost its state
        server.autoAck(true);

        StateChange connected = reconnectAfterDrop();
        allDone(sends); // acknowledged by the new session
        SessionLoss expected = new SessionLoss(SessionLoss.Kind.NOT_RESUMED, "session-0", "session-1",
                SessionLoss.UNKNOWN, 3, 0);
        assertThat(losses).containsExactly(expected);
        assertThat(((SessionLostException) connected.cause()).loss()).isEqualTo(expected);
        // At least once: the old server had them, the new one gets them again, numbered in the new session.
        assertThat(ints(server.delivered("session-1"))).isEqualTo(range(0, 3));
        assertThat(sendsOn(1)).extracting(Send::sequence).containsExactly(0L, 1L, 2L);
        ClientStats stats = client.stats();
        assertThat(stats.sessionId()).isEqualTo("session-1");
        assertThat(stats.resumesFailed()).isEqualTo(1);
        assertThat(stats.resumesSucceeded()).isZero();
        assertThat(stats.sendsResentAfterSessionLoss()).isEqualTo(3);
        assertThat(stats.sendsFailedOnSessionLoss()).isZero();
        assertThat(stats.resumption()).isEqualTo(Resumption.ON);

        reconnectAfterDrop(); // the new session resumes as usual: nothing more to tell
        assertThat(losses).hasSize(1);
    }

    @Test
    void withTheFailPolicyUnacknowledgedSendsFailWithSessionLost() throws Exception {
        server.resumption(true).autoAck(false);
        connected(config().unacknowledgedSends(UnacknowledgedSends.FAIL));
        List<CompletableFuture<Void>> sends = send(0, 3);
        awaitTrue(() -> server.delivered("session-0").size() == 3);
        server.forgetSessions();
        server.autoAck(true);

        reconnectAfterDrop();
        for (CompletableFuture<Void> s : sends) {
            assertThatThrownBy(() -> s.get(5, SECONDS)).cause().isInstanceOf(SessionLostException.class)
                    .satisfies(e -> {
                        assertThat(((ClientException) e).reason()).isEqualTo(ClientException.Reason.SESSION_LOST);
                        assertThat(((ClientException) e).reason().retrySafe()).isFalse();
                    });
        }
        assertThat(losses).containsExactly(new SessionLoss(SessionLoss.Kind.NOT_RESUMED, "session-0", "session-1",
                SessionLoss.UNKNOWN, 0, 3));
        assertThat(client.stats().sendsFailedOnSessionLoss()).isEqualTo(3);
        client.send(payload(9)).get(5, SECONDS); // the new session works
        assertThat(ints(server.delivered("session-1"))).containsExactly(9);
    }

    @Test
    void aServerThatStopsOfferingResumptionEndsTheSessionVisiblyAndTheClientFallsBack() throws Exception {
        server.resumption(true).autoAck(false);
        connected(config());
        List<CompletableFuture<Void>> sends = send(0, 2);
        awaitTrue(() -> server.delivered("session-0").size() == 2);
        server.resumption(false); // replaced by a version-1 server

        reconnectAfterDrop();
        allDone(sends); // re-sent without sequences: complete when written
        sync();
        assertThat(losses).singleElement().satisfies(l -> {
            assertThat(l.kind()).isEqualTo(SessionLoss.Kind.NOT_OFFERED);
            assertThat(l.sendsResent()).isEqualTo(2);
        });
        assertThat(sendsOn(1)).extracting(Send::sequence).containsExactly(Send.NO_SEQUENCE, Send.NO_SEQUENCE);
        assertThat(client.stats().resumption()).isEqualTo(Resumption.NOT_OFFERED);
    }

    // ---- servers without resumption ----

    @Test
    void aVersionOneServerIsUsedAsBeforeAndTheStatsSaySo() throws Exception {
        connected(config()); // the MockServer's default: a version-1 welcome
        assertThat(server.frames(Hello.class).get(0).maxVersion()).isEqualTo(Protocol.VERSION_2);
        assertThat(client.stats().resumption()).isEqualTo(Resumption.NOT_OFFERED);
        client.send(payload(1)).get(5, SECONDS); // completes when written: no ACK exists in version 1
        server.push(new Push(payload(7)));
        awaitTrue(() -> pushes.size() == 1);
        sync();
        assertThat(server.frames(Send.class)).singleElement().extracting(Send::sequence).isEqualTo(Send.NO_SEQUENCE);
        assertThat(server.frames(Ack.class)).isEmpty();
        assertThat(server.frames(ErrorMessage.class)).isEmpty();

        StateChange connected = reconnectAfterDrop();
        assertThat(connected.cause()).isNull();
        assertThat(losses).isEmpty();
        assertThat(server.frames(Hello.class).get(1).resumeToken()).isNull();
        assertThat(client.stats().resumesFailed()).isZero();
    }

    @Test
    void aVersionTwoServerWithoutATokenIsUsedWithoutResumption() throws Exception {
        server.protocolVersion(2);
        connected(config());
        assertThat(client.stats().resumption()).isEqualTo(Resumption.NOT_OFFERED);
        client.send(payload(1)).get(5, SECONDS);
        server.push(new Push(payload(7))); // a version-2 frame
        awaitTrue(() -> pushes.size() == 1);
        sync();
        assertThat(server.frames(Send.class)).singleElement().extracting(Send::sequence).isEqualTo(Send.NO_SEQUENCE);
        assertThat(server.frames(Ack.class)).isEmpty();
    }

    @Test
    void withResumptionOffTheClientSpeaksVersionOne() throws Exception {
        server.resumption(true);
        connected(config().resumption(false));
        assertThat(server.frames(Hello.class).get(0).maxVersion()).isEqualTo(Protocol.VERSION_1);
        assertThat(client.stats().resumption()).isEqualTo(Resumption.OFF);
        client.send(payload(1)).get(5, SECONDS);
        sync();
        assertThat(server.frames(Send.class)).singleElement().extracting(Send::sequence).isEqualTo(Send.NO_SEQUENCE);
    }

    @Test
    void beforeTheFirstHandshakeResumptionIsNotYetKnown() {
        loops = new EventLoops(1);
        client = new RealClient(config().build(), loops, true, null, null, null, null,
                loop -> time = new FakeScheduler(loop), new SplittableRandom(7), NameResolver.JDK);
        assertThat(client.stats().resumption()).isEqualTo(Resumption.NOT_CONNECTED);
    }

    // ---- acknowledgements from the server ----

    @Test
    void anAckForMoreThanWasSentIsAProtocolErrorAndTheClientReconnects() throws Exception {
        server.resumption(true).autoAck(false);
        connected(config());
        send(0, 2);
        awaitTrue(() -> server.delivered("session-0").size() == 2);
        server.sendToAll(new Ack(3));
        StateChange reconnecting = states.awaitState(ConnectionState.RECONNECTING);
        assertThat(reconnecting.cause()).hasMessageContaining("ACK 3");
        ErrorMessage error = server.takeFrame(ErrorMessage.class);
        assertThat(error.errorCode()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void acksAtTheEdgesCompleteExactlyWhatTheyCoverAndALowerAckChangesNothing() throws Exception {
        server.resumption(true).autoAck(false);
        connected(config());
        List<CompletableFuture<Void>> sends = send(0, 3);
        awaitTrue(() -> server.delivered("session-0").size() == 3);
        server.sendToAll(new Ack(0)); // covers nothing
        server.sendToAll(new Ack(2)); // covers 0 and 1
        sync();
        assertThat(sends.get(0)).isCompleted();
        assertThat(sends.get(1)).isCompleted();
        assertThat(sends.get(2)).isNotDone();
        server.sendToAll(new Ack(1)); // lower than before: ignored
        server.sendToAll(new Ack(3)); // exactly what was sent
        allDone(sends);
        sync();
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(client.stats().sendsAcknowledged()).isEqualTo(3);
        assertThat(server.frames(ErrorMessage.class)).isEmpty();
        assertThat(server.frames()).extracting(RecordedFrame::connection).containsOnly(0);
    }
}
