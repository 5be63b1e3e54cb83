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
 * idle handler fires <em>writer idle</em> when nothing was written for the heartbeat interval, and we send
 * a {@link Ping} carrying our clock; it fires <em>reader idle</em> when nothing at all (any frame counts)
 * was received for the dead-peer timeout, and we close the connection as dead. That catches a peer that
 * vanished without FIN or RST, which TCP alone would notice only after many minutes. The pong's echoed
 * timestamp gives the round-trip time ({@link Connection} reads it: this handler stays off the read path,
 * which Netty then skips for it).
 */
final class HeartbeatHandler extends ChannelInboundHandlerAdapter {
    /** What the connection learns from the heartbeat. */
    interface Listener {
        void onPingSent(Ping ping);

        /** Nothing was received for {@code timeoutMillis}: the handler is closing the channel. */
        void onDeadPeer(long timeoutMillis);
    }

    private final Listener listener;
    private final long deadPeerTimeoutMillis;

    HeartbeatHandler(Listener listener, long deadPeerTimeoutMillis) {
        this.listener = listener;
        this.deadPeerTimeoutMillis = deadPeerTimeoutMillis;
    }

    /**
     * The idle handler that feeds a {@code HeartbeatHandler}: put it first in the pipeline, and the
     * {@code HeartbeatHandler} after the frame encoder (its pings must be encoded). A zero duration switches
     * that side off.
     */
    static IdleStateHandler idleStateHandler(long heartbeatIntervalMillis, long deadPeerTimeoutMillis) {
        return new FlushTimeIdleStateHandler(deadPeerTimeoutMillis, heartbeatIntervalMillis);
    }

    /**
     * Netty's {@link IdleStateHandler}, placed next to the socket (first in the pipeline), where it sees
     * real I/O: a read is any bytes received, and a write counts when it is flushed to the socket. The stock
     * handler instead swaps every write's promise for a new one to hear of its completion, an allocation and
     * a listener call per request, and reads the clock per write; here the clock is read once per flush,
     * which the flush consolidation behind it turns into once per batch.
     */
    static final class FlushTimeIdleStateHandler extends IdleStateHandler {
        FlushTimeIdleStateHandler(long readerIdleMillis, long writerIdleMillis) {
            super(readerIdleMillis, writerIdleMillis, 0, TimeUnit.MILLISECONDS);
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
                Ping ping = new Ping(ctx.executor().ticker().nanoTime());
                listener.onPingSent(ping);
                ctx.writeAndFlush(ping).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
            } else if (e.state() == IdleState.READER_IDLE) {
                listener.onDeadPeer(deadPeerTimeoutMillis);
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

}
