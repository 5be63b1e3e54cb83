package dev.tether.client.internal;

import dev.tether.protocol.Ping;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Keeps a connection honest with one timer, the two rules of Netty's {@link IdleStateHandler} in one handler:
 * we send a {@link Ping} carrying our clock when nothing was flushed for the interval H (the writer side), and
 * when nothing at all was received (any bytes count) for H, unless a ping already went out during that silence:
 * a client that only streams one-way sends writes all the time, so the writer rule alone would never make a live
 * server answer, and the dead-peer rule would drop it (PROTOCOL.md section 7). Once the silence reaches the
 * dead-peer timeout D, we close the connection as dead. That catches a peer that vanished without FIN or RST,
 * which TCP alone would notice only after many minutes. The pong's echoed timestamp gives the round-trip time
 * ({@link Connection} reads it: this handler stays off the read path, which Netty then skips for it).
 *
 * <p><b>Phase.</b> The first ping is due after a uniformly random part of H, in (0, H], rather than after H:
 * clients connected in a ramp would otherwise ping in the same second, interval after interval. Every later
 * ping follows H after the last flush, so no connection goes longer than H without writing, and the dead-peer
 * timeout, counted from the last read, is not touched by the phase.
 *
 * <p>It is also the connection's {@link FlushConsolidationHandler} (requests issued from a response callback, on
 * the loop while a read is in progress, are flushed once at the end of the read instead of one system call each),
 * and sits where that handler belongs, next to the socket (first in the pipeline), where it sees real I/O: a read
 * counts at the end of a read batch, a write when it is flushed (the clock is read once per flush, and no write
 * promise is wrapped). The dialer installs it with the socket; the timer starts with {@link #start} once the
 * welcome has said which interval is in force. One handler and one armed timer per connection, where a flush
 * consolidation handler, an {@code IdleStateHandler} and a handler for its events cost three pipeline entries and
 * two timers: an idle client holds a few hundred bytes less. Confined to the channel's event loop.
 */
final class HeartbeatHandler extends FlushConsolidationHandler implements Runnable {
    /** What the connection learns from the heartbeat. */
    interface Listener {
        /** Nothing was received for {@code timeoutMillis}: the handler is closing the channel. */
        void onDeadPeer(long timeoutMillis);
    }

    private final Listener listener;
    /** The ping interval H and the dead-peer timeout D, in nanoseconds, set by {@link #start}; 0 = that rule is off. */
    private long pingNanos;
    private long deadPeerNanos;
    /** Ticker times of the end of the last read batch and of the last flush. */
    private long lastReadNanos;
    private long lastFlushNanos;
    /** Whether a ping went out since the last read (during the current silence). */
    private boolean pingedDuringSilence;
    private ChannelHandlerContext ctx;
    /** The armed timer, null before the start and once the channel is gone. */
    private Future<?> timer;

    HeartbeatHandler(Listener listener) {
        super(DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, false);
        this.listener = listener;
    }

    /** The delay of a connection's first ping: uniform in (0, H] nanoseconds, so that a ramp's pings spread out. */
    static long firstPingDelayNanos(long pingNanos, RandomGenerator random) {
        return pingNanos <= 0 ? 0 : 1 + random.nextLong(pingNanos);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        super.handlerAdded(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stop();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
        stop();
        super.handlerRemoved(ctx);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        lastReadNanos = now();
        pingedDuringSilence = false;
        super.channelReadComplete(ctx);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) throws Exception {
        lastFlushNanos = now();
        super.flush(ctx);
    }

    /**
     * Starts the heartbeat of a welcomed connection (once; loop only).
     *
     * @param heartbeatIntervalMillis H, 0 = no pings
     * @param deadPeerTimeoutMillis D, 0 = the peer is never given up
     * @param random picks the phase of the first ping
     */
    void start(long heartbeatIntervalMillis, long deadPeerTimeoutMillis, RandomGenerator random) {
        if (timer != null || !ctx.channel().isActive()) {
            return;
        }
        pingNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, heartbeatIntervalMillis));
        deadPeerNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, deadPeerTimeoutMillis));
        if (pingNanos == 0 && deadPeerNanos == 0) {
            return;
        }
        long now = now();
        lastReadNanos = now;
        // As though the last flush had been that much earlier: the first ping leaves after the random delay.
        lastFlushNanos = now - pingNanos + firstPingDelayNanos(pingNanos, random);
        arm(now);
    }

    private void stop() {
        Future<?> t = timer;
        timer = null;
        if (t != null) {
            t.cancel(false);
        }
    }

    /** The timer: ping or give up if a deadline passed, then arm for the next deadline. */
    @Override
    public void run() {
        if (timer == null || !ctx.channel().isOpen()) {
            return; // stopped
        }
        long now = now();
        long silence = now - lastReadNanos;
        if (deadPeerNanos > 0 && silence >= deadPeerNanos) {
            timer = null;
            listener.onDeadPeer(TimeUnit.NANOSECONDS.toMillis(deadPeerNanos));
            ctx.close();
            return;
        }
        if (pingNanos > 0 && (now - lastFlushNanos >= pingNanos || (!pingedDuringSilence && silence >= pingNanos))) {
            ping(now);
        }
        arm(now);
    }

    /** Arms the timer for the earliest deadline: a ping due (writer or silent side), or the dead-peer timeout. */
    private void arm(long now) {
        long next = Long.MAX_VALUE;
        if (deadPeerNanos > 0) {
            next = lastReadNanos + deadPeerNanos;
        }
        if (pingNanos > 0) {
            next = Math.min(next, lastFlushNanos + pingNanos);
            if (!pingedDuringSilence) {
                next = Math.min(next, lastReadNanos + pingNanos);
            }
        }
        timer = ctx.executor().schedule(this, Math.max(0, next - now), TimeUnit.NANOSECONDS);
    }

    private void ping(long now) {
        pingedDuringSilence = true;
        lastFlushNanos = now;
        // From the tail: the frame codec behind this handler must encode it.
        ctx.channel().writeAndFlush(new Ping(now)).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
    }

    private long now() {
        return ctx.executor().ticker().nanoTime();
    }
}
