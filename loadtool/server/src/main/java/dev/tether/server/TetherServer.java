package dev.tether.server;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * A Tether server of your own: the protocol, the limits and the connection management of the reference
 * server, serving your {@link ServerHandler}, admitting whom your {@link Authenticator} accepts.
 *
 * <h2>Start, serve, stop</h2>
 * <pre>{@code
 * TetherServer server = TetherServer.builder()
 *         .port(7000)
 *         .authenticator(Authenticator.sharedToken(System.getenv("TETHER_TOKEN")))
 *         .handler((session, payload) -> CompletableFuture.completedFuture(payload))  // echo
 *         .start();                                                                   // bound and serving
 * ...
 * server.session(id).ifPresent(s -> s.push("news", bytes));                          // one session
 * server.group("room-1").push("room-1", bytes);                                       // a group, encoded once
 * ...
 * server.drain(Duration.ofSeconds(10)).join();                                        // GO_AWAY, finish, close
 * }</pre>
 *
 * <h2>What every server built with it does</h2>
 * The same as {@code loadtool server}, apart from what is answered: a handshake timeout, heartbeat
 * interval and idle eviction, a connection limit, a frame-size limit (a small one until the handshake),
 * a bound on the bytes queued per session (a client that does not read is closed as a slow consumer),
 * one memory budget for everything the server holds, an optional limit on handshakes per second, growing
 * delays for repeated authentication failures, and a graceful drain. {@link ReferenceServer} documents each
 * step of a connection's life; the {@link Builder} each setting.
 *
 * <h2>Threads</h2>
 * I/O runs on {@link Builder#eventLoopThreads} event-loop threads. The handler and the authenticator run on
 * the session's event loop unless {@link Builder#handlerExecutor} names an executor; read
 * {@link ServerHandler} before you block in one. Every method of this class may be called from any thread.
 */
public final class TetherServer implements AutoCloseable {
    private final ConcurrentHashMap<String, ServerGroup> groups = new ConcurrentHashMap<>();
    private final ReferenceServer engine;

    /** Binds: the application knows this server before the first connection can arrive. */
    private TetherServer(ServerSettings settings, ServerHandler handler, Authenticator authenticator, Executor executor) {
        this.engine = ReferenceServer.start(settings, new Application(handler, authenticator, executor, this));
    }

    /** A builder with every setting at its default; only the {@linkplain Builder#handler handler} must be set. */
    public static Builder builder() {
        return new Builder();
    }

    ReferenceServer engine() {
        return engine;
    }

    /** The address the server listens on. */
    public InetSocketAddress address() {
        return engine.address();
    }

    /** The port the server listens on (the chosen one when built with port 0). */
    public int port() {
        return engine.port();
    }

    /** The open session with this id (see {@link ServerSession#id()}), if there is one. */
    public Optional<ServerSession> session(String id) {
        Session s = engine.session(Objects.requireNonNull(id, "id"));
        return s != null && s.isOpen() ? Optional.of(s) : Optional.empty();
    }

    /** Every open session, at this moment. */
    public List<ServerSession> sessions() {
        List<ServerSession> open = new ArrayList<>();
        for (Session s : engine.registered()) {
            if (s.isOpen()) {
                open.add(s);
            }
        }
        return open;
    }

    /** The group named {@code name}, created empty on first use. */
    public ServerGroup group(String name) {
        Objects.requireNonNull(name, "name");
        return groups.computeIfAbsent(name, n -> new ServerGroup(n, this));
    }

    /**
     * Pushes {@code payload} to every open session, encoded once per event loop.
     *
     * @return the number of sessions it was handed to
     */
    public int broadcast(String topic, byte[] payload) {
        return engine.broadcast(topic, payload);
    }

    /** A snapshot of the server's counters and memory use, for the application's metrics. */
    public ServerMetrics metrics() {
        return new ServerMetrics(engine.stats(), engine.memoryBudget(), engine.memoryInUse());
    }

    /**
     * Drains gracefully: stops accepting, sends GO_AWAY to every session (the SDK reconnects elsewhere or
     * after the hint), answers the requests in flight, and closes each session once it has none; at
     * {@code deadline} it closes whatever is left. Idempotent (a second call returns the first one's future).
     *
     * @return completes when every connection and thread of the server has ended
     */
    public CompletableFuture<Void> drain(Duration deadline) {
        Objects.requireNonNull(deadline, "deadline");
        if (deadline.isNegative()) {
            throw new IllegalArgumentException("deadline must not be negative: " + deadline);
        }
        return engine.drain(deadline);
    }

    /** Closes every connection at once (no GO_AWAY) and waits, at most ten seconds, until the server's threads ended. */
    public void stop() {
        engine.closeNow();
        try {
            engine.terminationFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // the threads are daemons; nothing else is held
        }
    }

    /** {@link #drain} with the builder's {@link Builder#drainTimeout}, and wait for it. */
    @Override
    public void close() {
        engine.close();
    }

    /** Completes when the server has ended (after {@link #drain}, {@link #close()} or {@link #stop()}). */
    public CompletableFuture<Void> terminationFuture() {
        return engine.terminationFuture();
    }

    @Override
    public String toString() {
        return "TetherServer[" + engine.address() + ", sessions=" + engine.openConnections() + "]";
    }

    /**
     * The settings of a {@link TetherServer}. Each setter checks its value at once and names it in the
     * exception; the defaults are {@link ReferenceServer}'s constants, the same as {@code loadtool server}'s.
     */
    public static final class Builder {
        private final ServerBuilder settings = new ServerBuilder();
        private ServerHandler handler;
        private Authenticator authenticator = Authenticator.acceptAll();
        private Executor executor;

        private Builder() {
        }

        /** What answers requests and hears about sends and sessions. Required. */
        public Builder handler(ServerHandler handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /** Who may connect; default {@link Authenticator#acceptAll()}. */
        public Builder authenticator(Authenticator authenticator) {
            this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
            return this;
        }

        /**
         * Where the handler and the authenticator run; default {@code null}: on the session's event loop, which is
         * fastest but must never block (like gRPC's {@code directExecutor()}). With an executor, one session's calls
         * still run one at a time and in order, and a handler that blocks delays only its own session: the event
         * loops go on reading, writing and answering every other session. The server does not shut the executor down.
         */
        public Builder handlerExecutor(Executor executor) {
            this.executor = executor;
            return this;
        }

        /** The address to listen on; default {@value ReferenceServer#DEFAULT_HOST} (loopback only). */
        public Builder host(String host) {
            settings.host(host);
            return this;
        }

        /** The port to listen on, 0 for any free one; default {@value ReferenceServer#DEFAULT_PORT}. */
        public Builder port(int port) {
            settings.port(port);
            return this;
        }

        /** Whether to bind with {@code SO_REUSEPORT} (several processes on one port; Linux); default false. */
        public Builder reusePort(boolean reuse) {
            settings.reusePort(reuse);
            return this;
        }

        /** How long a new connection has to send its hello (and be authenticated); default 10 s. Must be positive. */
        public Builder handshakeTimeout(Duration timeout) {
            settings.handshakeTimeout(timeout);
            return this;
        }

        /** The heartbeat interval announced in the WELCOME; default 30 s. */
        public Builder heartbeatInterval(Duration interval) {
            settings.heartbeatInterval(interval);
            return this;
        }

        /**
         * How long a session may send nothing before it is evicted ({@link CloseReason#IDLE_TIMEOUT}); default three
         * heartbeat intervals; {@link Duration#ZERO} turns eviction off; otherwise longer than the heartbeat interval.
         */
        public Builder idleTimeout(Duration timeout) {
            settings.idleTimeout(timeout);
            return this;
        }

        /** The most connections open at once; default {@value ReferenceServer#DEFAULT_MAX_CONNECTIONS}. */
        public Builder maxConnections(int max) {
            settings.maxConnections(max);
            return this;
        }

        /** The largest frame accepted after the handshake, in bytes, announced in the WELCOME; default 1 MiB. */
        public Builder maxFrameLength(int bytes) {
            settings.maxFrameLength(bytes);
            return this;
        }

        /**
         * The most bytes that may queue for one session (pushes, answers) before it is closed as a slow consumer;
         * default 4 MiB, at least the max frame length. This is what keeps one slow member from holding up a group.
         */
        public Builder maxPendingBytesPerConnection(long bytes) {
            settings.maxPendingBytesPerConnection(bytes);
            return this;
        }

        /**
         * The most bytes the server holds for all its connections together; default
         * {@link ReferenceServer#defaultMemoryBudget()}. See {@link ReferenceServer.Builder#memoryBudget}.
         */
        public Builder memoryBudget(long bytes) {
            settings.memoryBudget(bytes);
            return this;
        }

        /** The most handshakes welcomed per second; default 0 (no limit). See {@link ReferenceServer.Builder#maxHandshakeRate}. */
        public Builder maxHandshakeRate(double handshakesPerSecond) {
            settings.maxHandshakeRate(handshakesPerSecond);
            return this;
        }

        /** How long {@link TetherServer#close()} and {@link ServerSession#close} wait for requests in flight; default 30 s. */
        public Builder drainTimeout(Duration timeout) {
            settings.drainTimeout(timeout);
            return this;
        }

        /** The reconnect-after hint sent in GO_AWAY (drains and {@link ServerSession#close}); default 1 s. */
        public Builder reconnectAfter(Duration hint) {
            settings.reconnectAfter(hint);
            return this;
        }

        /**
         * Serves TLS with this certificate and key (and, optionally, client-certificate authentication); default
         * {@code null}: plaintext. See {@link ServerTls}.
         */
        public Builder tls(ServerTls tls) {
            settings.tls(tls);
            return this;
        }

        /**
         * Connections that may wait to be accepted ({@code SO_BACKLOG}); default {@value ReferenceServer#DEFAULT_BACKLOG}.
         * The kernel grants at most {@code net.core.somaxconn}.
         */
        public Builder backlog(int connections) {
            settings.backlog(connections);
            return this;
        }

        /** I/O threads serving the connections; default the number of processors. */
        public Builder eventLoopThreads(int threads) {
            settings.eventLoopThreads(threads);
            return this;
        }

        /** Whether to use Netty's native transport (epoll on Linux) when available; default true. */
        public Builder nativeTransport(boolean useNative) {
            settings.nativeTransport(useNative);
            return this;
        }

        /**
         * Binds and starts serving.
         *
         * @throws IllegalStateException if no handler was set
         * @throws IllegalArgumentException if settings contradict each other (the message names them)
         * @throws java.io.UncheckedIOException naming the address if it cannot bind
         */
        public TetherServer start() {
            if (handler == null) {
                throw new IllegalStateException("no handler: set one with TetherServer.builder().handler(...)");
            }
            return new TetherServer(settings.settings(), handler, authenticator, executor);
        }
    }
}
