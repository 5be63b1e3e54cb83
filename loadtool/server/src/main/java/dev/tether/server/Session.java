package dev.tether.server;

import dev.tether.protocol.ErrorCode;
import dev.tether.protocol.ErrorMessage;
import dev.tether.protocol.GoAway;
import dev.tether.protocol.Hello;
import dev.tether.protocol.Message;
import dev.tether.protocol.Ping;
import dev.tether.protocol.Pong;
import dev.tether.protocol.Protocol;
import dev.tether.protocol.ProtocolException;
import dev.tether.protocol.Request;
import dev.tether.protocol.Welcome;
import dev.tether.server.SessionInfo.State;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One connection of the reference server: its registry entry and the handler that serves it, in one
 * object to keep an idle connection small. Every method except {@link #sweep} and {@link #info} runs on
 * the connection's event loop; those two read the fields racily and act only through the event loop.
 */
final class Session extends ChannelInboundHandlerAdapter {
    /** How long an error frame may take to reach the peer before the connection is closed regardless. */
    static final long CLOSE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);

    private static final byte[] HTTP_ANSWER_BODY = ("This is a Tether server. It speaks the Tether binary protocol over TCP, not HTTP:\n"
            + "connect with the Tether client SDK or `loadtool shell`.\n").getBytes(StandardCharsets.UTF_8);

    final String id;
    private final ReferenceServer server;
    private ChannelHandlerContext ctx;
    // Written only on the event loop; the sweeper and snapshots read them racily (see sweep()).
    State state = State.HANDSHAKING;
    private long connectedNanos;
    private long lastActivityNanos;
    private long stateSinceNanos;
    private String clientId = "";
    /** Frames and bytes (counted by the codec), requests, sends and pushes; readable from any thread. */
    final ServerCounters.SessionCounters counters = new ServerCounters.SessionCounters();
    private int inFlight;
    private boolean admitted;
    private boolean flushPending;
    private boolean readSomething;
    private boolean drainGraceOver;

    Session(ReferenceServer server, String id) {
        this.server = server;
        this.id = id;
    }

    Channel channel() {
        return ctx.channel();
    }

    EventExecutor executor() {
        return ctx.executor();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    // ---- life cycle ----

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        long now = server.settings.ticker().nanoTime();
        connectedNanos = now;
        lastActivityNanos = now;
        ErrorCode refused = server.admit(this);
        if (refused == null) {
            admitted = true;
            return;
        }
        String text = refused == ErrorCode.SERVER_FULL
                ? "server is full: " + server.settings.maxConnections() + " connections open (maxConnections); retry later"
                : "server is draining; connect to another instance";
        closeWithError(refused, text);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = State.CLOSING;
        if (admitted) {
            server.remove(this);
        }
        server.counters.retire(this);
    }

    // ---- inbound ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Message)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        State st = state;
        if (st == State.CLOSING) {
            return; // an error was sent; nothing more from this peer is served
        }
        Message m = (Message) msg;
        readSomething = true;
        if (st == State.HANDSHAKING) {
            if (m instanceof Hello h) {
                onHello(h);
            } else {
                server.counters.protocolErrors.increment();
                closeWithError(ErrorCode.NOT_READY, "the first frame must be HELLO, not " + m.type());
            }
            return;
        }
        switch (m.type()) {
            case REQUEST:
                onRequest((Request) m);
                break;
            case PING:
                write(new Pong(((Ping) m).timestamp()));
                flushPending = true;
                break;
            case SEND:
                counters.send();
                break;
            case PONG:
            case ERROR:
                // A pong answers nothing we asked; an error from a client announces its close. Neither needs an answer.
                break;
            case HELLO:
                server.counters.protocolErrors.increment();
                closeWithError(ErrorCode.PROTOCOL_ERROR, "HELLO sent twice on one connection");
                break;
            default:
                server.counters.protocolErrors.increment();
                closeWithError(ErrorCode.PROTOCOL_ERROR, m.type() + " is sent by servers, not by clients");
                break;
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (readSomething) {
            // Once per read batch rather than per frame: the clock is read a few times less under load.
            readSomething = false;
            lastActivityNanos = server.settings.ticker().nanoTime();
        }
        if (flushPending) {
            flushPending = false;
            ctx.flush();
            checkPendingBytes();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // Stop reading from a peer that does not read its answers: it then cannot make us queue more of them.
        if (state != State.CLOSING) {
            ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException && cause.getCause() instanceof ProtocolException pe) {
            if (state == State.CLOSING) {
                return;
            }
            server.counters.protocolErrors.increment();
            if (pe.code() == ProtocolException.Code.NOT_TETHER_HTTP) {
                answerHttp();
            } else {
                closeWithError(pe.errorCode(), pe.getMessage());
            }
        } else {
            // Connection reset, broken pipe and the like: nothing to tell the peer.
            if (!(cause instanceof IOException)) {
                System.getLogger(ReferenceServer.class.getName()).log(System.Logger.Level.WARNING,
                        "session " + id + " failed; closing it", cause);
            }
            state = State.CLOSING;
            ctx.close();
        }
    }

    private void onHello(Hello h) {
        String expected = server.settings.authToken();
        if (expected != null && !tokenMatches(expected, h.authToken())) {
            server.counters.authFailures.increment();
            closeWithError(ErrorCode.AUTH_FAILED, h.authToken() == null ? "this server requires an auth token" : "auth token rejected");
            return;
        }
        if (server.isDraining()) {
            closeWithError(ErrorCode.DRAINING, "server is draining; connect to another instance");
            return;
        }
        clientId = h.clientId();
        state = State.OPEN;
        int version = Math.min(h.maxVersion(), Protocol.VERSION);
        write(new Welcome(version, server.settings.heartbeatInterval().toMillis(), server.settings.maxFrameLength(), id, null));
        flushPending = true;
        server.counters.handshakes.increment();
    }

    private void onRequest(Request r) {
        counters.request();
        if (state == State.DRAINING) {
            // Sent before the client read our GO_AWAY: not processed, and safe for it to retry elsewhere.
            write(new ErrorMessage(r.id(), ErrorCode.DRAINING, "server is draining; retry on the next connection"));
            flushPending = true;
            return;
        }
        ServiceTime serviceTime = server.settings.serviceTime();
        if (serviceTime.isZero()) {
            answer(r.id(), r.payload());
            flushPending = true;
            return;
        }
        inFlight++;
        long delay = serviceTime.sampleNanos(ThreadLocalRandom.current());
        long requestId = r.id();
        byte[] payload = r.payload();
        ctx.executor().schedule(() -> answerLater(requestId, payload), delay, TimeUnit.NANOSECONDS);
    }

    private void answerLater(long requestId, byte[] payload) {
        inFlight--;
        if (state == State.CLOSING || !ctx.channel().isActive()) {
            return;
        }
        answer(requestId, payload);
        ctx.flush();
        checkPendingBytes();
        if (state == State.DRAINING && drainGraceOver && inFlight == 0) {
            closeNow();
        }
    }

    /** Echoes a request or fails it on purpose. */
    private void answer(long requestId, byte[] payload) {
        double errorRate = server.settings.errorRate();
        if (errorRate > 0 && ThreadLocalRandom.current().nextDouble() < errorRate) {
            server.counters.applicationErrors.increment();
            write(new ErrorMessage(requestId, ErrorCode.APPLICATION_ERROR, "simulated application error"));
        } else {
            ctx.write(new dev.tether.protocol.Response(requestId, payload), ctx.voidPromise());
        }
    }

    // ---- outbound ----

    /** Writes one pre-encoded push frame (ownership of {@code frame} passes to this method). */
    void push(ByteBuf frame) {
        if (state != State.OPEN) {
            frame.release();
            return;
        }
        counters.push();
        ctx.writeAndFlush(frame, ctx.voidPromise());
        checkPendingBytes();
    }

    private void write(Message m) {
        ctx.write(m, ctx.voidPromise());
    }

    /** Drops the connection if more than the allowed bytes are queued for it. */
    private void checkPendingBytes() {
        ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        if (out != null && out.totalPendingWriteBytes() > server.settings.maxPendingBytesPerConnection() && state != State.CLOSING) {
            server.counters.slowConsumers.increment();
            state = State.CLOSING;
            // Best effort: the peer is not reading, so the error will usually be dropped with the queue.
            write(new ErrorMessage(0, ErrorCode.SLOW_CONSUMER, "more than " + server.settings.maxPendingBytesPerConnection()
                    + " bytes queued for this connection; read faster"));
            ctx.flush();
            ctx.close();
        }
    }

    /** Sends a connection-level error, stops reading, and closes once it is written (or after a grace). */
    private void closeWithError(ErrorCode code, String text) {
        state = State.CLOSING;
        stateSinceNanos = server.settings.ticker().nanoTime();
        ctx.channel().config().setAutoRead(false);
        ErrorMessage error = new ErrorMessage(0, code, text);
        ctx.writeAndFlush(error).addListener(ChannelFutureListener.CLOSE);
    }

    /** An HTTP client got the port: answer in HTTP, so curl or a browser shows what is wrong. */
    private void answerHttp() {
        state = State.CLOSING;
        stateSinceNanos = server.settings.ticker().nanoTime();
        ctx.channel().config().setAutoRead(false);
        byte[] head = ("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                + HTTP_ANSWER_BODY.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuf answer = Unpooled.wrappedBuffer(head, HTTP_ANSWER_BODY);
        ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
    }

    private void closeNow() {
        state = State.CLOSING;
        ctx.close();
    }

    // ---- drain ----

    /** Starts this session's part of a drain (on its event loop). */
    void goAway() {
        if (!ctx.channel().isActive()) {
            return;
        }
        switch (state) {
            case HANDSHAKING:
                // Hellos that are on their way get the answer PROTOCOL.md gives a hello during a drain.
                closeWithError(ErrorCode.DRAINING, "server is draining; connect to another instance");
                break;
            case OPEN:
                state = State.DRAINING;
                write(new GoAway(server.settings.reconnectAfter().toMillis(), "server is shutting down"));
                ctx.flush();
                long grace = Math.min(ReferenceServer.DRAIN_GRACE.toNanos(), server.settings.drainTimeout().toNanos());
                ctx.executor().schedule(this::drainGraceOver, grace, TimeUnit.NANOSECONDS);
                break;
            default:
                break;
        }
    }

    private void drainGraceOver() {
        drainGraceOver = true;
        if (state == State.DRAINING && inFlight == 0) {
            closeNow();
        }
    }

    // ---- timeouts ----

    /** Called by the sweeper thread: a cheap racy check; anything to do is done on the event loop. */
    void sweep(long now) {
        if (isDue(now)) {
            ctx.executor().execute(() -> expire(now));
        }
    }

    private boolean isDue(long now) {
        ServerSettings s = server.settings;
        switch (state) {
            case HANDSHAKING:
                return now - connectedNanos >= s.handshakeTimeout().toNanos();
            case OPEN:
            case DRAINING:
                return !s.idleTimeout().isZero() && now - lastActivityNanos >= s.idleTimeout().toNanos();
            case CLOSING:
                return now - stateSinceNanos >= CLOSE_GRACE_NANOS;
            default:
                return false;
        }
    }

    private void expire(long now) {
        if (!ctx.channel().isActive() || !isDue(now)) {
            return;
        }
        switch (state) {
            case HANDSHAKING:
                server.counters.handshakeTimeouts.increment();
                closeWithError(ErrorCode.HANDSHAKE_TIMEOUT,
                        "no HELLO within " + Durations.format(server.settings.handshakeTimeout()));
                break;
            case OPEN:
            case DRAINING:
                server.counters.evictions.increment();
                closeWithError(ErrorCode.IDLE_TIMEOUT,
                        "nothing received for " + Durations.format(server.settings.idleTimeout()) + " (idle timeout)");
                break;
            default:
                ctx.close(); // the error frame could not be delivered in time
                break;
        }
    }

    SessionInfo info() {
        ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        return new SessionInfo(id, clientId, ctx.channel().remoteAddress(), state, server.toInstant(connectedNanos),
                server.toInstant(lastActivityNanos), counters.framesIn(), counters.framesOut(), counters.bytesIn(), counters.bytesOut(), inFlight,
                out == null ? 0 : out.totalPendingWriteBytes());
    }

    private static boolean tokenMatches(String expected, String given) {
        // Constant time, so the comparison does not leak how much of a guess was right.
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
