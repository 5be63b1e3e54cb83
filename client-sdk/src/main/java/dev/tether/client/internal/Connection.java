package dev.tether.client.internal;

import dev.tether.client.AuthenticationException;
import dev.tether.client.ClientConfig;
import dev.tether.client.ConnectFailedException;
import dev.tether.client.ConnectionLostException;
import dev.tether.client.RequestTimeoutException;
import dev.tether.client.ServerErrorException;
import dev.tether.client.UnsupportedVersionException;
import dev.tether.client.netty.FrameCodec;
import dev.tether.protocol.Ack;
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
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * One physical connection of a client, from its dial to its close: the last handler of its channel's
 * pipeline (which the {@link Dialer} builds). It says hello, checks the welcome (and switches its codec to the
 * negotiated version), runs the heartbeat, hands answers to requests and acknowledgements of sends to the
 * {@link OutboundQueue}, lets the {@link ClientSession} sort out duplicate pushes and acknowledges pushes
 * (at the end of a read batch, or after {@link ClientSession#ACK_DELAY_NANOS}: see there), and tells its {@link Listener} (the client) of everything else. A client has at most one connection in use plus,
 * after a go-away, connections finishing their in-flight requests. Confined to the client's event loop.
 */
final class Connection extends ChannelInboundHandlerAdapter implements HeartbeatHandler.Listener, ChannelFutureListener {

    /** What a connection tells its client; every call is on the client's event loop. */
    interface Listener {
        /** The welcome was valid: the connection is open and its heartbeat runs. */
        void onOpen(Connection c, Welcome welcome);

        /** An error no retry can fix (auth token refused, another protocol version); the connection must close. */
        void onFatal(Connection c, RuntimeException cause);

        void onPush(Push push);

        void onGoAway(Connection c, GoAway goAway);

        void onRoundTrip(long rttNanos);

        /** The connection closed before its handshake completed: the attempt failed. Called at most once. */
        void onAttemptFailed(Connection c, Throwable cause);

        /** An open (or draining) connection closed. Called at most once. */
        void onLost(Connection c, Throwable cause);
    }

    /** Where a connection is in its life; it only moves down this list. */
    enum State {
        /** Resolving, connecting, TLS, waiting for the welcome. */
        HANDSHAKING,
        /** Welcomed: requests and sends go here. */
        OPEN,
        /** After a go-away: no new writes; closes when the last in-flight request is answered. */
        DRAINING,
        CLOSED
    }

    final InetSocketAddress endpoint;
    /** The requests in flight here; created by the first request, since an idle connection never has one. */
    private RequestRegistry registry;
    private final Listener listener;
    /** Where responses and writability go: the queue owns the requests in flight. */
    private final OutboundQueue queue;
    /** The session this connection's hello presents and whose pushes it acknowledges. */
    private final ClientSession session;
    /** Read twice per connection: for the hello, and for the heartbeat once welcomed. */
    private final ClientConfig config;
    private State state = State.HANDSHAKING;
    private Channel channel;
    /** The connect + handshake deadline while the handshake is pending. */
    private Future<?> handshakeTimer;
    /** Why the connection closed, when we know better than "the channel became inactive"; the first reason wins. */
    private Throwable closeCause;
    /** The server's limit on frames we send, from its welcome. */
    private long serverMaxFrameLength = Long.MAX_VALUE;
    /** The server's retry-after hint when it answered our hello with GO_AWAY (busy), in ms; -1 if it did not. */
    private long busyRetryAfterMillis = -1;
    /** Pending explicit pings, oldest first. */
    private ArrayDeque<PendingPing> pings;
    /** What the hello said: the highest version, whether it presented a resume token, the pushes received. */
    private int helloMaxVersion = Protocol.VERSION;
    private boolean presentedResumeToken;
    private long helloPushesReceived = Hello.NO_SEQUENCE;
    /** The session epoch this connection was opened in (see {@link ClientSession}); -1 before its welcome. */
    private int epoch = -1;
    /** Whether the timer that writes a delayed push ACK is armed (at most one per connection). */
    private boolean ackTimerArmed;

    private record PendingPing(long timestamp, CompletableFuture<Duration> future) {
    }

    Connection(InetSocketAddress endpoint, Listener listener, OutboundQueue queue, ClientSession session, ClientConfig config) {
        this.endpoint = endpoint;
        this.listener = listener;
        this.queue = queue;
        this.session = session;
        this.config = config;
    }

    // ---- life ----

    /** Starts the deadline for everything up to the welcome (resolution, TCP, TLS, hello/welcome). */
    void startHandshakeTimer(Scheduler scheduler, long timeoutNanos) {
        handshakeTimer = scheduler.schedule(() -> {
            handshakeTimer = null;
            if (state == State.HANDSHAKING) {
                close(new ConnectFailedException("connect to " + describe(endpoint) + " timed out after "
                        + Duration.ofNanos(timeoutNanos).toMillis() + " ms (name resolution, TCP connect, TLS and hello/welcome)"));
            }
        }, timeoutNanos);
    }

    /** The socket this connection lives on, once the dialer has one; its close ends the connection. */
    void attach(Channel ch) {
        channel = ch;
        // The close future fires exactly once, also for a socket that never became active. This connection is
        // its listener (no lambda kept per idle connection).
        ch.closeFuture().addListener(this);
    }

    /** The channel's close future completed: the connection has ended. */
    @Override
    public void operationComplete(ChannelFuture closed) {
        if (state == State.HANDSHAKING && closeCause == null && closed.channel().eventLoop().inEventLoop()) {
            // A TLS alert after our side of the TLS handshake (TLS 1.3: the server refused our certificate) closes
            // the channel before its exception travels on to us: let it arrive first, so the failure says why.
            try {
                closed.channel().eventLoop().execute(this::ended);
                return;
            } catch (RejectedExecutionException shuttingDown) {
                // the loop is going away: report the end now, without the reason
            }
        }
        ended();
    }

    State state() {
        return state;
    }

    /** The requests in flight on this connection, created at the first request written here. */
    RequestRegistry registry() {
        RequestRegistry r = registry;
        if (r == null) {
            r = registry = new RequestRegistry();
        }
        return r;
    }

    /** Removes and returns the request in flight with this id, or null (see {@link RequestRegistry#remove}). */
    RequestOp removeRequest(long id) {
        RequestRegistry r = registry;
        return r == null ? null : r.remove(id);
    }

    /** How many requests are in flight on this connection. */
    int requestsInFlight() {
        RequestRegistry r = registry;
        return r == null ? 0 : r.size();
    }

    /** Removes every request in flight and returns them. */
    java.util.List<RequestOp> drainRequests() {
        RequestRegistry r = registry;
        return r == null ? java.util.List.of() : r.drain();
    }

    /** Whether a request was ever written here (tests: an idle connection has no registry). */
    boolean hasRegistry() {
        return registry != null;
    }

    /**
     * When the server refused our hello for now (GO_AWAY before WELCOME): the milliseconds it asked us to wait
     * before the next attempt; -1 if it did not.
     */
    long busyRetryAfterMillis() {
        return busyRetryAfterMillis;
    }

    boolean isOpen() {
        return state == State.OPEN;
    }

    Channel channel() {
        return channel;
    }

    long serverMaxFrameLength() {
        return serverMaxFrameLength;
    }

    /** Whether this connection's hello presented a resume token. */
    boolean presentedResumeToken() {
        return presentedResumeToken;
    }

    /** The pushes received that this connection's hello announced ({@link Hello#NO_SEQUENCE} without a token). */
    long helloPushesReceived() {
        return helloPushesReceived;
    }

    /** After a go-away: nothing new is written here; the client closes it once its requests are answered. */
    void startDraining() {
        state = State.DRAINING;
    }

    /** Closes the connection, remembering why (the first reason wins). */
    void close(Throwable cause) {
        if (closeCause == null) {
            closeCause = cause;
        }
        if (channel != null) {
            channel.close();
        } else if (state != State.CLOSED) {
            ended(); // no socket yet (the name was being resolved): nothing else will report the end
        }
    }

    /**
     * Closes once everything written so far has left: an empty write completes after all before it. A push
     * ACK still owed goes first, so the server's window does not keep what the client has.
     */
    void closeAfterWrites() {
        if (channel == null) {
            close(new ConnectionLostException("closed before it had a socket"));
        } else {
            Ack ack = owedAck(true);
            if (ack != null) {
                channel.write(ack, channel.voidPromise());
            }
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void ended() {
        if (state == State.CLOSED) {
            return;
        }
        State was = state;
        state = State.CLOSED;
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
            handshakeTimer = null;
        }
        Throwable cause = closeCause;
        if (was == State.HANDSHAKING) {
            listener.onAttemptFailed(this, cause != null ? cause
                    : new ConnectFailedException("connection to " + describe(endpoint) + " closed during the handshake"));
        } else {
            listener.onLost(this, cause != null ? cause
                    : StacklessExceptions.lost("connection to " + describe(endpoint) + " closed by the peer"));
        }
    }

    // ---- inbound ----

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // Built now rather than kept: an idle connection holds no hello it sent long ago.
        Hello hello = session.hello(config);
        helloMaxVersion = hello.maxVersion();
        presentedResumeToken = hello.resumeToken() != null;
        helloPushesReceived = hello.pushesReceived();
        FrameCodec codec = ctx.pipeline().get(FrameCodec.class);
        if (codec != null) {
            // The welcome may come in any version up to ours; the codec then speaks its version, both ways.
            codec.expectWelcome(hello.maxVersion());
        }
        ctx.writeAndFlush(hello, ctx.voidPromise());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Message m = (Message) msg;
        switch (m.type()) {
            case RESPONSE -> {
                Response r = (Response) m;
                queue.completeRequest(this, r.id(), r.payload());
            }
            case WELCOME -> {
                if (state == State.HANDSHAKING) {
                    onWelcome(ctx, (Welcome) m);
                } else {
                    protocolError(ctx, "a second WELCOME");
                }
            }
            case ERROR -> {
                ErrorMessage e = (ErrorMessage) m;
                if (e.id() != 0) {
                    queue.failRequest(this, e);
                } else {
                    onConnectionError(e);
                }
            }
            case PUSH -> {
                Push p = (Push) m;
                if (state == State.HANDSHAKING) {
                    protocolError(ctx, "PUSH before WELCOME");
                } else if (p.sequence() == Push.NO_SEQUENCE && session.numbersPushes(epoch)) {
                    protocolError(ctx, "PUSH without a sequence in a session with resumption (PROTOCOL.md §13.1)");
                } else if (session.acceptPush(p, epoch)) {
                    listener.onPush(p);
                }
            }
            case ACK -> onAck(ctx, (Ack) m);
            case GO_AWAY -> {
                if (state == State.HANDSHAKING) {
                    // The server is busy (PROTOCOL.md §6, client rule 5): ERROR SERVER_BUSY and the close follow.
                    busyRetryAfterMillis = ((GoAway) m).reconnectAfterMillis();
                } else {
                    listener.onGoAway(this, (GoAway) m);
                }
            }
            case PING -> ctx.writeAndFlush(new Pong(((Ping) m).timestamp()), ctx.voidPromise());
            case PONG -> onPong((Pong) m);
            default -> protocolError(ctx, "unexpected " + m.type() + " from the server");
        }
    }

    private void onWelcome(ChannelHandlerContext ctx, Welcome w) {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
            handshakeTimer = null;
        }
        if (w.version() > helloMaxVersion || w.version() < 1) {
            UnsupportedVersionException e = new UnsupportedVersionException("server " + describe(endpoint)
                    + " answered with protocol version " + w.version() + "; this client asked for at most " + helloMaxVersion);
            closeCause = e;
            // Tell the server (PROTOCOL.md §6), then stop: a version mismatch is fatal.
            closeWithError(ctx, ErrorCode.UNSUPPORTED_VERSION, e.getMessage());
            listener.onFatal(this, e);
            return;
        }
        if (w.resumed() && !presentedResumeToken) {
            protocolError(ctx, "WELCOME resumed a session, but the HELLO presented no resume token");
            return;
        }
        if (w.resumed() && w.sendsReceived() > queue.nextSequence()) {
            protocolError(ctx, "WELCOME says " + w.sendsReceived() + " sends were received, but only "
                    + queue.nextSequence() + " were sent");
            return;
        }
        state = State.OPEN;
        serverMaxFrameLength = w.maxFrameLength() > 0 ? w.maxFrameLength() : Long.MAX_VALUE;
        startHeartbeat(w.heartbeatIntervalMillis());
        listener.onOpen(this, w);
        epoch = session.epoch(); // after onOpen, which may have started a new session
    }

    /** The server acknowledged our sends: they complete. Before the welcome, or above what was sent, it is an error. */
    private void onAck(ChannelHandlerContext ctx, Ack ack) {
        if (state == State.HANDSHAKING) {
            protocolError(ctx, "ACK before WELCOME");
        } else if (epoch != session.epoch()) {
            return; // from a connection draining in a session that has since been replaced
        } else if (!queue.acknowledge(ack.sequence())) {
            protocolError(ctx, "ACK " + ack.sequence() + " acknowledges more than the " + queue.nextSequence()
                    + " sends written, or comes in a session without resumption");
        }
    }

    /**
     * The end of a read batch: at most one ACK for the pushes received, now if it may not wait, else from a
     * timer armed for {@link ClientSession#ACK_DELAY_NANOS} (never one per push).
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Ack ack = owedAck(false);
        if (ack != null) {
            ctx.writeAndFlush(ack, ctx.voidPromise());
        } else if (!ackTimerArmed && pushesFlow() && session.ackOwed(epoch)) {
            ackTimerArmed = true;
            ctx.executor().schedule(this::ackDelayPassed, ClientSession.ACK_DELAY_NANOS, TimeUnit.NANOSECONDS);
        }
        ctx.fireChannelReadComplete();
    }

    /** The ACK timer: writes what is owed by now (nothing if a batch's ACK covered it meanwhile). */
    private void ackDelayPassed() {
        ackTimerArmed = false;
        Ack ack = channel.isActive() ? owedAck(true) : null;
        if (ack != null) {
            channel.writeAndFlush(ack, channel.voidPromise());
        }
    }

    /** Whether pushes are taken and acknowledged on this connection: it is welcomed and not closing. */
    private boolean pushesFlow() {
        return state == State.OPEN || state == State.DRAINING;
    }

    /**
     * The push ACK to write now on this connection, or null (see {@link ClientSession#ackToWrite(int, boolean)}):
     * with {@code evenIfItMayWait}, whatever is owed; without, only one that may not wait.
     */
    private Ack owedAck(boolean evenIfItMayWait) {
        return pushesFlow() ? session.ackToWrite(epoch, evenIfItMayWait) : null;
    }

    /** An ERROR with id 0: the server refuses or ends the connection; some reasons no retry can fix. */
    private void onConnectionError(ErrorMessage e) {
        ErrorCode code = e.errorCode();
        String server = "server " + describe(endpoint);
        if (code == ErrorCode.AUTH_FAILED) {
            listener.onFatal(this, new AuthenticationException(server + " refused the auth token: " + e.text()));
        } else if (code == ErrorCode.UNSUPPORTED_VERSION) {
            listener.onFatal(this, new UnsupportedVersionException(server + " speaks none of the protocol versions 1 to "
                    + helloMaxVersion + " this client offered: " + e.text()));
        } else {
            ServerErrorException cause = new ServerErrorException(e.code(), e.text());
            if (state == State.HANDSHAKING && busyRetryAfterMillis >= 0) {
                close(new ConnectFailedException(server + " is busy: " + cause.getMessage() + "; it asked for a retry after "
                        + busyRetryAfterMillis + " ms", cause));
                return;
            }
            close(state == State.HANDSHAKING
                    ? new ConnectFailedException(server + " refused the connection: " + cause.getMessage(), cause)
                    : new ConnectionLostException(server + " closed the connection: " + cause.getMessage(), cause));
        }
    }

    /** After the welcome: heartbeats start (the connect timeout guarded the handshake until now). */
    private void startHeartbeat(long announcedIntervalMillis) {
        HeartbeatSettings heartbeat = new HeartbeatSettings(config); // once per connection, not kept
        long interval = heartbeat.pingIntervalMillis(announcedIntervalMillis);
        long deadPeer = heartbeat.deadPeerTimeoutMillis(announcedIntervalMillis);
        if (interval <= 0 && deadPeer <= 0) {
            return;
        }
        // Installed by the dialer (it is the flush consolidation too); absent only from unit tests' bare pipelines.
        // ThreadLocalRandom (this loop's, shared by all its connections) picks the first ping's phase.
        HeartbeatHandler h = channel.pipeline().get(HeartbeatHandler.class);
        if (h != null) {
            h.start(interval, deadPeer, ThreadLocalRandom.current());
        }
    }

    /** The server broke the protocol: tell it (ERROR with id 0, as PROTOCOL.md §11 asks), then close. */
    private void protocolError(ChannelHandlerContext ctx, String what) {
        if (closeCause == null) {
            closeCause = new ConnectionLostException("protocol error from " + describe(endpoint) + ": " + what);
        }
        closeWithError(ctx, ErrorCode.PROTOCOL_ERROR, what);
    }

    private void closeWithError(ChannelHandlerContext ctx, ErrorCode code, String text) {
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
            queue.onWritable(this);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (pings != null && !pings.isEmpty()) {
            failPings(new ConnectionLostException("connection to " + describe(endpoint) + " closed"));
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof DecoderException && (cause.getCause() instanceof ProtocolException
                || cause.getCause() instanceof SSLException) ? cause.getCause() : cause;
        if (certificateRefused(c)) {
            return; // the client closes this connection and itself
        }
        if (closeCause == null) {
            String what = c instanceof ProtocolException ? "protocol error from "
                    : c instanceof SSLException ? "TLS failure with " : "connection failure to ";
            closeCause = new ConnectionLostException(what + describe(endpoint) + ": " + c, c);
        }
        if (c instanceof ProtocolException pe) {
            closeWithError(ctx, pe.errorCode(), String.valueOf(pe.getMessage()));
        } else {
            ctx.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent e && !e.isSuccess() && !certificateRefused(e.cause()) && closeCause == null) {
            closeCause = new ConnectionLostException("TLS handshake with " + describe(endpoint) + " failed: "
                    + e.cause(), e.cause());
        }
        ctx.fireUserEventTriggered(evt);
    }

    /**
     * Whether {@code failure} is the server refusing our client certificate during the handshake: then it is fatal,
     * like a refused token (see {@link CertificateRefusal}), and the listener has been told, once.
     */
    private boolean certificateRefused(Throwable failure) {
        if (state != State.HANDSHAKING || closeCause != null) {
            return closeCause instanceof AuthenticationException;
        }
        AuthenticationException refused = CertificateRefusal.of(failure, describe(endpoint), config.tls());
        if (refused == null) {
            return false;
        }
        closeCause = refused;
        listener.onFatal(this, refused);
        return true;
    }

    // ---- heartbeat ----

    @Override
    public void onDeadPeer(long timeoutMillis) {
        if (closeCause == null) {
            closeCause = new ConnectionLostException("no frame from " + describe(endpoint) + " for "
                    + timeoutMillis + " ms: peer considered dead");
        }
    }

    // ---- explicit pings ----

    /** Sends a ping now; {@code result} completes with the round trip, or fails after {@code timeoutNanos}. */
    void ping(CompletableFuture<Duration> result, Scheduler scheduler, long timeoutNanos) {
        Ping ping = new Ping(channel.eventLoop().ticker().nanoTime()); // the clock the pong is read against
        PendingPing p = new PendingPing(ping.timestamp(), result);
        if (pings == null) {
            pings = new ArrayDeque<>(2);
        }
        pings.add(p);
        Future<?> timeout = scheduler.schedule(() -> {
            pings.remove(p);
            result.completeExceptionally(new RequestTimeoutException("no pong from " + describe(endpoint)
                    + " within " + Duration.ofNanos(timeoutNanos).toMillis() + " ms"));
        }, timeoutNanos);
        result.whenComplete((d, t) -> timeout.cancel(false));
        channel.writeAndFlush(ping, channel.voidPromise());
    }

    private void onPong(Pong pong) {
        // Our pings carry the event loop's clock; a pong for a ping of ours gives the round trip.
        long rtt = channel.eventLoop().ticker().nanoTime() - pong.timestamp();
        if (rtt < 0) {
            return; // not one of ours
        }
        listener.onRoundTrip(rtt);
        if (pings == null) {
            return;
        }
        for (var it = pings.iterator(); it.hasNext(); ) {
            PendingPing p = it.next();
            if (p.timestamp() == pong.timestamp()) {
                it.remove();
                p.future().complete(Duration.ofNanos(rtt));
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

    static String describe(InetSocketAddress a) {
        return a == null ? "?" : a.getHostString() + ":" + a.getPort();
    }

    static String describe(java.util.List<InetSocketAddress> all) {
        StringBuilder sb = new StringBuilder();
        for (InetSocketAddress a : all) {
            sb.append(sb.length() == 0 ? "" : ", ").append(describe(a));
        }
        return all.size() == 1 ? sb.toString() : "[" + sb + "]";
    }

    @Override
    public String toString() {
        return "Connection[" + describe(endpoint) + ", " + state + "]";
    }
}
