package dev.tether.client.internal;

import dev.tether.client.ClientClosedException;
import dev.tether.client.ClientConfig;
import dev.tether.client.ClientStats;
import dev.tether.client.ConnectFailedException;
import dev.tether.client.ConnectionLostException;
import dev.tether.client.ConnectionState;
import dev.tether.client.PushListener;
import dev.tether.client.StateChange;
import dev.tether.client.StateListener;
import dev.tether.client.TetherClient;
import dev.tether.protocol.GoAway;
import dev.tether.protocol.Push;
import dev.tether.protocol.Welcome;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * The one implementation of {@link TetherClient}: one logical connection that survives many physical
 * ones ({@link Connection}s). This class is the lifecycle state machine (IDLE, CONNECTING, CONNECTED,
 * RECONNECTING, DRAINING, CLOSED, see {@link ConnectionState}); its collaborators do the rest: the
 * {@link Dialer} turns an endpoint into a connection, the {@link OutboundQueue} buffers, writes and answers
 * requests and sends, the {@link ReconnectLoop} waits between attempts, and {@link ClientCounters} keeps the
 * totals.
 *
 * <p>Threading: a client is pinned to one event loop of its {@link EventLoops}. Every field below the
 * "loop-confined" line is read and written only on that thread, so there are no locks; public methods
 * called from other threads hand their work to the loop. The few fields read by {@link #state()} and
 * {@link #stats()} from any thread are volatile and written only on the loop.
 */
public final class RealClient implements TetherClient, Connection.Listener, OutboundQueue.Owner {
    private static final System.Logger log = Logs.CLIENT;
    /** How long a client's private event loop may take to shut down after the close. */
    private static final long SHUTDOWN_MILLIS = 10_000;

    private final ClientConfig config;
    private final EventLoops loops;
    private final boolean ownsLoops;
    private final EventLoop loop;
    private final Scheduler scheduler;
    private final ClientEvents events;
    private final ClientCounters counters = new ClientCounters();
    private final Dialer dialer;
    private final OutboundQueue queue;
    private final ReconnectLoop reconnect;
    private final long requestTimeoutNanos;
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

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
    private List<CompletableFuture<Void>> connectWaiters;
    /** Why the client closed itself, for an error no retry can fix; null after close(). */
    private Throwable fatalCause;
    private Future<?> closeDeadline;

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
                ThreadLocalRandom.current(), NameResolver.JDK);
    }

    /** The seams for tests: the clock and timers, the source of jitter, the name lookups. */
    RealClient(ClientConfig config, EventLoops loops, boolean ownsLoops, PushListener pushListener,
               StateListener stateListener, Executor listenerExecutor, Function<EventLoop, Scheduler> schedulerFactory,
               RandomGenerator random, NameResolver resolver) {
        this.config = Objects.requireNonNull(config, "config");
        if (loops.isShutdown()) {
            throw new IllegalStateException("the ClientResources are closed");
        }
        this.loops = loops;
        this.ownsLoops = ownsLoops;
        this.loop = loops.next();
        this.scheduler = schedulerFactory.apply(loop);
        this.events = new ClientEvents(pushListener, stateListener, listenerExecutor);
        this.queue = new OutboundQueue(this, counters, loop, this::runOnLoop, scheduler, config);
        this.dialer = new Dialer(config, loops, loop, scheduler, counters, queue, resolver);
        this.reconnect = new ReconnectLoop(config.backoff(), random, scheduler, this::startAttempt);
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
        return op.future;
    }

    @Override
    public CompletableFuture<Void> send(byte[] payload) {
        SendOp op = new SendOp(queue, Objects.requireNonNull(payload, "payload"));
        queue.send(op);
        return op.future;
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
        return counters.snapshot(state, queue.bufferedCount(), queue.bufferedBytes());
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
            log.log(System.Logger.Level.WARNING, () -> "close of " + this + " did not finish in time");
        } catch (Exception e) {
            log.log(System.Logger.Level.DEBUG, () -> "close of " + this + " failed", e);
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

    // ---- Connecting (loop) ----

    private void onConnectCalled(CompletableFuture<Void> result) {
        switch (state) {
            case CLOSED -> result.completeExceptionally(closedException());
            case CONNECTED -> result.complete(null);
            default -> {
                if (connectWaiters == null) {
                    connectWaiters = new ArrayList<>(1);
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
        counters.connected(w.sessionId(), c.endpoint, everConnected);
        everConnected = true;
        int attempt = attemptsInSeries;
        attemptsInSeries = 0;
        reconnect.reset();
        setState(ConnectionState.CONNECTED, c.endpoint, attempt, null, null);
        completeConnectWaiters(null);
        queue.connected(c);
    }

    @Override
    public void onAttemptFailed(Connection c, Throwable cause) {
        if (c == current) {
            current = null;
        }
        if (state == ConnectionState.CLOSED) {
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
                scheduleReconnect(c.endpoint, cause);
            }
        }
        if (closed) {
            maybeFinishClose();
        }
    }

    private void scheduleReconnect(InetSocketAddress endpoint, Throwable cause) {
        Duration delay = reconnect.scheduleRetry();
        setState(ConnectionState.RECONNECTING, endpoint, attemptsInSeries + 1, delay, cause);
    }

    /** An error retrying cannot fix: stop reconnecting and surface it, once. */
    @Override
    public void onFatal(Connection c, RuntimeException cause) {
        log.log(System.Logger.Level.WARNING, () -> this + ": " + cause.getMessage() + "; not reconnecting");
        fatalCause = cause;
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
        Duration delay = reconnect.scheduleAfterGoAway(Duration.ofMillis(g.reconnectAfterMillis()));
        setState(ConnectionState.DRAINING, c.endpoint, 0, delay,
                new ConnectionLostException("server " + Connection.describe(c.endpoint) + " is going away: " + g.reason()));
        if (c.registry.size() == 0) {
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
        reconnect.cancel();
        InetSocketAddress ep = current != null ? current.endpoint : counters.connectedEndpoint();
        setState(ConnectionState.CLOSED, ep, 0, null, cause);
        completeConnectWaiters(cause != null ? cause : closedException());
        if (cause != null) {
            closeNow();
            return;
        }
        // Graceful: write what is buffered if there is a connection to write it to, let in-flight requests
        // (also those on a connection draining after a go-away) finish, all within the close timeout.
        closeDeadline = scheduler.schedule(this::closeNow, config.closeTimeout().toNanos());
        Connection c = current;
        if (c != null && !c.isOpen()) {
            c.close(closedException()); // still handshaking: nothing of ours is on it yet
        }
        queue.writeAllBuffered();
        if (queue.inFlight() == 0) {
            onLastRequestDone();
        }
    }

    @Override
    public void onLastRequestDone() {
        for (Connection c : connections()) {
            c.closeAfterWrites();
        }
        maybeFinishClose();
    }

    private void closeNow() {
        closeDeadline = null;
        queue.failBuffered(closedException());
        for (Connection c : connections()) {
            c.close(closedException());
        }
        maybeFinishClose();
    }

    private List<Connection> connections() {
        List<Connection> all = draining == null ? new ArrayList<>(1) : new ArrayList<>(draining);
        if (current != null) {
            all.add(current);
        }
        return all;
    }

    private void maybeFinishClose() {
        if (closeFuture.isDone() || current != null || (draining != null && !draining.isEmpty())) {
            return; // a connection has yet to report its end
        }
        if (closeDeadline != null) {
            closeDeadline.cancel(false);
            closeDeadline = null;
        }
        queue.close(closedException());
        if (ownsLoops) {
            loops.shutdownAsync(SHUTDOWN_MILLIS, () -> closeFuture.complete(null));
        } else {
            closeFuture.complete(null);
        }
    }

    @Override
    public ClientClosedException closedException() {
        return fatalCause == null ? new ClientClosedException("client closed")
                : new ClientClosedException("client closed: " + fatalCause.getMessage(), fatalCause);
    }

    // ---- Helpers ----

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
        if (events.wantsStateChanges()) {
            events.stateChanged(new StateChange(previous, next, endpoint, attempt, delay, cause));
        }
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
