package dev.tether.server;

import dev.tether.client.netty.FrameDecoder;
import dev.tether.client.netty.FrameEncoder;
import dev.tether.protocol.Ack;
import dev.tether.protocol.ErrorCode;
import dev.tether.protocol.ErrorMessage;
import dev.tether.protocol.GoAway;
import dev.tether.protocol.Hello;
import dev.tether.protocol.Message;
import dev.tether.protocol.MessageEncoder;
import dev.tether.protocol.Ping;
import dev.tether.protocol.Pong;
import dev.tether.protocol.Push;
import dev.tether.protocol.Protocol;
import dev.tether.protocol.ProtocolException;
import dev.tether.protocol.Request;
import dev.tether.protocol.Send;
import dev.tether.protocol.Welcome;
import dev.tether.server.SessionInfo.State;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One connection of the reference server: its registry entry, the handler that serves it and, from the
 * WELCOME on, the {@link ServerSession} the application addresses, in one object to keep an idle connection
 * small. Every method except {@link #sweep}, {@link #info} and the {@link ServerSession} ones runs on the
 * connection's event loop; {@code sweep} and {@code info} read the fields racily and act only through the
 * event loop, and the {@code ServerSession} methods hop to it (pushes, closes) or touch only thread-safe state.
 */
final class Session extends ChannelInboundHandlerAdapter implements ServerSession {
    /** Pipeline names of the frame decoder (its frame limit raised after the handshake) and encoder. */
    static final String DECODER = "decoder";
    static final String ENCODER = "encoder";
    /** Pipeline name of the session handler: named, so that adding it generates no name. */
    static final String HANDLER = "session";

    /** The most bytes read and dropped after an error close began, before the connection is closed regardless. */
    static final long MAX_DISCARD_WHILE_CLOSING = 256 * 1024;

    /** How long an error frame may take to reach the peer before the connection is closed regardless. */
    static final long CLOSE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);

    private static final byte[] HTTP_ANSWER_BODY = ("This is a Tether server. It speaks the Tether binary protocol over TCP, not HTTP:\n"
            + "connect with the Tether client SDK or `loadtool shell`.\n").getBytes(StandardCharsets.UTF_8);

    private static final VarHandle LAST_ACTIVITY_NANOS;
    private static final VarHandle STATE_SINCE_NANOS;
    private static final VarHandle IN_FLIGHT;
    private static final VarHandle HELD;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            LAST_ACTIVITY_NANOS = l.findVarHandle(Session.class, "lastActivityNanos", long.class);
            STATE_SINCE_NANOS = l.findVarHandle(Session.class, "stateSinceNanos", long.class);
            IN_FLIGHT = l.findVarHandle(Session.class, "inFlight", int.class);
            HELD = l.findVarHandle(Session.class, "held", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final String id;
    private final ReferenceServer server;
    private ChannelHandlerContext ctx;
    // Written only on the event loop. The sweeper and snapshots read them from other threads: the references
    // are volatile, and the longs are written with release and read with acquire through the VarHandles above
    // (a plain long may be read torn, JLS 17.7), as the client's counters are.
    volatile State state = State.HANDSHAKING;
    private volatile String clientId = "";
    private long connectedNanos; // written before the session is published in the registry, never again
    private long lastActivityNanos;
    private long stateSinceNanos;
    /** Frames and bytes (counted by the codec), requests, sends and pushes; readable from any thread. */
    final ServerCounters.SessionCounters counters = new ServerCounters.SessionCounters();
    /** Whether {@link ServerCounters#retire} has taken this session's counts (guarded by that object's lock). */
    boolean retired;
    private int inFlight; // through IN_FLIGHT
    // Memory accounting (see MemoryBudget; what the decoder buffers it asks the decoder): payload bytes waiting for
    // their service time, and what this session has added to the budget (through HELD; the shedding pass reads it).
    private long inFlightBytes;
    private long held;
    private volatile boolean pausedByBudget;
    private long discardedWhileClosing;
    private boolean admitted;
    private boolean flushPending;
    private boolean readSomething;
    private boolean drainGraceOver;
    /**
     * Who the {@link Authenticator} accepted: set at the WELCOME, before the state becomes OPEN (which publishes it);
     * null before, and for refused hellos, so non-null means the application knows this session.
     */
    private String principal;
    /** Runs this session's handler calls in order on the application's executor; null when they run on the event loop. */
    Executor serial;
    /** The application's attributes and groups, made at first use (see {@link #attachments()}); null until then. */
    private volatile SessionAttachments attachments;
    /** Whether the authenticator is deciding about the hello: nothing more is read meanwhile. */
    private boolean authenticating;
    /** Whether a hello or request is being handed to the application right now (an answer given meanwhile waits for the batch flush). */
    private boolean dispatching;
    /** Why the session ended, for {@link ServerHandler#onClose}: the first cause wins; null means the peer closed. */
    private CloseReason closeReason;
    /** The protocol version of this connection: 1 until the WELCOME, then the negotiated one (one byte, as on the wire). */
    private byte version = Protocol.VERSION_1;
    /** The session's resumable part when resumption is on for this connection (see SessionStore), else null. */
    private volatile ResumableSession resumable;

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

    long connectedNanos() {
        return connectedNanos;
    }

    /** What this session holds against the memory budget, as of its last update; safe from any thread. */
    long heldBytes() {
        return (long) HELD.getAcquire(this);
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
        LAST_ACTIVITY_NANOS.setRelease(this, now);
        ReferenceServer.Refusal refused = server.admit(this);
        refreshMemory();
        if (refused == null) {
            admitted = true;
            return;
        }
        closeWithError(refused.code(), refused.text());
        // Not in the registry, so the sweeper will not end the close grace: a timer does, for this rare case.
        ctx.executor().schedule(() -> {
            ctx.close();
        }, CLOSE_GRACE_NANOS, TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        State before = state;
        state = State.CLOSING;
        server.budget.add(-held);
        HELD.setRelease(this, 0L);
        // Retired before it leaves the registry: a snapshot in between skips it as retired (see retire).
        server.counters.retire(this);
        if (admitted) {
            server.remove(this);
        }
        ResumableSession r = resumable;
        if (r != null) {
            r.detach(this, server.settings.ticker().nanoTime()); // kept for its time-to-live
        }
        if (principal != null) {
            SessionAttachments a = attachments;
            if (a != null) {
                a.closed(this); // after the state left OPEN: no group can take it back
            }
            server.app.closed(this, closeReason != null ? closeReason
                    : server.isStopping() ? CloseReason.SERVER_STOPPED
                    : before == State.DRAINING ? CloseReason.GOING_AWAY : CloseReason.PEER_CLOSED);
        }
    }

    /** Notes why the session ends, unless a cause was noted already. */
    private void closingBecause(CloseReason reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
    }

    // ---- inbound ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Message)) {
            // Bytes while closing (the decoder is gone): dropped. A peer that keeps sending far more than a
            // client's last words after our error is not waiting for it: reset rather than read on.
            if (msg instanceof ByteBuf buf && (discardedWhileClosing += buf.readableBytes()) > MAX_DISCARD_WHILE_CLOSING) {
                ctx.close();
            }
            ReferenceCountUtil.release(msg);
            return;
        }
        State st = state;
        if (st == State.CLOSING) {
            return; // an error was sent; nothing more from this peer is served (nor counted: see closeWithError)
        }
        Message m = (Message) msg;
        int size = MessageEncoder.encodedSize(m, version);
        readSomething = true;
        if (st == State.HANDSHAKING) {
            if (authenticating) {
                server.counters.protocolErrors.increment();
                closeWithError(ErrorCode.NOT_READY, m.type() + " sent before the WELCOME");
            } else if (m instanceof Hello h) {
                onHello(h);
            } else {
                server.counters.protocolErrors.increment();
                closeWithError(ErrorCode.NOT_READY, "the first frame must be HELLO, not " + m.type());
            }
            return;
        }
        switch (m.type()) {
            case REQUEST:
                onRequest((Request) m, size);
                break;
            case PING:
                write(new Pong(((Ping) m).timestamp()));
                flushPending = true;
                break;
            case SEND:
                if (resumable == null || resumable.acceptSend(this, (Send) m)) {
                    counters.send();
                    server.app.send(this, ((Send) m).payload());
                    ReferenceServer.SendListener listener = server.settings.sendListener();
                    if (listener != null) {
                        listener.onSend(clientId, ((Send) m).payload());
                    }
                }
                break;
            case ACK:
                if (resumable == null) {
                    protocolError("ACK on a connection without session resumption");
                } else {
                    resumable.acknowledge(this, ((Ack) m).sequence());
                }
                break;
            case PONG:
                break; // answers nothing we asked (we send no pings): not an error, nothing to do
            case ERROR:
                if (((ErrorMessage) m).id() == 0) {
                    // Connection-level: the client is closing this connection (PROTOCOL.md §8), so stop serving it.
                    closingBecause(CloseReason.PEER_CLOSED);
                    if (resumable != null) {
                        resumable.endFrom(this); // and its session: it will not be resumed
                    }
                    closeNow();
                }
                // With a request id, a client's ERROR answers nothing a v1 server asks: legal, and ignored.
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
        ResumableSession r = resumable;
        if (r != null && state != State.CLOSING) {
            Ack ack = r.takeAckDue(this); // one cumulative ACK per read batch, never one per send
            if (ack != null) {
                write(ack);
                flushPending = true;
            }
        }
        if (readSomething) {
            // Once per read batch rather than per frame: the clock is read a few times less under load.
            readSomething = false;
            LAST_ACTIVITY_NANOS.setRelease(this, server.settings.ticker().nanoTime());
        }
        if (flushPending) {
            flushPending = false;
            ctx.flush();
            checkPendingBytes();
        }
        refreshMemory();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // Stop reading from a peer that does not read its answers: it then cannot make us queue more of them.
        updateAutoRead();
        refreshMemory();
        ctx.fireChannelWritabilityChanged();
    }

    /** Reads while the peer takes what we send and the memory budget does not ask this session to wait. */
    private void updateAutoRead() {
        if (state != State.CLOSING) {
            ctx.channel().config().setAutoRead(ctx.channel().isWritable() && !pausedByBudget && !authenticating);
        }
    }

    /**
     * Brings this session's share of the memory budget up to date, and acts on the budget: under pressure a
     * session holding more than its fair share stops being read (until the pressure or its holding falls);
     * past the shed level the server is asked to shed the worst offenders.
     */
    void refreshMemory() {
        if (!ctx.channel().isActive()) {
            return; // channelInactive gives everything back
        }
        ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        // The decoder is gone while closing: what still arrives is dropped at once (see closeWithError).
        FrameDecoder decoder = (FrameDecoder) ctx.pipeline().get(DECODER);
        long buffered = (decoder == null ? 0 : decoder.bufferedBytes()) + (out == null ? 0 : out.totalPendingWriteBytes()) + inFlightBytes;
        long now = MemoryBudget.SESSION_STATE_BYTES + buffered;
        long delta = now - held;
        MemoryBudget budget = server.budget;
        if (delta != 0) {
            HELD.setRelease(this, now);
            budget.add(delta);
        }
        if (state == State.CLOSING) {
            return;
        }
        // Near the shed level, the share shrinks to its minimum: only connections that hold almost nothing
        // (clients that read their answers and send modest frames) are still read.
        long share = budget.overShedLevel() ? MemoryBudget.MIN_FAIR_SHARE : budget.fairShare(server.openConnections());
        boolean pause = budget.underPressure() && buffered > share;
        if (pause != pausedByBudget) {
            if (pause) {
                server.counters.memoryPauses.increment();
            }
            pausedByBudget = pause;
            updateAutoRead();
        }
        if (delta > 0 && budget.overShedLevel()) {
            server.shedSoon();
        }
    }

    /** Closes this session to give its memory back, at the server's request (on the event loop). */
    void shed() {
        if (state == State.CLOSING || !ctx.channel().isActive()) {
            return;
        }
        server.counters.slowConsumers.increment();
        server.counters.memoryShed.increment();
        closingBecause(CloseReason.SLOW_CONSUMER);
        if (state == State.HANDSHAKING) {
            closeWithError(ErrorCode.SLOW_CONSUMER, "server is short of memory and closes connections that have not "
                    + "completed their handshake first; retry later");
            return;
        }
        // What it holds is the problem: close now, so that it is freed now. The error is sent on a best-effort
        // basis: a peer that does not read will not see it (PROTOCOL.md §11.2).
        state = State.CLOSING;
        write(new ErrorMessage(0, ErrorCode.SLOW_CONSUMER, "server is short of memory and this connection holds "
                + heldBytes() + " bytes (more than its share); read faster or send less"));
        ctx.flush();
        ctx.close();
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
            } else if (state == State.HANDSHAKING && pe.code() == ProtocolException.Code.FRAME_TOO_LARGE) {
                closeWithError(pe.errorCode(), "a frame before the handshake may be at most "
                        + ReferenceServer.MAX_HANDSHAKE_FRAME_LENGTH + " bytes (a HELLO needs a few hundred): " + pe.getMessage());
            } else {
                closeWithError(pe.errorCode(), pe.getMessage());
            }
        } else {
            // Connection reset, broken pipe and the like: nothing to tell the peer.
            if (!(cause instanceof IOException)) {
                System.getLogger(ReferenceServer.class.getName()).log(System.Logger.Level.WARNING,
                        "session " + id + " failed; closing it", cause);
            }
            closingBecause(CloseReason.CONNECTION_LOST);
            state = State.CLOSING;
            ctx.close();
        }
    }

    private void onHello(Hello h) {
        authenticating = true;
        dispatching = true;
        server.app.authenticate(this, h, (InetSocketAddress) ctx.channel().remoteAddress());
        dispatching = false;
        if (authenticating) {
            updateAutoRead(); // deciding later: read nothing more meanwhile
        }
    }

    /**
     * The authenticator's decision about {@code h} (on the event loop): a refusal gets AUTH_FAILED (later and later
     * for repeated failures from one address), a failure to decide SERVER_BUSY (the client retries), an acceptance
     * goes on to the WELCOME.
     */
    void authenticated(Hello h, AuthResult result, Throwable failure) {
        authenticating = false;
        if (state != State.HANDSHAKING || !ctx.channel().isActive()) {
            return; // timed out, drained or gone while the authenticator decided
        }
        updateAutoRead();
        InetAddress source = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        if (failure != null || result == null) {
            System.getLogger(ReferenceServer.class.getName()).log(System.Logger.Level.WARNING,
                    "the authenticator failed for session " + id + "; answering SERVER_BUSY", failure);
            closeWithError(ErrorCode.SERVER_BUSY, "the server could not check the credentials now; retry later");
            return;
        }
        if (!result.accepted()) {
            server.counters.authFailures.increment();
            String text = result.reason();
            long delay = server.authThrottle.failed(source);
            if (delay == 0) {
                closeWithError(ErrorCode.AUTH_FAILED, text);
            } else {
                // Read nothing more, answer later; the close grace counts from the answer.
                state = State.CLOSING;
                STATE_SINCE_NANOS.setRelease(this, server.settings.ticker().nanoTime() + delay);
                ctx.channel().config().setAutoRead(false);
                ctx.executor().schedule(() -> {
                    if (ctx.channel().isActive()) {
                        closeWithError(ErrorCode.AUTH_FAILED, text);
                    }
                }, delay, TimeUnit.NANOSECONDS);
            }
            return;
        }
        server.authThrottle.succeeded(source);
        if (server.isDraining()) {
            closeWithError(ErrorCode.DRAINING, "server is draining; connect to another instance");
            return;
        }
        long retryAfterMillis = server.admission.admit();
        if (retryAfterMillis != HandshakeAdmission.ADMITTED) {
            refuseBusy(retryAfterMillis);
            return;
        }
        if (server.settings.maxFrameLength() > ReferenceServer.MAX_HANDSHAKE_FRAME_LENGTH) {
            // Past the handshake: the full frame limit, in the same decoder (no second decoder and pipeline entry per connect).
            ((FrameDecoder) ctx.pipeline().get(DECODER)).maxFrameLength(server.settings.maxFrameLength());
        }
        clientId = h.clientId();
        int negotiated = Math.min(h.maxVersion(), Protocol.VERSION);
        SessionStore.Opened opened;
        try {
            opened = server.store.open(this, h, negotiated, server.settings.ticker().nanoTime());
        } catch (IllegalArgumentException e) {
            protocolError(e.getMessage());
            return;
        }
        principal = result.principal();
        serial = server.app.executor == null ? null : new SerialExecutor(server.app.executor);
        state = State.OPEN;
        useVersion(negotiated);
        write(welcome(negotiated, opened));
        if (opened != null) {
            resumable = opened.session();
            resumable.writePending(this); // a resume's replay, before anything new
        }
        server.counters.handshakes.increment();
        // The application's session (this object, open since the state above) is found by the id the client was
        // given before the client can read the WELCOME, and onOpen is handed over before any of its requests.
        server.app.opened(this);
        if (dispatching) {
            flushPending = true; // decided during this read: flushed at the end of the read batch
        } else {
            ctx.flush();
        }
    }

    private Welcome welcome(int negotiated, SessionStore.Opened opened) {
        long heartbeat = server.settings.heartbeatInterval().toMillis();
        long maxFrame = server.settings.maxFrameLength();
        if (opened == null) {
            return new Welcome(negotiated, heartbeat, maxFrame, id, null);
        }
        ResumableSession s = opened.session();
        ResumableSession.Resumed r = opened.resumed();
        return r == null ? new Welcome(negotiated, heartbeat, maxFrame, s.sessionId, s.token)
                : new Welcome(negotiated, heartbeat, maxFrame, s.sessionId, s.token, r.sendsReceived(), r.pushesLost(), r.pushesReplayed());
    }

    /** From the WELCOME on, both directions speak the negotiated version. */
    private void useVersion(int negotiated) {
        version = (byte) negotiated;
        ((FrameDecoder) ctx.pipeline().get(DECODER)).version(negotiated);
        ((FrameEncoder) ctx.pipeline().get(ENCODER)).version(negotiated);
    }

    /** Over the handshake-rate limit: when to come back (GO_AWAY), then why (ERROR), then close (PROTOCOL.md §6). */
    private void refuseBusy(long retryAfterMillis) {
        server.counters.rejectedBusy.increment();
        write(new GoAway(retryAfterMillis, "handshake rate limit"));
        closeWithError(ErrorCode.SERVER_BUSY, "server busy: over its limit of " + server.settings.maxHandshakeRate()
                + " handshakes/s; retry after " + retryAfterMillis + " ms");
    }

    private void onRequest(Request r, int size) {
        counters.request();
        if (state == State.DRAINING) {
            // Sent before the client read our GO_AWAY: not processed, and safe for it to retry elsewhere.
            write(new ErrorMessage(r.id(), ErrorCode.DRAINING, "server is draining; retry on the next connection"));
            flushPending = true;
            return;
        }
        IN_FLIGHT.setRelease(this, inFlight + 1);
        inFlightBytes += size;
        dispatching = true;
        server.app.request(this, r.id(), r.payload(), size);
        dispatching = false;
    }

    /**
     * The handler's answer to a request (on the event loop): the reply, or ERROR with the {@link RequestException}'s
     * code, or {@code APPLICATION_ERROR} for any other failure. An answer given while the request is being read is
     * flushed with the read batch; a later one at once.
     */
    void answered(long requestId, int size, byte[] reply, Throwable failure) {
        IN_FLIGHT.setRelease(this, inFlight - 1);
        inFlightBytes -= size;
        if (state == State.CLOSING || !ctx.channel().isActive()) {
            return;
        }
        if (failure == null) {
            ctx.write(new dev.tether.protocol.Response(requestId, reply == null ? new byte[0] : reply), ctx.voidPromise());
        } else {
            server.counters.applicationErrors.increment();
            if (failure instanceof RequestException re) {
                write(new ErrorMessage(requestId, re.code(), re.getMessage()));
            } else {
                System.getLogger(ReferenceServer.class.getName()).log(System.Logger.Level.WARNING,
                        "the request handler failed for session " + id + "; answering APPLICATION_ERROR", failure);
                write(new ErrorMessage(requestId, ErrorCode.APPLICATION_ERROR, "the server failed to serve this request"));
            }
        }
        if (dispatching) {
            flushPending = true;
            return;
        }
        ctx.flush();
        checkPendingBytes();
        if (state == State.DRAINING && drainGraceOver && inFlight == 0) {
            closingBecause(CloseReason.GOING_AWAY);
            closeNow();
        }
    }

    // ---- outbound ----

    /**
     * Writes {@code pushes} to this open session (on its event loop): without a sequence, or, when the session
     * is resumable, whatever its window holds that this connection has not been written yet.
     */
    void writePushes(OutboundPush[] pushes) {
        if (state != State.OPEN) {
            return;
        }
        ResumableSession r = resumable;
        if (r != null) {
            r.writePending(this);
        } else {
            for (OutboundPush p : pushes) {
                writePush(p, Push.NO_SEQUENCE);
            }
        }
        ctx.flush();
        checkPendingBytes();
    }

    /** Writes one push with {@code sequence} (or none), without flushing. */
    void writePush(OutboundPush push, long sequence) {
        counters.push();
        ctx.write(push.frame(ctx.alloc(), version, sequence), ctx.voidPromise());
    }

    /**
     * Takes a push meant for this session alone (or its group), from any thread: into its replay window when it is
     * resumable. Returns false if the session can no longer take pushes; the caller then has its event loop call
     * {@link #writePushes}.
     */
    boolean offer(OutboundPush push, long nowNanos) {
        if (state == State.CLOSING) {
            return false;
        }
        ResumableSession r = resumable;
        return r == null || r.offer(push, nowNanos);
    }

    boolean isResumable() {
        return resumable != null;
    }

    /** The session id the client knows: a resumed session keeps the one it was first given. */
    String sessionId() {
        ResumableSession r = resumable;
        return r != null ? r.sessionId : id;
    }

    /** The client broke the protocol: tell it why and close (on the event loop). */
    void protocolError(String text) {
        if (state == State.CLOSING) {
            return;
        }
        server.counters.protocolErrors.increment();
        closeWithError(ErrorCode.PROTOCOL_ERROR, text);
    }

    /** Its session was resumed on another connection: this one is closed (from any thread). */
    void takenOver() {
        try {
            ctx.executor().execute(() -> {
                if (state != State.CLOSING) {
                    state = State.CLOSING;
                    ctx.close();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The server is shutting down: the connection is being closed anyway.
        }
    }

    private void write(Message m) {
        ctx.write(m, ctx.voidPromise());
    }

    /** Drops the connection if more than the allowed bytes are queued for it. */
    private void checkPendingBytes() {
        ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        if (out != null && out.totalPendingWriteBytes() > server.settings.maxPendingBytesPerConnection() && state != State.CLOSING) {
            server.counters.slowConsumers.increment();
            closingBecause(CloseReason.SLOW_CONSUMER);
            state = State.CLOSING;
            // Best effort: the peer is not reading, so the error will usually be dropped with the queue.
            write(new ErrorMessage(0, ErrorCode.SLOW_CONSUMER, "more than " + server.settings.maxPendingBytesPerConnection()
                    + " bytes queued for this connection; read faster"));
            ctx.flush();
            ctx.close();
            return;
        }
        refreshMemory();
    }

    /**
     * Sends a connection-level error and closes cleanly: the error, then FIN, then whatever the peer still sends
     * is read and discarded until it closes too (or {@link #CLOSE_GRACE_NANOS} passes). Closing with unread
     * bytes in the socket would send a reset, which can destroy the error before the peer reads it.
     */
    private void closeWithError(ErrorCode code, String text) {
        closingBecause(CloseReason.of(code));
        state = State.CLOSING;
        STATE_SINCE_NANOS.setRelease(this, server.settings.ticker().nanoTime());
        // Nothing more is decoded: without the decoder, what still arrives (and what it held) reaches
        // channelRead as bytes, which drops them, so draining the input costs no memory.
        if (ctx.pipeline().get(DECODER) != null) {
            ctx.pipeline().remove(DECODER);
        }
        ctx.channel().config().setAutoRead(true);
        ErrorMessage error = new ErrorMessage(0, code, text);
        ctx.writeAndFlush(error).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess() && f.channel() instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
            } else {
                f.channel().close();
            }
        });
    }

    /** An HTTP client got the port: answer in HTTP, so curl or a browser shows what is wrong. */
    private void answerHttp() {
        state = State.CLOSING;
        STATE_SINCE_NANOS.setRelease(this, server.settings.ticker().nanoTime());
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
        goAway("server is shutting down");
    }

    /**
     * Ends this session gracefully (on its event loop): GO_AWAY with {@code reason}, then close once nothing is in
     * flight; a session still in its handshake gets ERROR {@code DRAINING}.
     */
    void goAway(String reason) {
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
                write(new GoAway(server.settings.reconnectAfter().toMillis(), reason));
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
            closingBecause(CloseReason.GOING_AWAY);
            closeNow();
        }
    }

    // ---- timeouts ----

    /** Called by the sweeper thread: a cheap racy check; anything to do is done on the event loop. */
    void sweep(long now) {
        if (isDue(now)) {
            ctx.executor().execute(() -> expire(now));
        } else if (pausedByBudget || heldBytes() > MemoryBudget.SESSION_STATE_BYTES) {
            // Its queue may have drained or the pressure eased without an event that says so.
            ctx.executor().execute(this::refreshMemory);
        }
    }

    private boolean isDue(long now) {
        ServerSettings s = server.settings;
        switch (state) {
            case HANDSHAKING:
                return now - connectedNanos >= s.handshakeTimeout().toNanos();
            case OPEN:
            case DRAINING:
                return !s.idleTimeout().isZero() && now - (long) LAST_ACTIVITY_NANOS.getAcquire(this) >= s.idleTimeout().toNanos();
            case CLOSING:
                return now - (long) STATE_SINCE_NANOS.getAcquire(this) >= CLOSE_GRACE_NANOS;
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

    // ---- the application's view: ServerSession ----
    // The session is itself what the application addresses (no second object per connection). The methods may be
    // called from any thread; pushes and closes hop to the event loop.

    @Override
    public String id() {
        return sessionId();
    }

    @Override
    public TetherServer server() {
        return server.app.server;
    }

    @Override
    public String clientId() {
        return clientId;
    }

    @Override
    public String principal() {
        return principal;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) ctx.channel().remoteAddress();
    }

    @Override
    public boolean isOpen() {
        return state == State.OPEN;
    }

    @Override
    public Object attribute(String name) {
        Objects.requireNonNull(name, "name");
        SessionAttachments a = attachments;
        return a == null ? null : a.attributes.get(name);
    }

    @Override
    public Object attribute(String name, Object value) {
        Objects.requireNonNull(name, "name");
        if (value == null) {
            SessionAttachments a = attachments;
            return a == null ? null : a.attributes.remove(name);
        }
        return attachments().attributes.put(name, value);
    }

    @Override
    public Set<String> groups() {
        SessionAttachments a = attachments;
        return a == null ? Set.of() : a.groupNames();
    }

    @Override
    public boolean push(String topic, byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        return isOpen() && server.publishTo(List.of(this), topic, payload) == 1;
    }

    @Override
    public void close(String reason) {
        Objects.requireNonNull(reason, "reason");
        try {
            executor().execute(() -> goAway(reason));
            // A request the handler never answers must not keep the session open: the drain timeout bounds it.
            executor().schedule(() -> {
                if (state == State.DRAINING) {
                    ctx.close();
                }
            }, server.settings.drainTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the server has shut down: the session is closed already
        }
    }

    /** Joins {@code g} (whose member set is {@code members}); false unless open. */
    boolean join(ServerGroup g, Set<Session> members) {
        return attachments().join(this, g, members);
    }

    /** Leaves {@code g}; returns whether it was a member. */
    boolean leave(ServerGroup g, Set<Session> members) {
        SessionAttachments a = attachments;
        if (a == null) {
            members.remove(this);
            return false;
        }
        return a.leave(this, g, members);
    }

    /** The attachments, made now if this is the first attribute or group (from any thread, so under this lock). */
    private SessionAttachments attachments() {
        SessionAttachments a = attachments;
        if (a == null) {
            synchronized (this) {
                a = attachments;
                if (a == null) {
                    attachments = a = new SessionAttachments();
                }
            }
        }
        return a;
    }

    @Override
    public String toString() {
        return "ServerSession[" + id + ", " + principal + "@" + ctx.channel().remoteAddress() + "]";
    }

    SessionInfo info() {
        ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        return new SessionInfo(sessionId(), clientId, ctx.channel().remoteAddress(), state, server.toInstant(connectedNanos),
                server.toInstant((long) LAST_ACTIVITY_NANOS.getAcquire(this)), counters.framesIn(), counters.framesOut(),
                counters.bytesIn(), counters.bytesOut(), (int) IN_FLIGHT.getAcquire(this),
                out == null ? 0 : out.totalPendingWriteBytes());
    }
}
