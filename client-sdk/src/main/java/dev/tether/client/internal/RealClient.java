package dev.tether.client.internal;

import dev.tether.client.ClientClosedException;
import dev.tether.client.ClientConfig;
import dev.tether.client.ClientStats;
import dev.tether.client.ConnectFailedException;
import dev.tether.client.ConnectionLostException;
import dev.tether.client.ConnectionState;
import dev.tether.client.PushListener;
import dev.tether.client.Resumption;
import dev.tether.client.SessionLoss;
import dev.tether.client.SessionLossListener;
import dev.tether.client.SessionLostException;
import dev.tether.client.StateChange;
import dev.tether.client.StateListener;
import dev.tether.client.TetherClient;
import dev.tether.client.UnacknowledgedSends;
import dev.tether.protocol.GoAway;
import dev.tether.protocol.Push;
import dev.tether.protocol.Welcome;
import io.netty.channel.EventLoop;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * The one implementation of {@link TetherClient}: one logical connection that survives many physical
 * ones ({@link Connection}s). This class is the lifecycle state machine (IDLE, CONNECTING, CONNECTED,
 * RECONNECTING, DRAINING, CLOSED, see {@link ConnectionState}); its collaborators do the rest: the
 * {@link Dialer} turns an endpoint into a connection, the {@link OutboundQueue} buffers, writes and answers
 * requests and sends (and keeps sends until acknowledged), the {@link ClientSession} carries the session
 * across connections, the {@link ReconnectLoop} waits between attempts, {@link ClientCounters} keeps the
 * totals, and a {@link ClientClose}, made by the first close, carries the close out. At each handshake this
 * class decides what becomes of the session: resumed, started, or lost (told once, see {@link SessionLoss}).
 *
 * <p>Threading: a client is pinned to one event loop of its {@link EventLoops}. Every field below the
 * "loop-confined" line is read and written only on that thread, so there are no locks; public methods
 * called from other threads hand their work to the loop. The few fields read by {@link #state()} and
 * {@link #stats()} from any thread are volatile and written only on the loop.
 */
public final class RealClient implements TetherClient, Connection.Listener, OutboundQueue.Owner, ClientClose.Owner {
    private static final System.Logger log = Logs.CLIENT;
    private static final VarHandle CLOSE;

    static {
        try {
            CLOSE = MethodHandles.lookup().findVarHandle(RealClient.class, "clientClose", ClientClose.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ClientConfig config;
    private final EventLoops loops;
    private final boolean ownsLoops;
    private final EventLoop loop;
    private final Scheduler scheduler;
    private final ClientEvents events;
    private final ClientCounters counters;
    private final Dialer dialer;
    private final OutboundQueue queue;
    private final ClientSession session;
    /** Picks the backoff's jitter; kept for the reconnect loop, made at the first reconnect. */
    private final RandomGenerator random;
    /** Null until the first reconnect is scheduled: a client that never loses its connection holds none. */
    private ReconnectLoop reconnect;
    private final long requestTimeoutNanos;
    /** The close under way or over; made by the first close (most clients live as long as the process). */
    private volatile ClientClose clientClose;

    /** Written on the loop, read anywhere. */
    private volatile ConnectionState state = ConnectionState.IDLE;

    // ---- loop-confined ----
    /** The connection being dialled or in use; null when none (reconnecting, draining, closed). */
    private Connection current;
    /** Connections after a go-away, finishing their in-flight requests. */
    private List<Connection> draining; // null until the first go-away: most clients never see one
    /** Attempts made since the last successful handshake (or since start): numbering for StateChange. */
    private int attemptsInSeries;
    private boolean everConnected;
    private ConnectWaiters connectWaiters; // null when no connect() call waits

    /**
     * Builds a client; called by {@code TetherClient.builder().build()}.
     *
     * @param ownsLoops whether {@code loops} is private to this client and shut down with it
     * @param listenerExecutor where listeners run; null = on the client's event loop
     */
    public RealClient(ClientConfig config, EventLoops loops, boolean ownsLoops, PushListener pushListener,
                      StateListener stateListener, SessionLossListener sessionLossListener, Executor listenerExecutor) {
        // ThreadLocalRandom is one shared instance seeded per thread: jitter without a generator per client.
        this(config, loops, ownsLoops, pushListener, stateListener, sessionLossListener, listenerExecutor, loops::scheduler,
                ThreadLocalRandom.current(), NameResolver.JDK);
    }

    /** The seams for tests: the clock and timers, the source of jitter, the name lookups. */
    RealClient(ClientConfig config, EventLoops loops, boolean ownsLoops, PushListener pushListener,
               StateListener stateListener, SessionLossListener sessionLossListener, Executor listenerExecutor,
               Function<EventLoop, Scheduler> schedulerFactory, RandomGenerator random, NameResolver resolver) {
        this.config = Objects.requireNonNull(config, "config");
        if (loops.isShutdown()) {
            throw new IllegalStateException("the ClientResources are closed");
        }
        this.loops = loops;
        this.ownsLoops = ownsLoops;
        this.loop = loops.next();
        this.scheduler = schedulerFactory.apply(loop);
        this.events = ClientEvents.of(pushListener, stateListener, sessionLossListener, listenerExecutor);
        this.counters = new ClientCounters();
        this.session = new ClientSession(config, counters);
        this.queue = new OutboundQueue(this, counters, loop, this::runOnLoop, scheduler, config);
        this.dialer = new Dialer(config, loops, loop, scheduler, counters, queue, session, resolver);
        this.random = random;
        this.requestTimeoutNanos = config.requestTimeout().toNanos();
    }

    // ---- Public API (any thread) ----

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
        RequestOp op = new RequestOp(queue, Objects.requireNonNull(payload, "payload"), timeoutNanos);
        queue.request(op);
        return op;
    }

    @Override
    public CompletableFuture<Void> send(byte[] payload) {
        SendOp op = new SendOp(queue, Objects.requireNonNull(payload, "payload"));
        queue.send(op);
        return op;
    }

    @Override
    public CompletableFuture<Duration> ping() {
        CompletableFuture<Duration> result = new CompletableFuture<>();
        runOnLoop(() -> {
            Connection c = current;
            if (state == ConnectionState.CLOSED) {
                result.completeExceptionally(closedException());
            } else if (c == null || !c.isOpen()) {
                result.completeExceptionally(new ConnectionLostException("not connected (" + state + ")"));
            } else {
                c.ping(result, scheduler, config.requestTimeout().toNanos());
            }
        });
        return result;
    }

    @Override
    public void reconnectNow() {
        runOnLoop(() -> {
            if (state == ConnectionState.RECONNECTING || state == ConnectionState.DRAINING) {
                if (reconnect != null) {
                    reconnect.skipWait();
                }
            }
        });
    }

    @Override
    public ConnectionState state() {
        return state;
    }

    @Override
    public ClientStats stats() {
        return counters.snapshot(state, queue.bufferedCount(), queue.bufferedBytes(), queue.awaitingAck());
    }

    @Override
    public ClientConfig config() {
        return config;
    }

    @Override
    public CompletableFuture<Void> closeAsync() {
        CompletableFuture<Void> done = closing().future();
        runOnLoop(() -> beginClose(null));
        return done.copy();
    }

    @Override
    public void close() {
        closeAsync();
        if (loop.inEventLoop()) {
            return; // blocking here would deadlock: the close finishes on this very thread
        }
        closing().awaitQuietly(config.closeTimeout(), this);
    }

    @Override
    public String toString() {
        return "TetherClient[" + state + ", endpoints=" + config.endpoints() + "]";
    }

    /** The event loop this client lives on (tests). */
    EventLoop eventLoop() {
        return loop;
    }

    /**
     * Tests: fresh sessions number sends from {@code sendSequence} and expect their first push at
     * {@code pushSequence}, to reach the sequences' limit (2^63-1) without sending 2^63 messages. Before connect.
     */
    void startSequencesAt(long sendSequence, long pushSequence) {
        queue.startSequencesAt(sendSequence);
        session.startPushesAt(pushSequence);
    }

    // ---- Connecting (loop) ----

    private void onConnectCalled(CompletableFuture<Void> result) {
        switch (state) {
            case CLOSED -> result.completeExceptionally(closedException());
            case CONNECTED -> result.complete(null);
            default -> {
                if (connectWaiters == null) {
                    connectWaiters = new ConnectWaiters();
                }
                connectWaiters.add(result);
                if (state == ConnectionState.IDLE) {
                    attemptsInSeries = 0;
                    startAttempt();
                }
            }
        }
    }

    /** Starts one connection attempt to the next endpoint. */
    private void startAttempt() {
        if (state == ConnectionState.CLOSED) {
            return;
        }
        attemptsInSeries++;
        Connection c = dialer.nextConnection(this);
        current = c;
        setState(ConnectionState.CONNECTING, c.endpoint, attemptsInSeries, null, null);
        dialer.dial(c);
    }

    @Override
    public void onOpen(Connection c, Welcome w) {
        if (state == ConnectionState.CLOSED) {
            c.close(closedException());
            return;
        }
        SessionLostException lost = openSession(c, w);
        counters.connected(w.sessionId(), c.endpoint, everConnected);
        everConnected = true;
        int attempt = attemptsInSeries;
        attemptsInSeries = 0;
        if (reconnect != null) {
            reconnect.reset();
        }
        if (lost != null) {
            events.sessionLost(lost.loss());
        }
        setState(ConnectionState.CONNECTED, c.endpoint, attempt, null, lost);
        completeConnectWaiters(null);
        queue.connected(c);
    }

    /**
     * What the welcome makes of the session (PROTOCOL.md §13): resumed (sends the server has complete, the rest
     * are written again first), a new one, or a new one that replaces a session the server did not resume
     * (the unacknowledged sends follow the configured policy). Returns the loss to tell, or null.
     */
    private SessionLostException openSession(Connection c, Welcome w) {
        Resumption r = session.resumptionOf(w);
        String previous = session.sessionId();
        if (w.resumed()) { // Connection checked that we asked for it and that the count is possible
            session.resumed(w, c.helloPushesReceived());
            queue.resumed(w.sendsReceived());
            return w.pushesLost() > 0 ? new SessionLostException(
                    new SessionLoss(SessionLoss.Kind.PUSHES_LOST, previous, w.sessionId(), w.pushesLost(), 0, 0)) : null;
        }
        int unacknowledged = queue.unacknowledged();
        boolean presented = c.presentedResumeToken();
        session.started(w, r);
        if (!presented && unacknowledged == 0) {
            queue.sessionStarted(r == Resumption.ON);
            return null;
        }
        if (presented) {
            counters.resumeFailed();
        }
        UnacknowledgedSends policy = config.unacknowledgedSends();
        boolean resend = policy == UnacknowledgedSends.RESEND;
        SessionLoss loss = new SessionLoss(r == Resumption.ON ? SessionLoss.Kind.NOT_RESUMED : SessionLoss.Kind.NOT_OFFERED,
                previous, w.sessionId(), SessionLoss.UNKNOWN, resend ? unacknowledged : 0, resend ? 0 : unacknowledged);
        SessionLostException lost = new SessionLostException(loss);
        queue.sessionLost(policy, lost, r == Resumption.ON);
        return lost;
    }

    @Override
    public void onSequencesExhausted(Connection c) {
        session.forgetToken();
        c.close(new ConnectionLostException("session " + session.sessionId() + " has numbered every send an"
                + " acknowledgement can cover (2^63-1); starting a new session"));
    }

    @Override
    public void onAttemptFailed(Connection c, Throwable cause) {
        if (c == current) {
            current = null;
        }
        if (state == ConnectionState.CLOSED) {
            closing().finishIfOver();
            return;
        }
        long busyHint = c.busyRetryAfterMillis();
        if (busyHint > 0) {
            // The server is up and said when to come back (also on a first connect: the address is right).
            Duration delay = reconnect().scheduleAfterHint(Duration.ofMillis(busyHint));
            setState(ConnectionState.RECONNECTING, c.endpoint, attemptsInSeries + 1, delay, cause);
            return;
        }
        if (!everConnected && !config.retryFirstConnect()) {
            if (attemptsInSeries < config.endpoints().size()) {
                startAttempt(); // the first connect tries each endpoint once
                return;
            }
            int attempts = attemptsInSeries;
            attemptsInSeries = 0;
            ConnectFailedException e = new ConnectFailedException("connect to " + Connection.describe(config.endpoints())
                    + " failed after " + attempts + " attempt(s): " + cause.getMessage(), cause);
            setState(ConnectionState.IDLE, c.endpoint, attempts, null, e);
            completeConnectWaiters(e);
            return;
        }
        scheduleReconnect(c.endpoint, cause);
    }

    @Override
    public void onLost(Connection c, Throwable cause) {
        boolean closed = state == ConnectionState.CLOSED;
        queue.failInFlight(c, closed ? closedException() : cause instanceof ConnectionLostException ? cause
                : new ConnectionLostException("connection to " + Connection.describe(c.endpoint) + " lost: " + cause.getMessage(), cause));
        if (draining != null) {
            draining.remove(c);
        }
        if (c == current) {
            current = null;
            queue.disconnected();
            counters.disconnected();
            if (!closed) {
                attemptsInSeries = 0;
                Duration delay = reconnect().scheduleAfterLoss();
                setState(ConnectionState.RECONNECTING, c.endpoint, 1, delay, cause);
            }
        }
        if (closed) {
            closing().finishIfOver();
        }
    }

    private void scheduleReconnect(InetSocketAddress endpoint, Throwable cause) {
        Duration delay = reconnect().scheduleRetry();
        setState(ConnectionState.RECONNECTING, endpoint, attemptsInSeries + 1, delay, cause);
    }

    /** An error retrying cannot fix: stop reconnecting and surface it, once. */
    @Override
    public void onFatal(Connection c, RuntimeException cause) {
        log.log(System.Logger.Level.WARNING, () -> this + ": " + cause.getMessage() + "; not reconnecting");
        closing().fatal(cause);
        beginClose(cause); // first, so that the end of c is not taken for a failure to retry
        c.close(cause); // already closed by beginClose unless a graceful close was under way
    }

    @Override
    public void onGoAway(Connection c, GoAway g) {
        if (c != current || state == ConnectionState.CLOSED) {
            return; // a second go-away on a connection already draining, or a close under way
        }
        c.startDraining();
        current = null;
        queue.disconnected();
        if (draining == null) {
            draining = new ArrayList<>(1);
        }
        draining.add(c);
        counters.disconnected();
        attemptsInSeries = 0;
        Duration delay = reconnect().scheduleAfterHint(Duration.ofMillis(g.reconnectAfterMillis()));
        setState(ConnectionState.DRAINING, c.endpoint, 0, delay,
                new ConnectionLostException("server " + Connection.describe(c.endpoint) + " is going away: " + g.reason()));
        if (c.requestsInFlight() == 0) {
            c.close(new ConnectionLostException("drained after go-away"));
        }
    }

    // ---- Traffic (loop) ----

    @Override
    public void onPush(Push push) {
        events.push(push);
    }

    @Override
    public void onRoundTrip(long rttNanos) {
        counters.roundTrip(rttNanos);
    }

    // ---- Closing (loop) ----

    /** Starts closing: gracefully when {@code cause} is null, at once after a fatal error. */
    private void beginClose(Throwable cause) {
        if (state == ConnectionState.CLOSED) {
            return;
        }
        if (reconnect != null) {
            reconnect.cancel();
        }
        InetSocketAddress ep = current != null ? current.endpoint : counters.connectedEndpoint();
        setState(ConnectionState.CLOSED, ep, 0, null, cause);
        completeConnectWaiters(cause != null ? cause : closedException());
        if (cause != null) {
            closing().closeNow();
        } else {
            closing().beginGraceful(scheduler, config.closeTimeout().toNanos(), current);
        }
    }

    @Override
    public void onLastRequestDone() {
        closing().lastRequestDone();
    }

    @Override
    public List<Connection> connections() {
        List<Connection> all = draining == null ? new ArrayList<>(1) : new ArrayList<>(draining);
        if (current != null) {
            all.add(current);
        }
        return all;
    }

    /** Asked only once the client is CLOSED, when its close exists already. */
    @Override
    public ClientClosedException closedException() {
        return closing().closedException();
    }

    // ---- Helpers ----

    /** The close, made on first use by whichever thread comes first (closeAsync, or the loop closing). */
    private ClientClose closing() {
        ClientClose c = clientClose;
        if (c == null) {
            ClientClose made = new ClientClose(this, queue, ownsLoops ? loops : null);
            c = (ClientClose) CLOSE.compareAndExchange(this, null, made);
            if (c == null) {
                c = made;
            }
        }
        return c;
    }

    private void completeConnectWaiters(Throwable failure) {
        ConnectWaiters waiters = connectWaiters;
        connectWaiters = null;
        if (waiters != null) {
            waiters.completeAll(failure);
        }
    }

    private void setState(ConnectionState next, InetSocketAddress endpoint, int attempt, Duration delay, Throwable cause) {
        ConnectionState previous = state;
        state = next;
        if (events.wantsStateChanges()) {
            events.stateChanged(new StateChange(previous, next, endpoint, attempt, delay, cause));
        }
    }

    /** The reconnect loop, made on first use (loop only). */
    private ReconnectLoop reconnect() {
        ReconnectLoop r = reconnect;
        if (r == null) {
            r = new ReconnectLoop(config.backoff(), random, scheduler, this::startAttempt);
            reconnect = r;
        }
        return r;
    }

    private void runOnLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            try {
                loop.execute(task);
            } catch (RejectedExecutionException e) {
                if (state != ConnectionState.CLOSED) {
                    throw new ClientClosedException("the client's ClientResources are shut down; close clients first", e);
                }
                // Closed, and its private loop is gone: nothing else touches the state any more, and the task
                // only fails its operation with ClientClosedException.
                task.run();
            }
        }
    }
}
