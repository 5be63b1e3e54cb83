package dev.tether.client.internal;

import dev.tether.protocol.Ping;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a connection honest, on top of Netty's {@link IdleStateHandler} wired as its Javadoc shows: the
 * idle handler fires <em>writer idle</em> when nothing was written for the heartbeat interval H, and we
 * send a {@link Ping} carrying our clock; it fires <em>reader idle</em> every {@link #readerTickNanos tick}
 * while nothing at all (any frame counts) is received. Once the silence reaches H we ping too, unless a
 * ping already went out during it: a client that only streams one-way sends writes all the time, so the
 * writer-idle rule alone would never make a live server answer, and the dead-peer rule would drop it
 * (PROTOCOL.md section 7). Once the silence reaches the dead-peer timeout, we close the connection as dead.
 * That catches a peer that vanished without FIN or RST, which TCP alone would notice only after many
 * minutes. The pong's echoed timestamp gives the round-trip time ({@link Connection} reads it: this
 * handler stays off the read path, which Netty then skips for it).
 */
final class HeartbeatHandler extends ChannelInboundHandlerAdapter {
    /** What the connection learns from the heartbeat. */
    interface Listener {
        /** Nothing was received for {@code timeoutMillis}: the handler is closing the channel. */
        void onDeadPeer(long timeoutMillis);
    }

    private final Listener listener;
    private final long deadPeerTimeoutMillis;
    /** Silent reader ticks after which we ping, and after which the peer is dead; 0 = never. */
    private final int pingTicks;
    private final int deadTicks;
    /** Reader-idle ticks since the last read, and the ticker time of the last ping we sent. */
    private int quietTicks;
    private long lastPingNanos = Long.MIN_VALUE;
    private final long tickNanos;
    private static final long TICK_SLACK_NANOS = 1_000;

    HeartbeatHandler(Listener listener, long heartbeatIntervalMillis, long deadPeerTimeoutMillis) {
        this.listener = listener;
        this.deadPeerTimeoutMillis = deadPeerTimeoutMillis;
        this.tickNanos = readerTickNanos(heartbeatIntervalMillis, deadPeerTimeoutMillis);
        this.pingTicks = ticks(heartbeatIntervalMillis, tickNanos);
        this.deadTicks = ticks(deadPeerTimeoutMillis, tickNanos);
    }

    /**
     * How often silence is checked: the dead-peer timeout D cut into the fewest equal ticks no longer than
     * the interval H (D / ceil(D / H), 21.7 s for the defaults), so that D is met to the nanosecond and
     * the silent-side ping leaves at the first tick at or after H. Either duration may be 0 (off); both 0
     * means no checks.
     */
    static long readerTickNanos(long heartbeatIntervalMillis, long deadPeerTimeoutMillis) {
        long h = TimeUnit.MILLISECONDS.toNanos(Math.max(0, heartbeatIntervalMillis));
        long d = TimeUnit.MILLISECONDS.toNanos(Math.max(0, deadPeerTimeoutMillis));
        if (d == 0 || h == 0) {
            return d == 0 ? h : d;
        }
        return d / ((d + h - 1) / h);
    }

    private static int ticks(long millis, long tickNanos) {
        if (millis <= 0 || tickNanos == 0) {
            return 0;
        }
        // The first whole tick at or after the duration. The tick was found by integer division, so k ticks
        // may fall a few nanoseconds short of D; the microsecond of slack keeps that from costing a tick.
        long nanos = TimeUnit.MILLISECONDS.toNanos(millis) - TICK_SLACK_NANOS;
        return (int) Math.max(1, (nanos + tickNanos - 1) / tickNanos);
    }

    /**
     * The idle handler that feeds a {@code HeartbeatHandler}: put it first in the pipeline, and the
     * {@code HeartbeatHandler} after the frame encoder (its pings must be encoded). A zero duration switches
     * that side off.
     */
    static IdleStateHandler idleStateHandler(long heartbeatIntervalMillis, long deadPeerTimeoutMillis) {
        return new FlushTimeIdleStateHandler(readerTickNanos(heartbeatIntervalMillis, deadPeerTimeoutMillis),
                TimeUnit.MILLISECONDS.toNanos(Math.max(0, heartbeatIntervalMillis)));
    }

    /**
     * Netty's {@link IdleStateHandler}, placed next to the socket (first in the pipeline), where it sees
     * real I/O: a read is any bytes received, and a write counts when it is flushed to the socket. The stock
     * handler instead swaps every write's promise for a new one to hear of its completion, an allocation and
     * a listener call per request, and reads the clock per write; here the clock is read once per flush,
     * which the flush consolidation behind it turns into once per batch.
     */
    static final class FlushTimeIdleStateHandler extends IdleStateHandler {
        FlushTimeIdleStateHandler(long readerIdleNanos, long writerIdleNanos) {
            super(readerIdleNanos, writerIdleNanos, 0, TimeUnit.NANOSECONDS);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ctx.write(msg, promise);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            resetWriteTimeout();
            ctx.flush();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent e) {
            if (e.state() == IdleState.WRITER_IDLE) {
                ping(ctx);
            } else if (e.state() == IdleState.READER_IDLE) {
                quietTicks = e.isFirst() ? 1 : quietTicks + 1;
                if (deadTicks > 0 && quietTicks >= deadTicks) {
                    listener.onDeadPeer(deadPeerTimeoutMillis);
                    ctx.close();
                } else if (pingTicks > 0 && quietTicks >= pingTicks && !pingedDuringSilence(ctx)) {
                    ping(ctx);
                }
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    private void ping(ChannelHandlerContext ctx) {
        long now = ctx.executor().ticker().nanoTime();
        lastPingNanos = now;
        ctx.writeAndFlush(new Ping(now)).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
    }

    /** Whether a ping went out during the current silence, which began {@code quietTicks} ticks ago. */
    private boolean pingedDuringSilence(ChannelHandlerContext ctx) {
        return lastPingNanos != Long.MIN_VALUE
                && ctx.executor().ticker().nanoTime() - lastPingNanos < quietTicks * tickNanos;
    }
}
