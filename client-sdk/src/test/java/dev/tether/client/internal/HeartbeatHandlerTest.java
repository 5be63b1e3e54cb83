package dev.tether.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.protocol.Ping;
import dev.tether.protocol.Pong;
import dev.tether.protocol.Push;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The heartbeat in an {@link EmbeddedChannel}, whose clock the test moves: no sockets, no sleeping. */
class HeartbeatHandlerTest {
    private static final long INTERVAL = 30_000;
    private static final long DEAD_PEER = 65_000;

    private final List<Long> deadPeers = new ArrayList<>();
    private final List<Ping> pingsSent = new ArrayList<>();
    private final HeartbeatHandler.Listener listener = new HeartbeatHandler.Listener() {
        @Override
        public void onPingSent(Ping ping) {
            pingsSent.add(ping);
        }

        @Override
        public void onDeadPeer(long timeoutMillis) {
            deadPeers.add(timeoutMillis);
        }
    };

    private EmbeddedChannel channel() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(HeartbeatHandler.idleStateHandler(INTERVAL, DEAD_PEER), new HeartbeatHandler(listener, DEAD_PEER));
        return ch;
    }

    @Test
    void pingsWhenNothingWasWrittenForTheInterval() {
        EmbeddedChannel ch = channel();
        ch.advanceTimeBy(INTERVAL - 1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat((Object) ch.readOutbound()).isNull();

        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        Object out = ch.readOutbound();
        assertThat(out).isInstanceOf(Ping.class);
        assertThat(pingsSent).containsExactly((Ping) out);
        ch.finishAndReleaseAll();
    }

    @Test
    void writingPostponesThePing() {
        EmbeddedChannel ch = channel();
        ch.advanceTimeBy(20_000, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        ch.writeOutbound(new Push(new byte[1])); // any write counts
        assertThat((Object) ch.readOutbound()).isInstanceOf(Push.class);
        ch.advanceTimeBy(20_000, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat((Object) ch.readOutbound()).isNull();
        ch.advanceTimeBy(10_000, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat((Object) ch.readOutbound()).isInstanceOf(Ping.class);
        ch.finishAndReleaseAll();
    }

    @Test
    void aSilentPeerIsDeclaredDeadAfterTheDeadPeerTimeoutAndTheChannelCloses() {
        EmbeddedChannel ch = channel();
        // The peer answers nothing: pings go out at 30 s and 60 s, the channel closes at 65 s.
        for (long t = 0; t < DEAD_PEER - 1000; t += 1000) {
            ch.advanceTimeBy(1000, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
        }
        assertThat(ch.isOpen()).isTrue();
        assertThat(pingsSent).hasSize(2);
        ch.advanceTimeBy(1000, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        assertThat(deadPeers).containsExactly(DEAD_PEER);
        ch.finishAndReleaseAll();
    }

    @Test
    void anyInboundFrameKeepsTheConnectionAlive() {
        EmbeddedChannel ch = channel();
        for (int i = 0; i < 10; i++) {
            ch.advanceTimeBy(DEAD_PEER - 1000, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
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
}
