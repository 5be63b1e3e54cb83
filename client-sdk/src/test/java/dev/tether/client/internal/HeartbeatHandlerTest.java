package dev.tether.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.protocol.Ping;
import dev.tether.protocol.Pong;
import dev.tether.protocol.Push;
import dev.tether.protocol.Send;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The heartbeat in an {@link EmbeddedChannel}, whose clock the test moves: no sockets, no sleeping. */
class HeartbeatHandlerTest {
    private static final long INTERVAL = 30_000;
    private static final long DEAD_PEER = 65_000;

    private final List<Long> deadPeers = new ArrayList<>();
    private final List<Ping> pingsSent = new ArrayList<>();
    private final HeartbeatHandler.Listener listener = deadPeers::add;

    /** Next to the socket, as the frame encoder would be: records every ping that leaves. */
    private final ChannelOutboundHandlerAdapter pingRecorder = new PingRecorder();

    @ChannelHandler.Sharable
    private final class PingRecorder extends ChannelOutboundHandlerAdapter {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof Ping ping) {
                pingsSent.add(ping);
            }
            ctx.write(msg, promise);
        }
    }

    /** Picks the latest phase, H: the first ping leaves a whole interval after the start, as every later one. */
    private static final RandomGenerator LATEST_PHASE = new RandomGenerator() {
        @Override
        public long nextLong() {
            throw new UnsupportedOperationException("only bounded draws");
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    };

    private EmbeddedChannel channel() {
        return channel(LATEST_PHASE);
    }

    private EmbeddedChannel channel(RandomGenerator phase) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        // First, next to the socket, as the dialer installs it; the recorder stands where the frame encoder is.
        HeartbeatHandler heartbeat = new HeartbeatHandler(listener);
        ch.pipeline().addLast(heartbeat, pingRecorder);
        heartbeat.start(INTERVAL, DEAD_PEER, phase); // as the welcome does
        return ch;
    }

    private static void advance(EmbeddedChannel ch, long millis) {
        EmbeddedTime.advance(ch, millis);
    }

    @Test
    void pingsWhenNothingWasWrittenForTheInterval() {
        EmbeddedChannel ch = channel();
        advance(ch, INTERVAL - 1);
        assertThat((Object) ch.readOutbound()).isNull();

        advance(ch, 1);
        Object out = ch.readOutbound();
        assertThat(out).isInstanceOf(Ping.class);
        assertThat(pingsSent).containsExactly((Ping) out);
        ch.finishAndReleaseAll();
    }

    @Test
    void writingPostponesThePing() {
        EmbeddedChannel ch = channel();
        // The server pushes every 5 s (the silent-side rule stays quiet); the client writes once, at 20 s.
        for (int t = 5; t <= 50; t += 5) {
            advance(ch, 5_000);
            ch.writeInbound(new Push(new byte[1]));
            assertThat((Object) ch.readInbound()).isInstanceOf(Push.class);
            if (t == 20) {
                ch.writeOutbound(new Push(new byte[1])); // any write counts
                assertThat((Object) ch.readOutbound()).isInstanceOf(Push.class);
            }
            if (t < 50) {
                assertThat((Object) ch.readOutbound()).as("no ping at %d s", t).isNull();
            }
        }
        assertThat((Object) ch.readOutbound()).as("a ping 30 s after the write").isInstanceOf(Ping.class);
        ch.finishAndReleaseAll();
    }

    @Test
    void aSilentPeerIsDeclaredDeadAfterTheDeadPeerTimeoutAndTheChannelCloses() {
        EmbeddedChannel ch = channel();
        // The peer answers nothing: pings go out at 30 s and 60 s, the channel closes at 65 s.
        for (long t = 0; t < DEAD_PEER - 1000; t += 1000) {
            advance(ch, 1000);
        }
        assertThat(ch.isOpen()).isTrue();
        assertThat(pingsSent).hasSize(2);
        advance(ch, 1000);
        assertThat(ch.isOpen()).isFalse();
        assertThat(deadPeers).containsExactly(DEAD_PEER);
        ch.finishAndReleaseAll();
    }

    @Test
    void anyInboundFrameKeepsTheConnectionAlive() {
        EmbeddedChannel ch = channel();
        for (int i = 0; i < 10; i++) {
            advance(ch, DEAD_PEER - 1000);
            ch.writeInbound(new Push(new byte[1]));
            assertThat((Object) ch.readInbound()).isInstanceOf(Push.class); // passed on
        }
        assertThat(ch.isOpen()).isTrue();
        assertThat(deadPeers).isEmpty();
        ch.finishAndReleaseAll();
    }

    @Test
    void pongsAndEverythingElsePassThroughToTheConnection() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(new Pong(5));
        assertThat((Object) ch.readInbound()).isEqualTo(new Pong(5));
        ch.finishAndReleaseAll();
    }

    @Test
    void aClientThatOnlyStreamsSendsStillPingsWhenTheServerIsSilentAndStaysUpWhileItAnswers() {
        EmbeddedChannel ch = channel();
        // One SEND a second for 200 s: the writer is never idle, so only the silence of the reader can
        // trigger pings. The server answers each ping with a pong; nothing else comes back.
        for (int second = 1; second <= 200; second++) {
            advance(ch, 1000);
            ch.writeOutbound(new Send(new byte[1]));
            for (Object out; (out = ch.readOutbound()) != null; ) {
                if (out instanceof Ping ping) {
                    ch.writeInbound(new Pong(ping.timestamp()));
                    assertThat((Object) ch.readInbound()).isEqualTo(new Pong(ping.timestamp()));
                }
            }
        }
        assertThat(ch.isOpen()).isTrue();
        assertThat(deadPeers).isEmpty();
        // A ping once each silence reaches 30 s: the pong ends it at once, and the next begins.
        assertThat(pingsSent).hasSize(200 / 30);
        ch.finishAndReleaseAll();
    }

    @Test
    void aClientThatOnlyStreamsSendsDetectsASilentServerAtTheDeadPeerTimeout() {
        EmbeddedChannel ch = channel();
        for (int second = 1; second < DEAD_PEER / 1000; second++) {
            advance(ch, 1000);
            ch.writeOutbound(new Send(new byte[1]));
        }
        assertThat(ch.isOpen()).isTrue();
        assertThat(pingsSent).hasSize(1); // asked once the silence passed the interval: no answer came
        advance(ch, 1000);
        assertThat(ch.isOpen()).isFalse();
        assertThat(deadPeers).containsExactly(DEAD_PEER);
        ch.finishAndReleaseAll();
    }

    @Test
    void aClientThatOnlyStreamsSendsPingsOnceTheServersSilenceReachesTheInterval() {
        EmbeddedChannel ch = channel();
        for (int second = 1; second <= 29; second++) {
            advance(ch, 1000);
            ch.writeOutbound(new Send(new byte[1]));
        }
        advance(ch, 999);
        assertThat(pingsSent).isEmpty();
        advance(ch, 1);
        assertThat(pingsSent).hasSize(1);
        ch.finishAndReleaseAll();
    }

    @Test
    void theFirstPingsOfARampSpreadOverTheIntervalAndNoneComesLaterThanTheInterval() {
        // 1,000 clients started at the same instant, phases from one seeded generator (as a loop's ThreadLocalRandom
        // serves all its connections): the first pings fall in (0, H], about a tenth in each tenth of it.
        SplittableRandom random = new SplittableRandom(13);
        int clients = 1000;
        int[] perTenth = new int[10];
        for (int i = 0; i < clients; i++) {
            pingsSent.clear();
            EmbeddedChannel ch = channel(random);
            long start = ch.eventLoop().ticker().nanoTime();
            advance(ch, INTERVAL);
            assertThat(pingsSent).as("client %d pinged within the interval", i).hasSize(1);
            long at = pingsSent.get(0).timestamp() - start;
            assertThat(at).isPositive().isLessThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(INTERVAL));
            perTenth[(int) Math.min(9, at * 10 / TimeUnit.MILLISECONDS.toNanos(INTERVAL))]++;
            ch.finishAndReleaseAll();
        }
        // Binomial(1000, 0.1): 100 expected, standard deviation 9.5; 60..140 is more than 4 of them either side.
        assertThat(IntStream.of(perTenth).boxed()).allSatisfy(n -> assertThat(n).isBetween(60, 140));
    }

    @Test
    void afterARandomFirstPingAnIdleClientPingsEveryIntervalAndAnAnsweringServerKeepsItUp() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 50; i++) {
            pingsSent.clear();
            EmbeddedChannel ch = channel(random);
            long start = ch.eventLoop().ticker().nanoTime();
            List<Long> times = new ArrayList<>();
            times.add(start);
            for (int step = 0; step < 5 * INTERVAL / 500; step++) {
                advance(ch, 500);
                for (Object out; (out = ch.readOutbound()) != null; ) {
                    Ping ping = (Ping) out;
                    times.add(ping.timestamp());
                    ch.writeInbound(new Pong(ping.timestamp()));
                    assertThat((Object) ch.readInbound()).isEqualTo(new Pong(ping.timestamp()));
                }
            }
            assertThat(times).hasSizeGreaterThanOrEqualTo(5 + 1);
            for (int k = 1; k < times.size(); k++) {
                long gap = times.get(k) - times.get(k - 1);
                assertThat(gap).as("client %d, gap before ping %d", i, k).isLessThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(INTERVAL));
                if (k > 1) {
                    assertThat(gap).as("after the first, one ping per interval").isEqualTo(TimeUnit.MILLISECONDS.toNanos(INTERVAL));
                }
            }
            assertThat(ch.isOpen()).isTrue();
            ch.finishAndReleaseAll();
        }
        assertThat(deadPeers).isEmpty();
    }

    @Test
    void whateverThePhaseASilentPeerIsGivenUpExactlyAtTheDeadPeerTimeout() {
        SplittableRandom random = new SplittableRandom(99);
        for (int i = 0; i < 50; i++) {
            EmbeddedChannel ch = channel(random);
            advance(ch, DEAD_PEER - 1);
            assertThat(ch.isOpen()).as("client %d open 1 ms before the timeout", i).isTrue();
            advance(ch, 1);
            assertThat(ch.isOpen()).as("client %d closed at the timeout", i).isFalse();
            ch.finishAndReleaseAll();
        }
        assertThat(deadPeers).hasSize(50).containsOnly(DEAD_PEER);
    }

    @Test
    void theTimerIsCancelledWhenTheChannelCloses() {
        EmbeddedChannel ch = channel();
        ch.close();
        advance(ch, 10 * DEAD_PEER);
        assertThat(pingsSent).isEmpty();
        assertThat(deadPeers).isEmpty();
        ch.finishAndReleaseAll();
    }

    @Test
    void beforeTheWelcomeStartsItNothingIsScheduledAndItOnlyConsolidatesFlushes() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(new HeartbeatHandler(listener), pingRecorder, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ctx.writeAndFlush(msg); // answered from the read, as a response callback would
            }
        });
        ch.pipeline().fireChannelRead(new Pong(1));
        assertThat(ch.outboundMessages()).as("flushed at the end of the read, not at once").isEmpty();
        ch.pipeline().fireChannelReadComplete();
        assertThat((Object) ch.readOutbound()).isEqualTo(new Pong(1));
        advance(ch, 10 * DEAD_PEER);
        assertThat(pingsSent).isEmpty();
        assertThat(ch.isOpen()).isTrue();
        ch.finishAndReleaseAll();
    }

    @Test
    void firstPingDelaysAreUniformInTheInterval() {
        RandomGenerator lowest = new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public long nextLong(long bound) {
                return 0;
            }
        };
        assertThat(HeartbeatHandler.firstPingDelayNanos(30_000, lowest)).isEqualTo(1);
        assertThat(HeartbeatHandler.firstPingDelayNanos(30_000, LATEST_PHASE)).isEqualTo(30_000);
        assertThat(HeartbeatHandler.firstPingDelayNanos(0, LATEST_PHASE)).isZero();
    }
}
