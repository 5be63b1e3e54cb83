package dev.tether.client.internal;

import dev.tether.client.AuthenticationException;
import dev.tether.client.ClientClosedException;
import dev.tether.client.ClientConfig;
import dev.tether.client.ClientStats;
import dev.tether.client.ConnectFailedException;
import dev.tether.client.ConnectionLostException;
import dev.tether.client.ConnectionState;
import dev.tether.client.PushListener;
import dev.tether.client.RequestTimeoutException;
import dev.tether.client.SendBufferFullException;
import dev.tether.client.ServerErrorException;
import dev.tether.client.StateChange;
import dev.tether.client.StateListener;
import dev.tether.client.TetherClient;
import dev.tether.client.TlsOptions;
import dev.tether.client.UnsupportedVersionException;
import dev.tether.protocol.ErrorCode;
import dev.tether.protocol.ErrorMessage;
import dev.tether.protocol.GoAway;
import dev.tether.protocol.Message;
import dev.tether.protocol.Ping;
import dev.tether.protocol.Protocol;
import dev.tether.protocol.Push;
import dev.tether.protocol.Request;
import dev.tether.protocol.Send;
import dev.tether.protocol.Welcome;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLException;

/**
 * The one implementation of {@link TetherClient}: one logical connection that survives many physical
 * ones ({@link Connection}s).
 *
 * <p>Threading: a client is pinned to one event loop of its {@link EventLoops}. Every field below the
 * "loop-confined" line is read and written only on that thread, so there are no locks; public methods
 * called from other threads hand their work to the loop. The few fields read by {@link #state()} and
 * {@link #stats()} from any thread are volatile and written only on the loop.
 */
public final class RealClient implements TetherClient {
    private static final InternalLogger log = InternalLoggerFactory.getInstance(RealClient.class);
    private static final WriteBufferWaterMark DEFAULT_WATER_MARK = new WriteBufferWaterMark(
            ClientConfig.DEFAULT_WRITE_BUFFER_LOW_WATER_MARK, ClientConfig.DEFAULT_WRITE_BUFFER_HIGH_WATER_MARK);

    private final ClientConfig config;
    private final EventLoops loops;
    private final boolean ownsLoops;
    private final EventLoop loop;
    private final Scheduler scheduler;
    private final PushListener pushListener;
    private final StateListener stateListener;
    private final Executor listenerExecutor; // null: call listeners on the loop
    private final SslContext sslContext;
    private final WriteBufferWaterMark waterMark;
    private final SendBuffer buffer;
    private final ReconnectLoop reconnect;
    private final RequestTimeouts timeouts;
    private final long requestTimeoutNanos;
    private final RandomGenerator random;
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

    // Written on the loop, read anywhere (state(), stats()).
    private volatile ConnectionState state = ConnectionState.IDLE;
    private volatile String sessionId;
    private volatile InetSocketAddress connectedEndpoint;
    private volatile Instant connectedSince;
    private volatile long reconnects;
    private volatile long lastRttNanos = -1;
    private final ClientCounters counters = new ClientCounters();

    // ---- loop-confined ----
    /** The connection new writes go to (connecting or connected); null when none. */
    private Connection current;
    /** Connections after a go-away, finishing their in-flight requests. */
    private List<Connection> draining;
    private int endpointIndex;
    /** Attempts made since the last successful handshake (or since start): numbering for StateChange. */
    private int attemptsInSeries;
    private boolean everConnected;
    private List<CompletableFuture<Void>> connectWaiters;
    private volatile boolean closing;
    private Throwable fatalCause;
    private Future<?> closeDeadline;
    private boolean closingConnections;

    /**
     * Builds a client; called by {@code TetherClient.builder().build()}.
     *
     * @param ownsLoops whether {@code loops} is private to this client and shut down with it
     * @param listenerExecutor where listeners run; null = on the client's event loop
     */
    public RealClient(ClientConfig config, EventLoops loops, boolean ownsLoops, PushListener pushListener,
                      StateListener stateListener, Executor listenerExecutor) {
        // ThreadLocalRandom is one shared instance seeded per thread: jitter without a generator per client.
        this(config, loops, ownsLoops, pushListener, stateListener, listenerExecutor, EventLoopScheduler::new,
                ThreadLocalRandom.current());
    }

    RealClient(ClientConfig config, EventLoops loops, boolean ownsLoops, PushListener pushListener,
               StateListener stateListener, Executor listenerExecutor, Function<EventLoop, Scheduler> schedulerFactory,
               RandomGenerator random) {
        this.config = Objects.requireNonNull(config, "config");
        if (loops.isShutdown()) {
            throw new IllegalStateException("the ClientResources are closed");
        }
        this.loops = loops;
        this.ownsLoops = ownsLoops;
        this.loop = loops.next();
        this.scheduler = schedulerFactory.apply(loop);
        this.pushListener = pushListener;
        this.stateListener = stateListener;
        this.listenerExecutor = listenerExecutor;
        this.random = random;
        this.sslContext = config.tls() == null ? null : sslContext(config.tls());
        this.waterMark = config.writeBufferLowWaterMark() == DEFAULT_WATER_MARK.low()
                && config.writeBufferHighWaterMark() == DEFAULT_WATER_MARK.high() ? DEFAULT_WATER_MARK
                : new WriteBufferWaterMark(config.writeBufferLowWaterMark(), config.writeBufferHighWaterMark());
        this.buffer = new SendBuffer(config.sendBufferMessages(), config.sendBufferBytes());
        this.reconnect = new ReconnectLoop(config.backoff(), random, scheduler, this::startAttempt);
        this.timeouts = new RequestTimeouts(scheduler, this::onRequestTimeout);
        this.requestTimeoutNanos = config.requestTimeout().toNanos();
    }

    // =====================================================================================
    // Public API (any thread)
    // =====================================================================================

    @Override
    public CompletableFuture<Void> connect() {
        CompletableFuture<Void> result = new CompletableFuture<>();
        runOnLoop(() -> onConnectCalled(result));
        return result;
    }

    @Override
    public CompletableFuture<byte[]> request(byte[] payload) {
        return request(payload, requestTimeoutNanos);
    }

    @Override
    public CompletableFuture<byte[]> request(byte[] payload, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        return request(payload, timeout.toNanos());
    }

    private CompletableFuture<byte[]> request(byte[] payload, long timeoutNanos) {
        Objects.requireNonNull(payload, "payload");
        RequestOp op = new RequestOp(this, payload, timeoutNanos);
        if (!checkSize(op, op.future)) {
            return op.future;
        }
        if (loop.inEventLoop()) {
            startRequest(op);
        } else {
            runOnLoop(() -> startRequest(op));
        }
        return op.future;
    }

    private void startRequest(RequestOp op) {
        if (!closing) {
            timeouts.add(op);
        }
        submit(op);
    }

    @Override
    public CompletableFuture<Void> send(byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        SendOp op = new SendOp(this, payload);
        if (!checkSize(op, op.future)) {
            return op.future;
        }
        if (loop.inEventLoop()) {
            submit(op);
        } else {
            runOnLoop(() -> submit(op));
        }
        return op.future;
    }

    @Override
    public CompletableFuture<Duration> ping() {
        CompletableFuture<Duration> result = new CompletableFuture<>();
        runOnLoop(() -> startPing(result));
        return result;
    }

    @Override
    public void reconnectNow() {
        runOnLoop(() -> {
            if (!closing && (state == ConnectionState.RECONNECTING || state == ConnectionState.DRAINING)) {
                reconnect.skipWait();
            }
        });
    }

    @Override
    public ConnectionState state() {
        return state;
    }

    @Override
    public ClientStats stats() {
        long rtt = lastRttNanos;
        return new ClientStats(state, sessionId, connectedEndpoint, connectedSince, reconnects,
                rtt < 0 ? null : Duration.ofNanos(rtt), counters.framesIn(), counters.framesOut(), counters.bytesIn(),
                counters.bytesOut(), counters.requestsInFlight(), buffer.size(), buffer.bytes());
    }

    @Override
    public ClientConfig config() {
        return config;
    }

    @Override
    public CompletableFuture<Void> closeAsync() {
        runOnLoop(() -> beginClose(null));
        return closeFuture.copy();
    }

    @Override
    public void close() {
        CompletableFuture<Void> f = closeAsync();
        if (loop.inEventLoop()) {
            return; // blocking here would deadlock: the close finishes on this very thread
        }
        try {
            f.get(config.closeTimeout().toMillis() + 10_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            log.warn("close of {} did not finish in time", this);
        } catch (Exception e) {
            log.debug("close of {} failed", this, e);
        }
    }

    @Override
    public String toString() {
        return "TetherClient[" + state + ", endpoints=" + config.endpoints() + "]";
    }

    /** The event loop this client lives on (tests). */
    EventLoop eventLoop() {
        return loop;
    }

    // =====================================================================================
    // Connecting (loop)
    // =====================================================================================

    private void onConnectCalled(CompletableFuture<Void> result) {
        if (closing) {
            result.completeExceptionally(closedException());
            return;
        }
        if (state == ConnectionState.CONNECTED) {
            result.complete(null);
            return;
        }
        if (connectWaiters == null) {
            connectWaiters = new ArrayList<>(1);
        }
        connectWaiters.add(result);
        if (state == ConnectionState.IDLE) {
            attemptsInSeries = 0;
            startAttempt();
        } else if (state == ConnectionState.RECONNECTING && !everConnected && !config.retryFirstConnect()) {
            // cannot happen: a first connect without retry never waits; kept for clarity
            reconnect.skipWait();
        }
    }

    /** Starts one connection attempt to the next endpoint. */
    private void startAttempt() {
        if (closing) {
            return;
        }
        List<InetSocketAddress> endpoints = config.endpoints();
        InetSocketAddress endpoint = endpoints.get(endpointIndex % endpoints.size());
        endpointIndex = (endpointIndex + 1) % endpoints.size();
        attemptsInSeries++;
        Connection c = new Connection(this, endpoint);
        current = c;
        setState(ConnectionState.CONNECTING, endpoint, attemptsInSeries, null, null);

        InetSocketAddress remote = endpoint;
        if (remote.isUnresolved()) {
            try {
                remote = new InetSocketAddress(InetAddress.getByName(endpoint.getHostString()), endpoint.getPort());
            } catch (UnknownHostException e) {
                current = null;
                attemptFailed(c, new ConnectFailedException("cannot resolve " + describe(endpoint), e));
                return;
            }
        }
        Channel ch;
        try {
            ch = loops.newChannel();
        } catch (RuntimeException e) {
            current = null;
            attemptFailed(c, new ConnectFailedException("cannot open a socket for " + describe(endpoint) + ": " + e, e));
            return;
        }
        ch.config().setOption(ChannelOption.TCP_NODELAY, true);
        ch.config().setOption(ChannelOption.SO_KEEPALIVE, true);
        ch.config().setOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark);
        c.channel = ch;
        ch.pipeline().addLast("connection", c);
        // The close future fires exactly once, also for a socket that never became active.
        ch.closeFuture().addListener(f -> onClosed(c));
        c.handshakeTimer = scheduler.schedule(() -> onHandshakeTimeout(c), config.connectTimeout().toNanos());
        InetSocketAddress target = remote;
        loop.register(ch).addListener((ChannelFutureListener) reg -> {
            if (!reg.isSuccess()) {
                c.close(new ConnectFailedException("cannot register a socket for " + describe(endpoint), reg.cause()));
                return;
            }
            var local = config.localAddress() == null ? null : new InetSocketAddress(config.localAddress(), 0);
            ch.connect(target, local).addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess() && c.closeCause == null) {
                    c.closeCause = new ConnectFailedException("connect to " + describe(endpoint) + " failed: "
                            + f.cause().getMessage(), f.cause());
                    ch.close();
                }
            });
        });
    }

    private void onHandshakeTimeout(Connection c) {
        c.handshakeTimer = null;
        if (!c.handshakeDone) {
            c.close(new ConnectFailedException("connect to " + describe(c.endpoint) + " timed out after "
                    + config.connectTimeout().toMillis() + " ms (TCP connect, TLS and hello/welcome)"));
        }
    }

    void onWelcome(Connection c, Welcome w) {
        cancel(c.handshakeTimer);
        c.handshakeTimer = null;
        if (closing || c != current) {
            c.close(closedException());
            return;
        }
        if (w.version() > Protocol.VERSION || w.version() < 1) {
            UnsupportedVersionException e = new UnsupportedVersionException("server " + describe(c.endpoint)
                    + " answered with protocol version " + w.version() + "; this client speaks " + Protocol.VERSION);
            // Tell the server (PROTOCOL.md §6), then stop: a version mismatch is fatal.
            c.closeWithError(c.channel.pipeline().context(c), ErrorCode.UNSUPPORTED_VERSION, e.getMessage());
            fatal(c, e);
            return;
        }
        c.handshakeDone = true;
        c.serverMaxFrameLength = w.maxFrameLength() > 0 ? w.maxFrameLength() : Long.MAX_VALUE;
        // The welcome's interval is binding (PROTOCOL.md §7): ping at least that often; more often if configured.
        long interval = config.heartbeatInterval().toMillis();
        long required = w.heartbeatIntervalMillis();
        if (required > 0 && (interval == 0 || required < interval)) {
            interval = required;
        }
        c.startHeartbeat(interval, config.deadPeerTimeout().toMillis());
        if (everConnected) {
            reconnects = reconnects + 1;
        }
        everConnected = true;
        sessionId = w.sessionId();
        connectedEndpoint = c.endpoint;
        connectedSince = Instant.now();
        int attempt = attemptsInSeries;
        attemptsInSeries = 0;
        reconnect.reset();
        setState(ConnectionState.CONNECTED, c.endpoint, attempt, null, null);
        completeConnectWaiters(null);
        flushBuffer();
    }

    /** A connection closed: either an attempt failed or an established connection was lost. */
    void onClosed(Connection c) {
        cancel(c.handshakeTimer);
        c.handshakeTimer = null;
        Throwable cause = c.closeCause;
        if (!c.handshakeDone) {
            if (c == current) {
                current = null;
                if (cause == null) {
                    cause = new ConnectFailedException("connection to " + describe(c.endpoint) + " closed during the handshake");
                }
                attemptFailed(c, cause);
            }
            return;
        }
        if (cause == null) {
            cause = new ConnectionLostException("connection to " + describe(c.endpoint) + " closed by the peer");
        }
        Throwable inFlightCause = closing ? closedException() : cause instanceof ConnectionLostException ? cause
                : new ConnectionLostException("connection to " + describe(c.endpoint) + " lost: " + cause.getMessage(), cause);
        failInFlight(c, inFlightCause);
        if (draining != null) {
            draining.remove(c);
        }
        if (c == current) {
            current = null;
            sessionId = null;
            connectedEndpoint = null;
            connectedSince = null;
            if (!closing) {
                attemptsInSeries = 0;
                scheduleReconnect(c.endpoint, cause);
            }
        }
        if (closing) {
            maybeFinishClose();
        }
    }

    private void attemptFailed(Connection c, Throwable cause) {
        if (closing) {
            maybeFinishClose();
            return;
        }
        if (!everConnected && !config.retryFirstConnect()) {
            if (attemptsInSeries < config.endpoints().size()) {
                startAttempt(); // the first connect tries each endpoint once
                return;
            }
            int attempts = attemptsInSeries;
            attemptsInSeries = 0;
            ConnectFailedException e = new ConnectFailedException("connect to " + describeAll(config.endpoints())
                    + " failed after " + attempts + " attempt(s): " + cause.getMessage(), cause);
            setState(ConnectionState.IDLE, c.endpoint, attempts, null, e);
            completeConnectWaiters(e);
            return;
        }
        scheduleReconnect(c.endpoint, cause);
    }

    private void scheduleReconnect(InetSocketAddress endpoint, Throwable cause) {
        Duration delay = reconnect.scheduleRetry();
        setState(ConnectionState.RECONNECTING, endpoint, attemptsInSeries + 1, delay, cause);
    }

    void onConnectionError(Connection c, ErrorMessage e) {
        ErrorCode code = e.errorCode();
        if (code == ErrorCode.AUTH_FAILED) {
            fatal(c, new AuthenticationException("server " + describe(c.endpoint) + " refused the auth token: " + e.text()));
        } else if (code == ErrorCode.UNSUPPORTED_VERSION) {
            fatal(c, new UnsupportedVersionException("server " + describe(c.endpoint)
                    + " does not speak protocol version " + Protocol.VERSION + ": " + e.text()));
        } else {
            ServerErrorException cause = new ServerErrorException(e.code(), e.text());
            c.close(c.handshakeDone
                    ? new ConnectionLostException("server " + describe(c.endpoint) + " closed the connection: " + cause.getMessage(), cause)
                    : new ConnectFailedException("server " + describe(c.endpoint) + " refused the connection: " + cause.getMessage(), cause));
        }
    }

    /** An error retrying cannot fix: stop reconnecting and surface it, once. */
    private void fatal(Connection c, RuntimeException cause) {
        log.warn("{}: {}; not reconnecting", this, cause.getMessage());
        fatalCause = cause;
        c.closeCause = cause;
        beginClose(cause); // first, so that the close of c is not taken for a failure to retry
        c.close(cause);
    }

    void onGoAway(Connection c, GoAway g) {
        if (c != current || !c.handshakeDone || closing) {
            return;
        }
        c.draining = true;
        current = null;
        if (draining == null) {
            draining = new ArrayList<>(1);
        }
        draining.add(c);
        sessionId = null;
        connectedSince = null;
        connectedEndpoint = null;
        // Up to 20% extra so that the many clients of a draining server do not return at the same instant.
        long hint = g.reconnectAfterMillis();
        long delayMillis = hint + (hint > 0 ? random.nextLong(hint / 5 + 1) : 0);
        Duration delay = Duration.ofMillis(delayMillis);
        attemptsInSeries = 0;
        reconnect.scheduleIn(delay);
        setState(ConnectionState.DRAINING, c.endpoint, 0, delay,
                new ConnectionLostException("server " + describe(c.endpoint) + " is going away: " + g.reason()));
        if (c.registry.size() == 0) {
            c.close(new ConnectionLostException("drained after go-away"));
        }
    }

    // =====================================================================================
    // Requests and sends (loop)
    // =====================================================================================

    private boolean checkSize(Op op, CompletableFuture<?> future) {
        long frameLength = op.frameSize() - Protocol.LENGTH_FIELD_SIZE;
        if (frameLength > config.maxFrameLength()) {
            future.completeExceptionally(new IllegalArgumentException("payload of " + op.payload.length
                    + " bytes exceeds maxFrameLength " + config.maxFrameLength() + " (frame would be " + frameLength + ")"));
            return false;
        }
        return true;
    }

    private void submit(Op op) {
        if (closing) {
            op.fail(closedException());
            return;
        }
        if (op.isDone()) {
            return;
        }
        Connection c = current;
        if (c != null && c.handshakeDone && buffer.isEmpty() && c.channel.isWritable()) {
            writeOp(c, op, true);
        } else if (!buffer.offer(op)) {
            op.fail(new SendBufferFullException("send buffer full (" + buffer.size() + "/" + buffer.maxMessages()
                    + " messages, " + buffer.bytes() + "/" + buffer.maxBytes() + " bytes) while " + state
                    + "; rejected a " + op.payload.length + "-byte payload"));
        }
    }

    private void writeOp(Connection c, Op op, boolean flush) {
        if (op.frameSize() - Protocol.LENGTH_FIELD_SIZE > c.serverMaxFrameLength) {
            op.fail(new IllegalArgumentException("payload of " + op.payload.length + " bytes exceeds the server's max frame length "
                    + c.serverMaxFrameLength));
            return;
        }
        if (op instanceof RequestOp r) {
            long id = c.registry.register(r);
            r.connection = c;
            counters.requestWritten();
            Request msg = new Request(id, r.payload);
            if (flush) {
                c.channel.writeAndFlush(msg, c.channel.voidPromise());
            } else {
                c.channel.write(msg, c.channel.voidPromise());
            }
        } else {
            SendOp s = (SendOp) op;
            Send msg = new Send(s.payload);
            var promise = c.channel.newPromise().addListener(s);
            if (flush) {
                c.channel.writeAndFlush(msg, promise);
            } else {
                c.channel.write(msg, promise);
            }
        }
    }

    /** Writes a control frame (hello, pong, ping). */
    void write(Connection c, Message m, boolean flush) {
        if (flush) {
            c.channel.writeAndFlush(m, c.channel.voidPromise());
        } else {
            c.channel.write(m, c.channel.voidPromise());
        }
    }

    /** Moves buffered operations to the socket while the channel accepts them. */
    private void flushBuffer() {
        Connection c = current;
        if (c == null || !c.handshakeDone || buffer.isEmpty()) {
            return;
        }
        boolean wrote = false;
        while (c.channel.isWritable()) {
            Op op = buffer.poll();
            if (op == null) {
                break;
            }
            if (!op.isDone()) {
                writeOp(c, op, false);
                wrote = true;
            }
        }
        if (wrote) {
            c.channel.flush();
        }
    }

    void onWritable(Connection c) {
        if (c == current) {
            flushBuffer();
        }
    }

    void onResponse(Connection c, long id, byte[] payload, ErrorMessage error) {
        RequestOp r = c.registry.remove(id);
        if (r == null) {
            log.debug("{}: response to unknown or timed-out request {}", this, id);
            return;
        }
        counters.requestsDone(1);
        timeouts.remove(r);
        if (error == null) {
            r.future.complete(payload);
        } else {
            r.future.completeExceptionally(new ServerErrorException(error.code(), error.text()));
        }
        afterRequestDone(c);
    }

    /** A request is done one way or another: its deadline no longer matters. */
    void stopClock(RequestOp r) {
        timeouts.remove(r);
    }

    void onRequestTimeout(RequestOp r) {
        if (r.future.isDone()) {
            return;
        }
        Connection c = r.connection;
        if (r.inBuffer) {
            buffer.remove(r);
        } else if (c != null && c.registry.remove(r.id) != null) {
            counters.requestsDone(1);
        }
        r.future.completeExceptionally(new RequestTimeoutException("no response to request " + r.id
                + (c == null ? " (still in the send buffer, " + state + ")" : " from " + describe(c.endpoint))
                + " within " + Duration.ofNanos(r.timeoutNanos).toMillis() + " ms"));
        if (c != null) {
            afterRequestDone(c);
        }
    }

    private void afterRequestDone(Connection c) {
        if (c.draining && c.registry.size() == 0) {
            c.close(new ConnectionLostException("drained after go-away"));
        } else if (closing) {
            maybeCloseGracefully();
        }
    }

    void onSendFailed(SendOp s, Throwable cause) {
        if (closing) {
            s.future.completeExceptionally(new ClientClosedException("client closed before the send was written", cause));
        } else {
            s.future.completeExceptionally(new ConnectionLostException(
                    "connection lost before the send was written: " + cause, cause));
        }
    }

    private void failInFlight(Connection c, Throwable cause) {
        List<RequestOp> ops = c.registry.drain();
        counters.requestsDone(ops.size());
        for (RequestOp r : ops) {
            r.fail(cause);
        }
    }

    // =====================================================================================
    // Pushes, pings, stats (loop)
    // =====================================================================================

    void onPush(Push push) {
        if (pushListener == null) {
            return;
        }
        dispatch(() -> pushListener.onPush(push));
    }

    private void startPing(CompletableFuture<Duration> result) {
        Connection c = current;
        if (closing) {
            result.completeExceptionally(closedException());
            return;
        }
        if (c == null || !c.handshakeDone) {
            result.completeExceptionally(new ConnectionLostException("not connected (" + state + ")"));
            return;
        }
        Ping ping = new Ping(loop.ticker().nanoTime()); // the clock the pong is read against
        Connection.PendingPing p = new Connection.PendingPing(ping.timestamp(), result);
        c.addPing(p);
        Future<?> timeout = scheduler.schedule(() -> {
            c.removePing(p);
            result.completeExceptionally(new RequestTimeoutException("no pong from " + describe(c.endpoint)
                    + " within " + config.requestTimeout().toMillis() + " ms"));
        }, config.requestTimeout().toNanos());
        result.whenComplete((d, t) -> timeout.cancel(false));
        write(c, ping, true);
    }

    void onRoundTrip(long rttNanos) {
        lastRttNanos = rttNanos;
    }

    /** What the codec of every connection counts into. */
    ClientCounters counters() {
        return counters;
    }

    // =====================================================================================
    // Closing (loop)
    // =====================================================================================

    /** Starts closing: gracefully when {@code cause} is null, at once after a fatal error. */
    private void beginClose(Throwable cause) {
        if (closing) {
            return;
        }
        closing = true;
        reconnect.cancel();
        InetSocketAddress ep = current != null ? current.endpoint : connectedEndpoint;
        setState(ConnectionState.CLOSED, ep, 0, null, cause);
        completeConnectWaiters(cause != null ? cause : closedException());
        if (cause != null) {
            closeNow();
            return;
        }
        // Graceful: write what is buffered if there is a connection to write it to, let in-flight requests
        // (also those on a connection draining after a go-away) finish, all within the close timeout.
        Connection c = current;
        if (c != null && c.handshakeDone) {
            for (Op op; (op = buffer.poll()) != null; ) {
                if (!op.isDone()) {
                    writeOp(c, op, false);
                }
            }
            c.channel.flush();
        } else if (c != null) {
            c.close(closedException()); // still handshaking: nothing of ours is on it yet
        }
        buffer.failAll(closedException());
        closeDeadline = scheduler.schedule(this::closeNow, config.closeTimeout().toNanos());
        maybeCloseGracefully();
    }

    private void maybeCloseGracefully() {
        if (counters.requestsInFlightOnLoop() > 0) {
            return;
        }
        closeConnectionsAfterWrites();
    }

    private void closeConnectionsAfterWrites() {
        if (closingConnections) {
            return;
        }
        closingConnections = true;
        for (Connection c : connections()) {
            // An empty write completes after everything written before it: close once the sends are out.
            c.channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        maybeFinishClose();
    }

    private void closeNow() {
        closeDeadline = null;
        buffer.failAll(closedException());
        for (Connection c : connections()) {
            c.close(closedException());
        }
        maybeFinishClose();
    }

    private List<Connection> connections() {
        List<Connection> all = new ArrayList<>(2);
        if (current != null && current.channel != null) {
            all.add(current);
        }
        if (draining != null) {
            all.addAll(draining);
        }
        return all;
    }

    private void maybeFinishClose() {
        if (closeFuture.isDone()) {
            return;
        }
        if ((current != null && current.channel != null && current.channel.isOpen())
                || (draining != null && !draining.isEmpty())) {
            return;
        }
        current = null;
        cancel(closeDeadline);
        closeDeadline = null;
        buffer.failAll(closedException());
        timeouts.cancel();
        if (ownsLoops) {
            loops.shutdownAsync(ClientResourcesTimeouts.SHUTDOWN_MILLIS, () -> closeFuture.complete(null));
        } else {
            closeFuture.complete(null);
        }
    }

    private ClientClosedException closedException() {
        return fatalCause == null ? new ClientClosedException("client closed")
                : new ClientClosedException("client closed: " + fatalCause.getMessage(), fatalCause);
    }

    // =====================================================================================
    // Helpers
    // =====================================================================================

    private void completeConnectWaiters(Throwable failure) {
        List<CompletableFuture<Void>> waiters = connectWaiters;
        connectWaiters = null;
        if (waiters == null) {
            return;
        }
        for (CompletableFuture<Void> f : waiters) {
            if (failure == null) {
                f.complete(null);
            } else {
                f.completeExceptionally(failure);
            }
        }
    }

    private void setState(ConnectionState next, InetSocketAddress endpoint, int attempt, Duration delay, Throwable cause) {
        ConnectionState previous = state;
        state = next;
        if (stateListener != null) {
            StateChange change = new StateChange(previous, next, endpoint, attempt, delay, cause);
            dispatch(() -> stateListener.onStateChange(change));
        }
    }

    private void dispatch(Runnable call) {
        Runnable guarded = () -> {
            try {
                call.run();
            } catch (Throwable t) {
                log.warn("{}: a listener threw", this, t);
            }
        };
        if (listenerExecutor == null) {
            guarded.run();
        } else {
            try {
                listenerExecutor.execute(guarded);
            } catch (RuntimeException e) {
                log.warn("{}: the listener executor rejected a call", this, e);
            }
        }
    }

    private void runOnLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            try {
                loop.execute(task);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                if (!closing) {
                    throw new ClientClosedException("the client's ClientResources are shut down; close clients first", e);
                }
                // Closed, and its private loop is gone: nothing else touches the state any more, and the task
                // only fails its operation with ClientClosedException.
                task.run();
            }
        }
    }

    private static void cancel(Future<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    SslHandler newSslHandler(ByteBufAllocator alloc, InetSocketAddress endpoint) {
        if (sslContext == null) {
            return null;
        }
        return sslContext.newHandler(alloc, endpoint.getHostString(), endpoint.getPort());
    }

    private static SslContext sslContext(TlsOptions tls) {
        SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
        if (tls.trustsAll()) {
            b.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else if (!tls.trustedCertificates().isEmpty()) {
            b.trustManager(tls.trustedCertificates());
        }
        // RFC 2818 host-name check, done by the JDK's engine against the host we connect to (SNI + peer host).
        b.endpointIdentificationAlgorithm(tls.hostnameVerification() ? "HTTPS" : null);
        try {
            return b.build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("invalid TLS settings " + tls + ": " + e.getMessage(), e);
        }
    }

    static String describe(InetSocketAddress a) {
        return a == null ? "?" : a.getHostString() + ":" + a.getPort();
    }

    private static String describeAll(List<InetSocketAddress> all) {
        StringBuilder sb = new StringBuilder();
        for (InetSocketAddress a : all) {
            sb.append(sb.length() == 0 ? "" : ", ").append(describe(a));
        }
        return all.size() == 1 ? sb.toString() : "[" + sb + "]";
    }

    /** Timeouts shared with ClientResources. */
    static final class ClientResourcesTimeouts {
        static final long SHUTDOWN_MILLIS = 10_000;

        private ClientResourcesTimeouts() {
        }
    }
}
