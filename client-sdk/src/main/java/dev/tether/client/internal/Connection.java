package dev.tether.client.internal;

import dev.tether.client.netty.FrameDecoder;
import dev.tether.client.netty.FrameEncoder;
import dev.tether.client.ConnectionLostException;
import dev.tether.protocol.ErrorCode;
import dev.tether.protocol.ErrorMessage;
import dev.tether.protocol.GoAway;
import dev.tether.protocol.Hello;
import dev.tether.protocol.Message;
import dev.tether.protocol.Ping;
import dev.tether.protocol.Pong;
import dev.tether.protocol.Protocol;
import dev.tether.protocol.ProtocolException;
import dev.tether.protocol.Push;
import dev.tether.protocol.Response;
import dev.tether.protocol.Welcome;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * One physical connection of a {@link RealClient}: the last handler of its channel's pipeline. It
 * installs the codec in front of itself, says hello, and turns inbound frames into calls on the
 * client. A client has at most one connection in use plus, after a go-away, connections finishing their
 * in-flight requests. Confined to the client's event loop.
 */
final class Connection extends ChannelInboundHandlerAdapter implements HeartbeatHandler.Listener {
    final RealClient client;
    final InetSocketAddress endpoint;
    final RequestRegistry registry = new RequestRegistry();
    Channel channel;
    /** The connect + handshake deadline while the handshake is pending. */
    Future<?> handshakeTimer;
    boolean handshakeDone;
    /** After a go-away: no new writes, close when the last in-flight request is answered. */
    boolean draining;
    /** Why the connection closed, when we know better than "the channel became inactive". */
    Throwable closeCause;
    /** The server's limit on frames we send, from its welcome. */
    long serverMaxFrameLength = Long.MAX_VALUE;
    /** Pending explicit pings, oldest first: [timestamp, future]. */
    private ArrayDeque<PendingPing> pings;

    record PendingPing(long timestamp, CompletableFuture<java.time.Duration> future) {
    }

    Connection(RealClient client, InetSocketAddress endpoint) {
        this.client = client;
        this.endpoint = endpoint;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        ChannelPipeline p = ctx.pipeline();
        // Requests issued from a response callback (on this loop, while a read is in progress) are flushed
        // once at the end of the read instead of one system call each.
        p.addBefore(ctx.name(), "flushConsolidation", new FlushConsolidationHandler(
                FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, false));
        SslHandler ssl = client.newSslHandler(ctx.alloc(), endpoint);
        if (ssl != null) {
            p.addBefore(ctx.name(), "tls", ssl);
        }
        // The codec counts every frame into the client's totals: nothing else in the SDK counts.
        p.addBefore(ctx.name(), "frameDecoder", new FrameDecoder(client.config().maxFrameLength(), client.counters()));
        p.addBefore(ctx.name(), "frameEncoder", new FrameEncoder(client.counters()));
    }

    /** After the welcome: heartbeats start (the connect timeout guarded the handshake until now). */
    void startHeartbeat(long intervalMillis, long deadPeerMillis) {
        if (intervalMillis <= 0 && deadPeerMillis <= 0) {
            return;
        }
        ChannelPipeline p = channel.pipeline();
        // Next to the socket: it sees each read (not each frame) and each real flush, see FlushTimeIdleStateHandler.
        p.addFirst("idle", HeartbeatHandler.idleStateHandler(intervalMillis, deadPeerMillis));
        p.addBefore("connection", "heartbeat", new HeartbeatHandler(this, intervalMillis, deadPeerMillis));
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        var config = client.config();
        client.write(this, new Hello(config.heartbeatInterval().toMillis(), config.clientId(), config.authToken()), true);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Message m = (Message) msg;
        switch (m.type()) {
            case WELCOME -> {
                if (handshakeDone) {
                    protocolError(ctx, "a second WELCOME");
                } else {
                    client.onWelcome(this, (Welcome) m);
                }
            }
            case RESPONSE -> {
                Response r = (Response) m;
                client.onResponse(this, r.id(), r.payload(), null);
            }
            case ERROR -> {
                ErrorMessage e = (ErrorMessage) m;
                if (e.id() != 0) {
                    client.onResponse(this, e.id(), null, e);
                } else {
                    client.onConnectionError(this, e);
                }
            }
            case PUSH -> {
                if (handshakeDone) {
                    client.onPush((Push) m);
                } else {
                    protocolError(ctx, "PUSH before WELCOME");
                }
            }
            case GO_AWAY -> {
                if (handshakeDone) {
                    client.onGoAway(this, (GoAway) m);
                } else {
                    protocolError(ctx, "GO_AWAY before WELCOME");
                }
            }
            case PING -> client.write(this, new Pong(((Ping) m).timestamp()), true);
            case PONG -> onPong((Pong) m);
            default -> protocolError(ctx, "unexpected " + m.type() + " from the server");
        }
    }

    /** The server broke the protocol: tell it (ERROR with id 0, as PROTOCOL.md §11 asks), then close. */
    private void protocolError(ChannelHandlerContext ctx, String what) {
        if (closeCause == null) {
            closeCause = new ConnectionLostException("protocol error from " + RealClient.describe(endpoint) + ": " + what);
        }
        closeWithError(ctx, ErrorCode.PROTOCOL_ERROR, what);
    }

    void closeWithError(ChannelHandlerContext ctx, ErrorCode code, String text) {
        if (ctx.channel().isActive()) {
            String t = text.length() > 200 ? text.substring(0, 200) : text;
            ctx.writeAndFlush(new ErrorMessage(0, code, t)).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            client.onWritable(this);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        failPings(new ConnectionLostException("connection to " + RealClient.describe(endpoint) + " closed"));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() instanceof ProtocolException
                ? cause.getCause() : cause;
        if (closeCause == null) {
            String what = c instanceof ProtocolException ? "protocol error from " : "connection failure to ";
            closeCause = new ConnectionLostException(what + RealClient.describe(endpoint) + ": " + c, c);
        }
        if (c instanceof ProtocolException pe) {
            closeWithError(ctx, pe.errorCode(), String.valueOf(pe.getMessage()));
        } else {
            ctx.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof io.netty.handler.ssl.SslHandshakeCompletionEvent e && !e.isSuccess() && closeCause == null) {
            closeCause = new ConnectionLostException("TLS handshake with " + RealClient.describe(endpoint) + " failed: "
                    + e.cause(), e.cause());
        }
        ctx.fireUserEventTriggered(evt);
    }

    /** Closes the channel, remembering why (the first reason wins). */
    void close(Throwable cause) {
        if (closeCause == null) {
            closeCause = cause;
        }
        if (channel != null) {
            channel.close();
        }
    }

    // --- heartbeat ---

    @Override
    public void onDeadPeer(long timeoutMillis) {
        if (closeCause == null) {
            closeCause = new ConnectionLostException("no frame from " + RealClient.describe(endpoint) + " for "
                    + timeoutMillis + " ms: peer considered dead");
        }
    }

    // --- explicit pings ---

    void addPing(PendingPing ping) {
        if (pings == null) {
            pings = new ArrayDeque<>(2);
        }
        pings.add(ping);
    }

    void removePing(PendingPing ping) {
        if (pings != null) {
            pings.remove(ping);
        }
    }

    private void onPong(Pong pong) {
        // Our pings carry the event loop's clock; a pong for a ping of ours gives the round trip.
        long rtt = channel.eventLoop().ticker().nanoTime() - pong.timestamp();
        if (rtt < 0) {
            return; // not one of ours
        }
        client.onRoundTrip(rtt);
        if (pings == null) {
            return;
        }
        for (var it = pings.iterator(); it.hasNext(); ) {
            PendingPing p = it.next();
            if (p.timestamp() == pong.timestamp()) {
                it.remove();
                p.future().complete(java.time.Duration.ofNanos(rtt));
                return;
            }
        }
    }

    private void failPings(Throwable cause) {
        if (pings != null) {
            for (PendingPing p; (p = pings.poll()) != null; ) {
                p.future().completeExceptionally(cause);
            }
        }
    }

    @Override
    public String toString() {
        return "Connection[" + RealClient.describe(endpoint) + (handshakeDone ? ", open" : ", handshaking")
                + (draining ? ", draining" : "") + "]";
    }
}
