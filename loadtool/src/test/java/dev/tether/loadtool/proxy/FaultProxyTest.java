package dev.tether.loadtool.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy on loopback sockets: a plain socket client, the proxy, an echoing target. Fault schedules run on a
 * {@link FakeFaultClock}; the only real waits are bounded polls for bytes and closes to cross the sockets.
 */
class FaultProxyTest {
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(15);
    private final EchoServer target = new EchoServer();
    private final FakeFaultClock clock = new FakeFaultClock();
    private final List<Socket> sockets = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private FaultProxy proxy;

    @AfterEach
    void tearDown() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        target.close();
    }

    private FaultProxy start(String spec) {
        return start(spec, new Random(1));
    }

    private FaultProxy start(String spec, Random random) {
        proxy = FaultProxy.builder().target(target.address()).faults(spec.isEmpty() ? FaultSpec.NONE : FaultSpec.parse(spec))
                .clock(clock).random(random).ioThreads(2).onFault(line -> {
                    synchronized (events) {
                        events.add(line);
                    }
                }).start();
        return proxy;
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(proxy.address(), 10_000);
        s.setSoTimeout(10_000);
        s.setTcpNoDelay(true);
        return s;
    }

    private static byte[] readFully(Socket s, int n) throws IOException {
        byte[] b = new byte[n];
        InputStream in = s.getInputStream();
        for (int off = 0; off < n; ) {
            int r = in.read(b, off, n - off);
            if (r < 0) {
                throw new IOException("closed after " + off + " of " + n + " bytes");
            }
            off += r;
        }
        return b;
    }

    private static void exchange(Socket s, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(bytes);
        s.getOutputStream().flush();
        assertThat(new String(readFully(s, bytes.length), StandardCharsets.UTF_8)).isEqualTo(text);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 15 s: " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void relaysRandomBytesIntactBothWaysInSplitWrites() throws Exception {
        start("");
        Random random = new Random(42);
        List<Socket> clients = List.of(connect(), connect(), connect());
        int size = 512 * 1024;
        List<byte[]> sent = new ArrayList<>();
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (Socket s : clients) {
            byte[] data = new byte[size];
            random.nextBytes(data);
            sent.add(data);
            long seed = random.nextLong();
            // Written in random pieces while the echo is read back on this thread: both directions flow at once.
            writers.add(CompletableFuture.runAsync(() -> {
                Random pieces = new Random(seed);
                try {
                    OutputStream out = s.getOutputStream();
                    for (int off = 0; off < size; ) {
                        int n = Math.min(size - off, 1 + pieces.nextInt(9_000));
                        out.write(data, off, n);
                        off += n;
                    }
                    out.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        for (int i = 0; i < clients.size(); i++) {
            assertThat(readFully(clients.get(i), size)).isEqualTo(sent.get(i));
        }
        CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(15, TimeUnit.SECONDS);

        ProxyStats stats = proxy.stats();
        assertThat(stats.accepted()).isEqualTo(3);
        assertThat(stats.open()).isEqualTo(3);
        assertThat(stats.bytesToTarget()).isEqualTo(3L * size);
        assertThat(stats.bytesFromTarget()).isEqualTo(3L * size);
        assertThat(target.received.get()).isEqualTo(3L * size);
    }

    @Test
    void aTargetThatStopsReadingStopsTheProxyReadingTheClientInsteadOfFillingTheHeap() throws Exception {
        start("");
        target.reading(false);
        Socket s = connect();
        s.getOutputStream().write('x');
        int size = 32 * 1024 * 1024;
        byte[] data = new byte[size];
        new Random(7).nextBytes(data);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                s.getOutputStream().write(data);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        // Kernel buffers fill, then Netty's towards the target: the proxy stops reading the client.
        await(() -> proxy.sidesNotReading() == 1, "the proxy stopped reading the client");
        assertThat(proxy.stats().bytesToTarget()).isLessThan(size / 2);
        assertThat(writer).isNotDone();

        target.reading(true); // everything flows again, intact, and the echo comes back
        byte[] back = readFully(s, 1 + size);
        assertThat(back[0]).isEqualTo((byte) 'x');
        assertThat(java.util.Arrays.copyOfRange(back, 1, back.length)).isEqualTo(data);
        writer.get(15, TimeUnit.SECONDS);
        assertThat(target.received.get()).isEqualTo(1 + size);
        assertThat(proxy.sidesNotReading()).isZero();
    }

    @Test
    void aClientThatClosesClosesItsUpstreamToo() throws Exception {
        start("");
        Socket s = connect();
        exchange(s, "hello");
        s.close();
        await(() -> target.open.isEmpty(), "the target's side closed");
        await(() -> proxy.stats().open() == 0, "the proxy forgot the connection");
    }

    @Test
    void cutEveryFiveSecondsClosesBothSidesWithAResetAndNewConnectionsStillWork() throws Exception {
        start("cut every 5s");
        Socket first = connect();
        Socket second = connect();
        exchange(first, "one");
        exchange(second, "two");

        clock.advance(Duration.ofMillis(4_999));
        assertThat(proxy.stats().faults()).containsEntry("cut", 0L);
        clock.advance(Duration.ofMillis(1));

        for (Socket s : List.of(first, second)) {
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketException.class); // a reset, not an EOF
        }
        await(() -> target.open.isEmpty(), "the target's sides closed");
        await(() -> target.resets.get() == 2, "the target saw two resets");
        assertThat(proxy.stats().faults()).containsEntry("cut", 1L);
        assertThat(proxy.stats().connectionsCut()).isEqualTo(2);

        Socket third = connect(); // the proxy still accepts, and relays
        exchange(third, "three");
        assertThat(target.accepted.get()).isEqualTo(3);

        clock.advance(Duration.ofSeconds(5)); // and the schedule repeats
        assertThatThrownBy(() -> third.getInputStream().read()).isInstanceOf(SocketException.class);
        assertThat(proxy.stats().faults()).containsEntry("cut", 2L);
        assertThat(proxy.stats().connectionsCut()).isEqualTo(3);
        assertThat(events).containsExactly("[   5.0s] cut: closed 2 connections", "[  10.0s] cut: closed 1 connections");
    }

    @Test
    void cutAtStrikesOnce() throws Exception {
        start("cut at 3s");
        Socket s = connect();
        exchange(s, "x");
        clock.advance(Duration.ofSeconds(3));
        assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketException.class);
        Socket later = connect();
        exchange(later, "y");
        clock.advance(Duration.ofMinutes(10));
        exchange(later, "z");
        assertThat(proxy.stats().faults()).containsEntry("cut", 1L);
        assertThat(clock.pending()).isZero();
    }

    @Test
    void stallHoldsBytesSilentlyInBothDirectionsAndResumesInOrder() throws Exception {
        start("stall 10s at 1s");
        Socket s = connect();
        exchange(s, "before");
        long toTarget = proxy.stats().bytesToTarget();
        clock.advance(Duration.ofSeconds(1));
        assertThat(events).containsExactly("[   1.0s] stall 10s: holding 1 connections");

        s.getOutputStream().write("held".getBytes(StandardCharsets.UTF_8));
        await(() -> proxy.stats().bytesToTarget() == toTarget + 4, "the proxy read the bytes");
        target.sendToAll("down".getBytes(StandardCharsets.UTF_8));
        await(() -> proxy.stats().bytesFromTarget() == toTarget + 4, "the proxy read the target's bytes");
        // Both read by the proxy and held: the target got nothing, the client nothing, and nothing was closed.
        assertThat(target.received.get()).isEqualTo(toTarget);
        assertThat(s.getInputStream().available()).isZero();
        assertThat(target.open.size()).isEqualTo(1);
        assertThat(proxy.stats().open()).isEqualTo(1);

        clock.advance(Duration.ofMillis(9_999));
        assertThat(target.received.get()).isEqualTo(toTarget);
        clock.advance(Duration.ofMillis(1));

        // Relayed in order once the stall ends: the unasked "down", then the echo of "held".
        assertThat(new String(readFully(s, 8), StandardCharsets.UTF_8)).isEqualTo("downheld");
        exchange(s, "after");
        assertThat(proxy.stats().faults()).containsEntry("stall", 1L);
        assertThat(events).last().isEqualTo("[  11.0s] stall over: relaying again");
    }

    @Test
    void aConnectionOpenedDuringAStallIsHeldToo() throws Exception {
        start("stall 5s every 1m");
        clock.advance(Duration.ofMinutes(1));
        Socket s = connect();
        s.getOutputStream().write("late".getBytes(StandardCharsets.UTF_8));
        await(() -> proxy.stats().bytesToTarget() == 4, "the proxy read the bytes");
        assertThat(target.received.get()).isZero();
        clock.advance(Duration.ofSeconds(5));
        assertThat(new String(readFully(s, 4), StandardCharsets.UTF_8)).isEqualTo("late");
    }

    @Test
    void delayHoldsEveryChunkAtLeastTheDelayOnTheInjectedClock() throws Exception {
        start("delay 50ms");
        clock.advance(Duration.ZERO); // the delay is set at 0s
        assertThat(events).containsExactly("[   0.0s] delay 50ms: every chunk from now on");
        Socket s = connect();
        s.getOutputStream().write('x');
        await(() -> clock.pending() == 1, "the chunk was read and its delivery scheduled");
        assertThat(clock.untilNext()).isEqualTo(Duration.ofMillis(50));
        assertThat(proxy.stats().bytesToTarget()).isEqualTo(1);

        clock.advance(Duration.ofMillis(49));
        assertThat(target.received.get()).isZero();
        clock.advance(Duration.ofMillis(1));
        await(() -> target.received.get() == 1, "the chunk reached the target after 50 ms");

        // The echo is delayed on its way back as well.
        await(() -> clock.pending() == 1, "the echo was read and its delivery scheduled");
        assertThat(clock.untilNext()).isEqualTo(Duration.ofMillis(50));
        assertThat(s.getInputStream().available()).isZero();
        clock.advance(Duration.ofMillis(50));
        assertThat(s.getInputStream().read()).isEqualTo('x');
    }

    @Test
    void jitterAddsUpToItsAmountOnTopOfTheDelay() throws Exception {
        Random half = new Random() {
            @Override
            public double nextDouble() {
                return 0.5;
            }
        };
        start("delay 50ms jitter 10ms", half);
        clock.advance(Duration.ZERO);
        Socket s = connect();
        s.getOutputStream().write('j');
        await(() -> clock.pending() == 1, "the chunk's delivery scheduled");
        assertThat(clock.untilNext()).isEqualTo(Duration.ofMillis(55));
    }

    @Test
    void aTargetThatRefusesResetsTheClientAndIsCounted() throws Exception {
        InetSocketAddress dead = target.address();
        target.close();
        proxy = FaultProxy.builder().target(dead).clock(clock).ioThreads(1).start();
        Socket s = new Socket();
        sockets.add(s);
        // The reset may come while the client's connect is still finishing, or on its first read; never an EOF.
        assertThatThrownBy(() -> {
            s.connect(proxy.address(), 10_000);
            s.setSoTimeout(10_000);
            assertThat(s.getInputStream().read()).as("a reset, not an EOF").isNotNegative();
        }).isInstanceOf(SocketException.class);
        await(() -> proxy.stats().upstreamFailures() == 1, "the failed connect was counted");
        assertThat(proxy.stats().open()).isZero();
    }

    @Test
    void aPortInUseIsReportedWithTheAddress() {
        start("");
        assertThatThrownBy(() -> FaultProxy.builder().listen(proxy.address()).target(target.address()).start())
                .isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContaining("cannot listen on " + FaultProxy.hostPort(proxy.address()));
    }

    @Test
    void whatAStallHoldsIsReleasedWhenACutOrTheCloseComes() throws Exception {
        start("stall 1m at 1s, cut at 2s");
        Socket first = connect();
        exchange(first, "a");
        clock.advance(Duration.ofSeconds(1));
        byte[] chunk = new byte[64 * 1024];
        first.getOutputStream().write(chunk);
        target.sendToAll(chunk);
        await(() -> proxy.stats().bytesToTarget() == 1 + chunk.length && proxy.stats().bytesFromTarget() == 1 + chunk.length,
                "the proxy read and held both directions");
        clock.advance(Duration.ofSeconds(1)); // the cut drops what was held
        await(() -> proxy.stats().open() == 0, "the cut closed the connection");

        Socket second = connect(); // still stalled: held until the close
        second.getOutputStream().write(chunk);
        await(() -> proxy.stats().bytesToTarget() == 1 + 2L * chunk.length, "the proxy read and held the new bytes");
        proxy.close();

        assertThat(dev.tether.testing.LeakDetectionExtension.collectLeaks()).isEmpty();
    }
}
