package dev.tether.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.protocol.Ping;
import dev.tether.protocol.Pong;
import dev.tether.protocol.Push;
import dev.tether.protocol.Send;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The heartbeat in an {@link EmbeddedChannel}, whose clock the test moves: no sockets, no sleeping. */
class HeartbeatHandlerTest {
    private static final long INTERVAL = 30_000;
    private static final long DEAD_PEER = 65_000;

    private final List<Long> deadPeers = new ArrayList<>();
    private final List<Ping> pingsSent = new ArrayList<>();
    private final HeartbeatHandler.Listener listener = deadPeers::add;

    /** Next to the socket, as the frame encoder would be: records every ping that leaves. */
    private final ChannelOutboundHandlerAdapter pingRecorder = new ChannelOutboundHandlerAdapter() {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof Ping ping) {
                pingsSent.add(ping);
            }
            ctx.write(msg, promise);
        }
    };

    private EmbeddedChannel channel() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(pingRecorder, HeartbeatHandler.idleStateHandler(INTERVAL, DEAD_PEER),
                new HeartbeatHandler(listener, INTERVAL, DEAD_PEER));
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
        advance(ch, 20_000);
        ch.writeOutbound(new Push(new byte[1])); // any write counts
        assertThat((Object) ch.readOutbound()).isInstanceOf(Push.class);
        advance(ch, 20_000);
        assertThat((Object) ch.readOutbound()).isNull();
        advance(ch, 10_000);
        assertThat((Object) ch.readOutbound()).isInstanceOf(Ping.class);
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
        // A ping at the first check after 30 s of silence (43.3 s with 65 s / 3 ticks), then every such stretch.
        assertThat(pingsSent).hasSizeBetween(200 / 44, 200 / 30);
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
    void readerTicksCutTheDeadPeerTimeoutIntoStepsNoLongerThanTheInterval() {
        assertThat(HeartbeatHandler.readerTickNanos(30_000, 65_000)).isEqualTo(21_666_666_666L);
        assertThat(HeartbeatHandler.readerTickNanos(30_000, 60_000)).isEqualTo(30_000_000_000L);
        assertThat(HeartbeatHandler.readerTickNanos(0, 65_000)).isEqualTo(65_000_000_000L);
        assertThat(HeartbeatHandler.readerTickNanos(30_000, 0)).isEqualTo(30_000_000_000L);
        assertThat(HeartbeatHandler.readerTickNanos(0, 0)).isZero();
    }
}
