package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.protocol.Ack;
import dev.tether.protocol.ErrorCode;
import dev.tether.protocol.ErrorMessage;
import dev.tether.protocol.Hello;
import dev.tether.protocol.Message;
import dev.tether.protocol.MessageEncoder;
import dev.tether.protocol.Ping;
import dev.tether.protocol.Pong;
import dev.tether.protocol.Protocol;
import dev.tether.protocol.Push;
import dev.tether.protocol.Send;
import dev.tether.protocol.Welcome;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Session resumption on real loopback sockets (PROTOCOL.md §13), with the server's clock in the test's hand for
 * the time-to-live: sequences and acknowledgements, duplicate sends at the edges, replay after a drop, a window
 * that overflowed, expiry, take-over, resumption turned off, a version-1 client, and memory-pressure eviction.
 */
class ResumptionTest {
    private final MockTicker ticker = Ticker.newMockTicker();

    private ServerFixture start(ServerBuilder b) {
        return new ServerFixture(b.ticker(ticker));
    }

    private static Hello v2Hello() {
        return new Hello(Protocol.VERSION_2, 30_000, "r", null, null);
    }

    private static Hello resume(byte[] token, long pushesReceived) {
        return new Hello(Protocol.VERSION_2, 30_000, "r", null, token, pushesReceived);
    }

    /** A version-2 client with a fresh session. */
    private static Welcome open(RawClient c) throws IOException {
        c.send(v2Hello());
        Welcome w = c.read(Welcome.class);
        assertThat(w.version()).isEqualTo(2);
        assertThat(w.resumeToken()).hasSize(SessionStore.TOKEN_BYTES);
        assertThat(w.resumed()).isFalse();
        return w;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Push p) {
        return new String(p.payload(), StandardCharsets.UTF_8);
    }

    /** Round trip: every frame written before it has been processed by the server when this returns. */
    private static void sync(RawClient c, long id) throws IOException {
        c.send(new Ping(id));
        assertThat(c.read()).isEqualTo(new Pong(id));
    }

    /** Reads ACKs until one covers {@code sequence} (sends written one by one may arrive in several read batches). */
    private static void awaitAck(RawClient c, long sequence) throws IOException {
        Ack ack;
        do {
            ack = c.read(Ack.class);
        } while (ack.sequence() < sequence);
        assertThat(ack).isEqualTo(new Ack(sequence));
    }

    private static void closeAndAwaitDetached(ServerFixture f, RawClient c, int detached) {
        c.close();
        Await.until(Duration.ofSeconds(5), () -> f.server.stats().sessionsDetached() == detached, () -> "" + f.server.stats());
    }

    private void advanceAndSweep(ServerFixture f, Duration d) {
        ticker.advance(d.toNanos(), TimeUnit.NANOSECONDS);
        f.server.sweepNow().orTimeout(5, TimeUnit.SECONDS).join();
    }

    @Test
    void sendsAreDeliveredInOrderAndAcknowledgedCumulativelyNotOncePerMessage() throws IOException {
        try (ServerFixture f = start(ServerFixture.builder())) {
            RawClient c = f.raw();
            open(c);
            Message[] sends = new Message[100];
            for (int i = 0; i < sends.length; i++) {
                sends[i] = new Send(i, bytes("s" + i));
            }
            c.send(sends); // one write: a read batch or a few, not a hundred
            List<Ack> acks = new ArrayList<>();
            while (acks.isEmpty() || acks.get(acks.size() - 1).sequence() < 100) {
                acks.add(c.read(Ack.class));
            }
            assertThat(acks.get(acks.size() - 1)).isEqualTo(new Ack(100));
            assertThat(acks).hasSizeLessThan(10);
            assertThat(acks).extracting(Ack::sequence).isSorted();
            assertThat(f.server.stats().sendsTotal()).isEqualTo(100);
            assertThat(f.server.stats().sendDuplicatesDropped()).isZero();
        }
    }

    @Test
    void duplicateSendsAtTheEdgesAreDroppedAndAGapIsAProtocolError() throws IOException {
        try (ServerFixture f = start(ServerFixture.builder())) {
            RawClient c = f.raw();
            open(c);
            c.send(new Send(0, bytes("a")), new Send(1, bytes("b")));
            awaitAck(c, 2);
            c.send(new Send(1, bytes("b"))); // the last one delivered, again
            assertThat(c.read()).isEqualTo(new Ack(2)); // still covered by the next ACK
            c.send(new Send(0, bytes("a")));
            assertThat(c.read()).isEqualTo(new Ack(2));
            c.send(new Send(2, bytes("c"))); // the next expected
            assertThat(c.read()).isEqualTo(new Ack(3));
            assertThat(f.server.stats().sendsTotal()).isEqualTo(3);
            assertThat(f.server.stats().sendDuplicatesDropped()).isEqualTo(2);

            c.send(new Send(4, bytes("e"))); // one ahead of the expected: cannot happen on an ordered stream
            ErrorMessage e = c.readErrorAndClose();
            assertThat(e.errorCode()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
            assertThat(e.text()).contains("SEND sequence 4 skips ahead: expected 3");
            assertThat(f.server.stats().sendsTotal()).isEqualTo(3);

            RawClient far = f.raw();
            open(far);
            far.send(new Send(Long.MAX_VALUE, bytes("x")));
            assertThat(far.readErrorAndClose().text()).contains("skips ahead: expected 0");
            RawClient none = f.raw();
            open(none);
            none.send(new Send(bytes("no sequence")));
            assertThat(none.readErrorAndClose().text()).contains("SEND without a sequence");
            assertThat(f.server.stats().protocolErrors()).isEqualTo(3);
        }
    }

    @Test
    void afterADropTheResumedSessionKeepsItsIdReplaysWhatTheClientLacksAndTakesSendsWhereItStopped() throws IOException {
        try (ServerFixture f = start(ServerFixture.builder())) {
            RawClient c1 = f.raw();
            Welcome w1 = open(c1);
            c1.send(new Send(0, bytes("s0")), new Send(1, bytes("s1")));
            awaitAck(c1, 2);
            for (int i = 0; i < 3; i++) {
                assertThat(f.server.broadcast("t", bytes("p" + i))).isEqualTo(1);
            }
            for (int i = 0; i < 3; i++) {
                Push p = c1.read(Push.class);
                assertThat(p.sequence()).isEqualTo(i);
                assertThat(text(p)).isEqualTo("p" + i);
                assertThat(p.topic()).isEqualTo("t");
            }
            c1.send(new Ack(1)); // the client acknowledged only the first push before its network went
            sync(c1, 1);
            closeAndAwaitDetached(f, c1, 1);
            assertThat(f.server.broadcast("t", bytes("p3"))).isEqualTo(1); // kept for the detached session
            assertThat(f.server.broadcast("t", bytes("p4"))).isEqualTo(1);

            RawClient c2 = f.raw();
            c2.send(resume(w1.resumeToken(), 2)); // it had received p0 and p1
            Welcome w2 = c2.read(Welcome.class);
            assertThat(w2.resumed()).isTrue();
            assertThat(w2.sessionId()).isEqualTo(w1.sessionId());
            assertThat(w2.resumeToken()).isEqualTo(w1.resumeToken());
            assertThat(w2.sendsReceived()).isEqualTo(2);
            assertThat(w2.pushesLost()).isZero();
            assertThat(w2.pushesReplayed()).isEqualTo(3);
            for (int i = 2; i < 5; i++) {
                Push p = c2.read(Push.class);
                assertThat(p.sequence()).isEqualTo(i);
                assertThat(text(p)).isEqualTo("p" + i);
            }
            // The client re-sends what it had not seen acknowledged... and one it had (a duplicate at the edge).
            c2.send(new Send(1, bytes("s1")), new Send(2, bytes("s2")));
            awaitAck(c2, 3);
            f.server.broadcast("t", bytes("p5"));
            Push p5 = c2.read(Push.class);
            assertThat(p5.sequence()).isEqualTo(5);

            ServerStats s = f.server.stats();
            assertThat(s.sendsTotal()).isEqualTo(3);
            assertThat(s.sendDuplicatesDropped()).isEqualTo(1);
            assertThat(s.sessionsResumed()).isEqualTo(1);
            assertThat(s.resumesRefused()).isZero();
            assertThat(s.pushesReplayed()).isEqualTo(3);
            assertThat(s.pushesDroppedFromWindow()).isZero();
            assertThat(s.sessionsDetached()).isZero();
            assertThat(f.server.sessions()).extracting(SessionInfo::sessionId).containsExactly(w1.sessionId());
        }
    }

    @Test
    void aWindowThatOverflowedWhileDetachedDropsTheOldestAndTheResumeSaysHowManyWereLost() throws IOException {
        try (ServerFixture f = start(ServerFixture.builder().replayWindowMessages(3))) {
            RawClient c1 = f.raw();
            Welcome w1 = open(c1);
            closeAndAwaitDetached(f, c1, 1);
            for (int i = 0; i < 5; i++) {
                f.server.broadcast(null, bytes("p" + i));
            }
            assertThat(f.server.stats().pushesDroppedFromWindow()).isEqualTo(2);

            RawClient c2 = f.raw();
            c2.send(resume(w1.resumeToken(), 1)); // it claims one it never got: below the window all the same
            Welcome w2 = c2.read(Welcome.class);
            assertThat(w2.pushesLost()).isEqualTo(1); // sequence 1; sequence 0 it says it has
            assertThat(w2.pushesReplayed()).isEqualTo(3);
            for (int i = 2; i < 5; i++) {
                assertThat(c2.read(Push.class).sequence()).isEqualTo(i);
            }
            c2.send(new Ack(5));
            sync(c2, 1);
            closeAndAwaitDetached(f, c2, 1);

            RawClient c3 = f.raw();
            c3.send(resume(w1.resumeToken(), 5)); // the upper edge: everything received
            Welcome w3 = c3.read(Welcome.class);
            assertThat(w3.pushesLost()).isZero();
            assertThat(w3.pushesReplayed()).isZero();
            closeAndAwaitDetached(f, c3, 1);

            RawClient c4 = f.raw();
            c4.send(resume(w1.resumeToken(), 6)); // more than the session ever had: a broken client
            ErrorMessage e = c4.readErrorAndClose();
            assertThat(e.errorCode()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
            assertThat(e.text()).contains("pushesReceived 6 is more than the 5 pushes");
            assertThat(f.server.stats().sessionsDetached()).isEqualTo(1); // the session itself is unharmed
        }
    }

    @Test
    void aDetachedSessionExpiresAtItsTimeToLiveOnceAndItsTokenThenStartsAFreshSession() throws IOException {
        try (ServerFixture f = start(ServerFixture.builder().sessionTtl(Duration.ofMinutes(1)))) {
            RawClient c1 = f.raw();
            Welcome w1 = open(c1);
            closeAndAwaitDetached(f, c1, 1);
            advanceAndSweep(f, Duration.ofSeconds(59));
            assertThat(f.server.stats().sessionsDetached()).isEqualTo(1);
            assertThat(f.server.memoryInUse()).isPositive();
            advanceAndSweep(f, Duration.ofSeconds(1));
            assertThat(f.server.stats().sessionsDetached()).isZero();
            assertThat(f.server.stats().sessionsExpired()).isEqualTo(1);
            assertThat(f.server.memoryInUse()).isZero();

            RawClient c2 = f.raw();
            c2.send(resume(w1.resumeToken(), 0));
            Welcome w2 = c2.read(Welcome.class);
            assertThat(w2.resumed()).isFalse();
            assertThat(w2.sessionId()).isNotEqualTo(w1.sessionId());
            assertThat(w2.resumeToken()).isNotEqualTo(w1.resumeToken());
            assertThat(f.server.stats().resumesRefused()).isEqualTo(1);

            // Past its time-to-live before a sweep came by: it expires when it is asked for, and only then.
            closeAndAwaitDetached(f, c2, 1);
            ticker.advance(1, TimeUnit.MINUTES);
            RawClient c3 = f.raw();
            c3.send(resume(w2.resumeToken(), 0));
            assertThat(c3.read(Welcome.class).resumed()).isFalse();
            advanceAndSweep(f, Duration.ZERO);
            ServerStats s = f.server.stats();
            assertThat(s.sessionsExpired()).isEqualTo(2);
            assertThat(s.resumesRefused()).isEqualTo(2);
            assertThat(s.sessionsResumed()).isZero();
        }
    }

    @Test
    void aResumeTakesTheSessionOverFromItsOldConnectionThatIsStillOpen() throws IOException {
        try (ServerFixture f = start(ServerFixture.builder())) {
            RawClient old = f.raw();
            Welcome w1 = open(old);
            old.send(new Send(0, bytes("s0")));
            assertThat(old.read()).isEqualTo(new Ack(1));

            RawClient c2 = f.raw();
            c2.send(resume(w1.resumeToken(), 0));
            Welcome w2 = c2.read(Welcome.class);
            assertThat(w2.resumed()).isTrue();
            assertThat(w2.sessionId()).isEqualTo(w1.sessionId());
            assertThat(w2.sendsReceived()).isEqualTo(1);
            assertThat(old.readUntilClosed()).isEmpty();
            Await.until(Duration.ofSeconds(5), () -> f.server.stats().connections() == 1, () -> "" + f.server.stats());

            f.server.broadcast(null, bytes("only to the new one"));
            assertThat(c2.read(Push.class).sequence()).isZero();
            assertThat(f.server.stats().sessionsDetached()).isZero(); // the old socket's end detaches nothing
            assertThat(f.server.stats().sessionsResumed()).isEqualTo(1);
        }
    }

    @Test
    void aClientThatClosesWithAnErrorEndsItsSession() throws IOException {
        try (ServerFixture f = start(ServerFixture.builder())) {
            RawClient c1 = f.raw();
            Welcome w1 = open(c1);
            c1.send(new ErrorMessage(0, ErrorCode.UNKNOWN, "client closing"));
            c1.readUntilClosed();
            Await.until(Duration.ofSeconds(5), () -> f.server.store.size() == 0, () -> "" + f.server.stats());
            RawClient c2 = f.raw();
            c2.send(resume(w1.resumeToken(), 0));
            assertThat(c2.read(Welcome.class).resumed()).isFalse();
            assertThat(f.server.stats().sessionsExpired()).isZero();
        }
    }

    @Test
    void withResumptionOffAVersion2ClientGetsNoTokenAndNeitherSequencesNorAcks() throws IOException {
        try (ServerFixture f = start(ServerFixture.builder().sessionTtl(Duration.ZERO))) {
            RawClient c = f.raw();
            c.send(resume(new byte[] {1, 2, 3}, 0)); // a token from another server: refused, as there is no store
            Welcome w = c.read(Welcome.class);
            assertThat(w.version()).isEqualTo(2);
            assertThat(w.resumeToken()).isNull();
            assertThat(w.resumed()).isFalse();
            c.send(new Send(bytes("a")), new Send(7, bytes("b"))); // a sequence is ignored, as in version 1
            sync(c, 1); // no ACK came before the PONG
            f.server.broadcast(null, bytes("p"));
            Push p = c.read(Push.class);
            assertThat(p.sequence()).isEqualTo(Push.NO_SEQUENCE);
            assertThat(f.server.stats().sendsTotal()).isEqualTo(2);
            c.send(new Ack(0));
            assertThat(c.readErrorAndClose().text()).contains("ACK on a connection without session resumption");
            assertThat(f.server.stats().resumesRefused()).isEqualTo(1);
            assertThat(f.server.store.size()).isZero();
        }
    }

    @Test
    void aVersion1ClientIsServedExactlyAsBefore() throws IOException {
        try (ServerFixture f = start(ServerFixture.builder())) {
            RawClient c = f.raw();
            c.send(new Hello(30_000, "v1", null));
            Welcome w = c.read(Welcome.class);
            assertThat(w).isEqualTo(new Welcome(1, 30_000, Protocol.DEFAULT_MAX_FRAME_LENGTH, w.sessionId(), null));
            c.send(new Send(bytes("a")));
            sync(c, 1);
            f.server.broadcast("t", bytes("p"));
            Push p = c.read(Push.class); // decoded in version 1: a version-2 frame would fail to decode
            assertThat(p.sequence()).isEqualTo(Push.NO_SEQUENCE);
            assertThat(p.topic()).isEqualTo("t");
            assertThat(text(p)).isEqualTo("p");
            assertThat(f.server.stats().sendsTotal()).isEqualTo(1);
            assertThat(f.server.store.size()).isZero();
            // A version-2 frame type in a version-1 connection is unknown there.
            byte[] ack = MessageEncoder.toBytes(new Ack(0), Protocol.VERSION_2);
            ack[5] = 1;
            c.sendBytes(ack);
            assertThat(c.readErrorAndClose().errorCode()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
            assertThat(f.server.stats().sessionsDetached()).isZero();
        }
    }

    @Test
    void whilePushesArePublishedASessionHoppingBetweenConnectionsGetsEachExactlyOnceInOrder() throws Exception {
        int total = 3_000;
        // Two event loops: successive connections of the session land on different ones.
        try (ServerFixture f = start(ServerFixture.builder().eventLoopThreads(2).replayWindowMessages(2 * total))) {
            RawClient c = f.raw();
            byte[] token = open(c).resumeToken();
            java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
            // The publisher keeps at most 100 pushes ahead of the client, so that publishing and resuming overlap.
            Thread publisher = new Thread(() -> {
                for (int i = 0; i < total; i++) {
                    while (i - received.get() > 100) {
                        java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                    }
                    f.server.broadcast(null, bytes(Integer.toString(i)));
                }
            }, "publisher");
            publisher.setDaemon(true);
            publisher.start();
            java.util.Random random = new java.util.Random(7);
            long expected = 0;
            int resumes = 0;
            while (expected < total) {
                for (int k = 1 + random.nextInt(30); k > 0 && expected < total; k--) {
                    Push p = c.read(Push.class);
                    assertThat(p.sequence()).as("no duplicate, no gap").isEqualTo(expected);
                    assertThat(text(p)).isEqualTo(Long.toString(expected));
                    received.set(++expected);
                }
                if (random.nextBoolean()) {
                    c.send(new Ack(expected));
                }
                if (random.nextBoolean()) {
                    c.close(); // the connection drops...
                } // ...or is silently abandoned: the resume then takes the session over from it
                c = f.raw();
                c.send(resume(token, expected));
                Welcome w = c.read(Welcome.class);
                assertThat(w.resumed()).isTrue();
                assertThat(w.pushesLost()).isZero();
                resumes++;
            }
            publisher.join(10_000);
            assertThat(publisher.isAlive()).isFalse();
            ServerStats s = f.server.stats();
            assertThat(s.sessionsResumed()).isEqualTo(resumes);
            assertThat(s.pushesDroppedFromWindow()).isZero();
            assertThat(resumes).isGreaterThan(50);
        }
    }

    @Test
    void underMemoryPressureTheOldestDetachedSessionsAreEvictedFirst() throws IOException {
        long mib = 1 << 20;
        try (ServerFixture f = start(ServerFixture.builder().memoryBudget(mib).maxFrameLength(64 * 1024).maxPendingBytesPerConnection(mib / 2)
                .replayWindowBytes(mib / 2))) {
            List<Welcome> welcomes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                RawClient c = f.raw();
                welcomes.add(open(c));
                ticker.advance(1, TimeUnit.SECONDS); // each detached a second after the one before
                closeAndAwaitDetached(f, c, i + 1);
            }
            byte[] payload = new byte[100 * 1024];
            for (int i = 0; i < 3; i++) {
                f.server.broadcast(null, payload); // 4 windows of 300 KiB: past the shed level (90 % of 1 MiB)
            }
            Await.until(Duration.ofSeconds(5), () -> f.server.stats().sessionsExpired() >= 1
                    && f.server.memoryInUse() < mib - mib / 10, () -> f.server.stats() + ", memory " + f.server.memoryInUse());

            RawClient oldest = f.raw();
            oldest.send(resume(welcomes.get(0).resumeToken(), 0));
            assertThat(oldest.read(Welcome.class).resumed()).as("the oldest detached session was evicted").isFalse();
            RawClient newest = f.raw();
            newest.send(resume(welcomes.get(3).resumeToken(), 0));
            Welcome w = newest.read(Welcome.class);
            assertThat(w.resumed()).as("the newest detached session was kept").isTrue();
            assertThat(w.pushesReplayed()).isEqualTo(3);
            for (int i = 0; i < 3; i++) {
                assertThat(newest.read(Push.class).payload()).hasSize(payload.length);
            }
        }
    }
}
