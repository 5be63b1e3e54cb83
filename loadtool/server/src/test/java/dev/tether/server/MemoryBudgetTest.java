package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.protocol.ErrorCode;
import dev.tether.protocol.ErrorMessage;
import dev.tether.protocol.Hello;
import dev.tether.protocol.MessageEncoder;
import dev.tether.protocol.Request;
import dev.tether.protocol.Response;
import dev.tether.protocol.Welcome;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The server-wide memory budget on real loopback sockets: hostile clients are paused and then shed, while a
 * witness session opened before the attack keeps being served and new clients are still welcomed.
 */
class MemoryBudgetTest {
    private static final long MIB = 1 << 20;

    @Test
    void theLevelsAreFractionsOfTheLimitAlsoOfTheJvmsDirectMemoryAndTheDefaultFollowsTheSmallerJvmLimit() {
        MemoryBudget b = new MemoryBudget(1000 * 1024, () -> 0, 1 << 30);
        assertThat(b.underPressure()).isFalse();
        b.add(500 * 1024);
        assertThat(b.underPressure()).isTrue();
        assertThat(b.overShedLevel()).isFalse();
        b.add(400 * 1024);
        assertThat(b.overShedLevel()).isTrue();
        assertThat(b.exhausted()).isFalse();
        b.add(100 * 1024);
        assertThat(b.exhausted()).isTrue();
        assertThat(b.shedTarget()).isEqualTo(750 * 1024);
        assertThat(b.fairShare(1)).isEqualTo(500 * 1024);
        assertThat(b.fairShare(100_000)).isEqualTo(MemoryBudget.MIN_FAIR_SHARE);

        long[] direct = {0};
        MemoryBudget withDirect = new MemoryBudget(MIB, () -> direct[0], 100 * MIB);
        direct[0] = 24 * MIB;
        assertThat(withDirect.underPressure()).isFalse();
        direct[0] = 25 * MIB; // a quarter of the JVM's direct memory: pressure, though the sessions counted nothing
        assertThat(withDirect.underPressure()).isTrue();
        assertThat(withDirect.exhausted()).isFalse();
        direct[0] = 50 * MIB;
        assertThat(withDirect.exhausted()).isTrue();
        assertThat(MemoryBudget.jvmDirectMemoryUsed()).isNotNegative();

        assertThat(MemoryBudget.defaultLimit(256 * MIB, 256 * MIB, 16 * MIB)).isEqualTo(64 * MIB);
        assertThat(MemoryBudget.defaultLimit(4096 * MIB, 512 * MIB, 16 * MIB)).isEqualTo(128 * MIB);
        assertThat(MemoryBudget.defaultLimit(32 * MIB, Long.MAX_VALUE, 16 * MIB)).isEqualTo(16 * MIB);
        assertThat(new ServerBuilder().settings().memoryBudget()).isEqualTo(ReferenceServer.defaultMemoryBudget());
    }

    @Test
    void aHelloLargerThanTheHandshakeLimitIsRefusedBeforeItIsBufferedAndLargeFramesWorkAfterIt() throws IOException {
        try (ServerFixture f = new ServerFixture(ServerFixture.builder())) {
            RawClient witness = f.session();
            RawClient hostile = f.raw();
            ByteBuffer prefix = ByteBuffer.allocate(4 + 1000).putInt((1 << 20) - 1); // a 1 MiB "hello", first bytes
            hostile.sendBytes(prefix.array());
            // The rest of the "hello" keeps coming; the server reads and drops it while it closes, holding nothing.
            hostile.sendBytes(new byte[300_000]);
            ErrorMessage e = hostile.readErrorAndClose();
            assertThat(f.server.memoryInUse()).isLessThanOrEqualTo(2 * MemoryBudget.SESSION_STATE_BYTES);
            assertThat(e.errorCode()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
            assertThat(e.text()).contains("before the handshake may be at most 4096 bytes");

            byte[] big = new byte[200_000];
            big[199_999] = 7;
            witness.send(new Request(1, big));
            assertThat(witness.read()).isEqualTo(new Response(1, big));
        }
    }

    @Test
    void underPressureAHolderStopsBeingReadAndOthersAreStillServed() throws IOException {
        try (ServerFixture f = new ServerFixture(ServerFixture.builder().memoryBudget(MIB).maxPendingBytesPerConnection(MIB))) {
            RawClient witness = f.session();
            SocketChannel holder = handshake(f.server, 4096);
            // 700 KiB of a 900 KiB request: the decoder has to hold it, which is more than half the budget.
            ByteBuffer frame = ByteBuffer.wrap(MessageEncoder.toBytes(new Request(1, new byte[900 * 1024])));
            frame.limit(700 * 1024);
            writeFor(holder, frame, Duration.ofSeconds(5));
            Await.until(Duration.ofSeconds(5), () -> f.server.counters.memoryPauses.sum() >= 1,
                    () -> "no pause; in use " + f.server.memoryInUse());

            // The rest of the frame waits in TCP buffers, not in the server.
            frame.limit(frame.capacity());
            writeFor(holder, frame, Duration.ofMillis(300));
            assertThat(f.server.memoryInUse()).isLessThan(MIB);
            witness.send(new Request(2, new byte[] {2}));
            assertThat(witness.read()).isEqualTo(new Response(2, new byte[] {2}));
            f.session().send(new Request(3, new byte[] {3}));

            holder.close();
            Await.until(Duration.ofSeconds(5), () -> f.server.memoryInUse() <= 2 * MemoryBudget.SESSION_STATE_BYTES,
                    () -> "memory not given back: " + f.server.memoryInUse());
        }
    }

    @Test
    void aPausedConnectionIsReadAgainOnceThePressureFalls() throws IOException {
        try (ServerFixture f = new ServerFixture(ServerFixture.builder().memoryBudget(MIB).maxPendingBytesPerConnection(MIB))) {
            SocketChannel big = handshake(f.server, 4096);
            ByteBuffer bigFrame = ByteBuffer.wrap(MessageEncoder.toBytes(new Request(1, new byte[900 * 1024])));
            bigFrame.limit(600 * 1024);
            writeFor(big, bigFrame, Duration.ofSeconds(5));
            Await.until(Duration.ofSeconds(5), () -> f.server.counters.memoryPauses.sum() >= 1, () -> "in use " + f.server.memoryInUse());

            // A second client's 300 KiB request is more than its share while the first holds 600 KiB: it waits.
            RawClient second = f.session();
            byte[] payload = new byte[300 * 1024];
            payload[payload.length - 1] = 42;
            second.send(new Request(7, payload));
            Await.until(Duration.ofSeconds(5), () -> f.server.counters.memoryPauses.sum() >= 2, () -> "in use " + f.server.memoryInUse());

            big.close();
            Await.until(Duration.ofSeconds(5), () -> !f.server.budget.underPressure(), () -> "in use " + f.server.memoryInUse());
            f.server.sweepNow().orTimeout(5, TimeUnit.SECONDS).join(); // the sweep notices the pressure is gone
            assertThat(second.read()).isEqualTo(new Response(7, payload));
        }
    }

    @Test
    void clientsThatFloodRequestsAndNeverReadAreShedWhileAWellBehavedClientIsServed() throws IOException {
        try (ServerFixture f = new ServerFixture(ServerFixture.builder().memoryBudget(MIB).maxPendingBytesPerConnection(MIB)
                .maxFrameLength(64 * 1024))) {
            RawClient witness = f.session();
            List<SocketChannel> flooders = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                flooders.add(handshake(f.server, 4096));
            }
            byte[] one = MessageEncoder.toBytes(new Request(1, new byte[16 * 1024]));
            ByteBuffer batch = ByteBuffer.allocate(one.length * 16);
            while (batch.hasRemaining()) {
                batch.put(one);
            }
            long peak = 0;
            int served = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline && (f.server.counters.memoryShed.sum() < 2 || served < 3)) {
                for (SocketChannel c : flooders) {
                    if (!c.isOpen()) {
                        continue;
                    }
                    ByteBuffer b = batch.duplicate().rewind();
                    try {
                        c.write(b);
                    } catch (IOException closedByServer) {
                        c.close();
                    }
                }
                peak = Math.max(peak, f.server.memoryInUse());
                witness.send(new Request(100 + served, new byte[] {1}));
                assertThat(witness.read()).isEqualTo(new Response(100 + served, new byte[] {1}));
                served++;
                LockSupport.parkNanos(1_000_000);
            }
            assertThat(f.server.counters.memoryShed.sum()).as("flooders shed for memory").isGreaterThanOrEqualTo(2);
            assertThat(peak).as("peak memory in use").isLessThan(3 * MIB);
            RawClient newcomer = f.session(); // still accepted and welcomed
            newcomer.send(new Request(1, new byte[] {9}));
            assertThat(newcomer.read()).isEqualTo(new Response(1, new byte[] {9}));
            for (SocketChannel c : flooders) {
                c.close();
            }
        }
    }

    @Test
    void connectionsStuckInTheHandshakeAreShedFirstOldestFirst() throws IOException {
        MockTicker ticker = Ticker.newMockTicker();
        try (ServerFixture f = new ServerFixture(ServerFixture.builder().ticker(ticker).memoryBudget(MIB).maxPendingBytesPerConnection(MIB))) {
            RawClient witness = f.session();
            // A partial hello: 3000 bytes of a 4000-byte frame, held by the decoder (about 5 KiB each with the state).
            byte[] partial = ByteBuffer.allocate(3000).putInt(4000).array();
            List<RawClient> old = open(f, partial, 140);
            ticker.advance(2, TimeUnit.SECONDS);
            List<RawClient> young = open(f, partial, 50);
            Await.until(Duration.ofSeconds(5), () -> old.stream().anyMatch(c -> !liveClientPorts(f).contains(c.socket().getLocalPort())),
                    () -> "nothing shed; in use " + f.server.memoryInUse());
            Set<Integer> registered = liveClientPorts(f);
            for (RawClient c : young) {
                assertThat(registered).as("young connections are not shed").contains(c.socket().getLocalPort());
            }
            RawClient firstShed = old.stream().filter(c -> !registered.contains(c.socket().getLocalPort())).findFirst().orElseThrow();
            assertThat(firstShed.readErrorAndClose().errorCode()).isEqualTo(ErrorCode.SLOW_CONSUMER);
            witness.send(new Request(1, new byte[] {1}));
            assertThat(witness.read()).isEqualTo(new Response(1, new byte[] {1}));
        }
    }

    @Test
    void whenTheBudgetIsFullAndNothingMayBeShedNewConnectionsGetServerFull() throws IOException {
        MockTicker ticker = Ticker.newMockTicker(); // never advanced: no handshake is old enough to be shed
        try (ServerFixture f = new ServerFixture(ServerFixture.builder().ticker(ticker).memoryBudget(MIB).maxPendingBytesPerConnection(MIB))) {
            RawClient witness = f.session();
            byte[] partial = ByteBuffer.allocate(3000).putInt(4000).array();
            List<RawClient> young = new ArrayList<>();
            for (int i = 0; i < 400 && f.server.stats().rejectedFull() == 0; i++) {
                young.add(f.raw().sendBytes(partial));
                if (i % 50 == 49) { // let the server catch up (each one admitted, or refused once memory is full)
                    int expected = i + 2;
                    Await.until(Duration.ofSeconds(10), () -> f.server.stats().connections() + f.server.stats().rejectedFull() >= expected,
                            () -> "" + f.server.stats());
                }
            }
            Await.until(Duration.ofSeconds(10), () -> f.server.stats().rejectedFull() >= 1, () -> "in use " + f.server.memoryInUse());
            Await.until(Duration.ofSeconds(5), () -> young.stream().anyMatch(MemoryBudgetTest::hasInput), () -> "no answer arrived");
            RawClient refusedClient = young.stream().filter(MemoryBudgetTest::hasInput).findFirst().orElseThrow();
            ErrorMessage refused = refusedClient.readErrorAndClose();
            assertThat(refused.errorCode()).isEqualTo(ErrorCode.SERVER_FULL);
            assertThat(refused.text()).contains("short of memory");
            assertThat(f.server.counters.memoryShed.sum()).isZero();
            witness.send(new Request(1, new byte[] {1})); // those already in are still served
            assertThat(witness.read()).isEqualTo(new Response(1, new byte[] {1}));
        }
    }

    /** The client ports of the sessions that are open and not closing. */
    private static Set<Integer> liveClientPorts(ServerFixture f) {
        Set<Integer> ports = new HashSet<>();
        for (SessionInfo s : f.server.sessions()) {
            if (s.state() != SessionInfo.State.CLOSING) {
                ports.add(((InetSocketAddress) s.remoteAddress()).getPort());
            }
        }
        return ports;
    }

    private static boolean hasInput(RawClient c) {
        try {
            return c.socket().getInputStream().available() > 0;
        } catch (IOException e) {
            return true; // reset: it was answered and closed
        }
    }

    private static List<RawClient> open(ServerFixture f, byte[] first, int n) throws IOException {
        List<RawClient> out = new ArrayList<>();
        int before = f.server.sessions().size();
        for (int i = 0; i < n; i++) {
            out.add(f.raw().sendBytes(first));
        }
        // Every one registered (shed ones stay registered while they close: the test's ticker never ends their grace).
        Await.until(Duration.ofSeconds(10), () -> f.server.sessions().size() >= before + n, () -> "" + f.server.stats());
        return out;
    }

    /** A welcomed connection that reads nothing more, with a small receive buffer so that the server's queue grows. */
    private static SocketChannel handshake(ReferenceServer server, int receiveBuffer) throws IOException {
        SocketChannel c = SocketChannel.open();
        c.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
        c.connect(new InetSocketAddress("127.0.0.1", server.port()));
        c.write(ByteBuffer.wrap(MessageEncoder.toBytes(new Hello(30_000, "flood", null))));
        ByteBuffer in = ByteBuffer.allocate(256);
        List<dev.tether.protocol.Message> got = new ArrayList<>();
        dev.tether.protocol.MessageDecoder decoder = new dev.tether.protocol.MessageDecoder();
        c.socket().setSoTimeout(RawClient.READ_TIMEOUT_MILLIS);
        while (got.isEmpty()) {
            in.clear();
            int n = c.socket().getInputStream().read(in.array());
            assertThat(n).isPositive();
            try {
                decoder.decode(ByteBuffer.wrap(in.array(), 0, n), got::add);
            } catch (dev.tether.protocol.ProtocolException e) {
                throw new IOException(e);
            }
        }
        assertThat(got.get(0)).isInstanceOf(Welcome.class);
        c.configureBlocking(false);
        return c;
    }

    /** Writes what it can of {@code b} without blocking, for at most {@code max}. */
    private static void writeFor(SocketChannel c, ByteBuffer b, Duration max) throws IOException {
        long deadline = System.nanoTime() + max.toNanos();
        while (b.hasRemaining() && System.nanoTime() < deadline) {
            if (c.write(b) == 0) {
                LockSupport.parkNanos(1_000_000);
            }
        }
    }
}
