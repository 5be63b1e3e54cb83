package dev.tether.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Right behind the TLS handler: counts a failed TLS handshake (once per connection, from the handler's completion
 * event) and keeps its exception from the session. A peer that cannot complete a handshake (an untrusted or
 * missing client certificate, plaintext sent to the TLS port, no common protocol) is routine on a public port: it
 * is neither a server failure nor worth a stack trace in the log. Stateless, so one instance serves every
 * connection of a server; {@link Linger} sits in front of the TLS handler.
 */
@ChannelHandler.Sharable
final class TlsFailures extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(ReferenceServer.class.getName());

    private final ServerCounters counters;

    TlsFailures(ServerCounters counters) {
        this.counters = counters;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
            counters.tlsHandshakeFailures.increment();
            LOG.log(System.Logger.Level.DEBUG, () -> "TLS handshake with " + ctx.channel().remoteAddress() + " failed: " + done.cause());
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof SSLException || cause.getCause() instanceof SSLException) {
            // The TLS handler has sent its alert and closes the connection (see Linger).
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    /**
     * In front of the TLS handler (next to the socket): when the TLS handler closes a connection whose handshake
     * failed, the alert that says why goes out, then FIN, and what the peer still sends is read and dropped until it
     * closes too (at most {@link Session#CLOSE_GRACE_NANOS}). Closing at once with the peer's bytes unread would send
     * a reset, which can destroy the alert before the peer reads it: a client refused for its certificate would
     * only see "connection reset". The same reasoning as the session's error close.
     */
    static final class Linger extends ChannelDuplexHandler {
        private final SslHandler tls;
        private boolean lingering;
        private long discarded;

        Linger(SslHandler tls) {
            this.tls = tls;
        }

        @Override
        public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
            if (lingering || tls.handshakeFuture().cause() == null || !(ctx.channel() instanceof DuplexChannel duplex)
                    || !ctx.channel().isActive()) {
                ctx.close(promise);
                return;
            }
            lingering = true;
            ctx.channel().closeFuture().addListener(f -> promise.trySuccess());
            ctx.channel().config().setAutoRead(true);
            // An empty write completes after everything before it (the alert): then FIN.
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    duplex.shutdownOutput();
                } else {
                    ctx.close();
                }
            });
            ctx.executor().schedule(() -> {
                ctx.close();
            }, Session.CLOSE_GRACE_NANOS, TimeUnit.NANOSECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!lingering) {
                ctx.fireChannelRead(msg);
                return;
            }
            if (msg instanceof ByteBuf buf && (discarded += buf.readableBytes()) > Session.MAX_DISCARD_WHILE_CLOSING) {
                ctx.close();
            }
            ReferenceCountUtil.release(msg);
        }
    }
}
