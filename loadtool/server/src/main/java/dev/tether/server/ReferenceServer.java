package dev.tether.server;

import dev.tether.client.netty.FrameDecoder;
import dev.tether.client.netty.FrameEncoder;
import dev.tether.client.netty.Transport;
import dev.tether.protocol.ErrorCode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.unix.UnixChannelOption;
import java.net.StandardSocketOptions;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Tether reference server: a real server for load runs and for developing clients against.
 *
 * <p>It is the engine every server of this package runs on, serving its reference application: requests
 * are echoed (after a simulated {@link ServiceTime}, or failed at {@link Builder#errorRate}), hellos are
 * checked against one shared token, pushes go to everyone. To serve your own logic, build a
 * {@link TetherServer} instead: same engine, same settings, your {@link ServerHandler} and {@link Authenticator}.
 *
 * <h2>Start, use, stop</h2>
 * <pre>{@code
 * try (ReferenceServer server = ReferenceServer.builder()
 *         .port(0)                                        // any free port
 *         .serviceTime(ServiceTime.parse("exp:2ms"))      // simulated work, off the event loop's back
 *         .start()) {
 *     System.out.println("listening on " + server.address());
 *     ...
 * }                                                       // close(): graceful drain
 * }</pre>
 *
 * <h2>What a connection goes through</h2>
 * <ol>
 *   <li>Accepted, unless {@link Builder#maxConnections} are open or the {@link Builder#memoryBudget} is
 *       full (then ERROR {@code SERVER_FULL} and close).</li>
 *   <li>With {@link Builder#tls}: the TLS handshake, within the handshake timeout; one that fails closes the
 *       connection quietly and counts in {@link ServerStats#tlsHandshakeFailures()}.</li>
 *   <li>The first frame must be a HELLO of at most {@value #MAX_HANDSHAKE_FRAME_LENGTH} bytes, within
 *       {@link Builder#handshakeTimeout}; anything else gets ERROR {@code NOT_READY}, a larger frame
 *       {@code FRAME_TOO_LARGE}, silence {@code HANDSHAKE_TIMEOUT}, a wrong token {@code AUTH_FAILED} (later
 *       and later for repeated failures from one address); each closes the connection and nothing the peer
 *       sent is served.</li>
 *   <li>WELCOME: the protocol version (the lower of the client's maximum and 2), the session id, the
 *       heartbeat interval and the maximum frame length; to a version-2 client, unless {@link Builder#sessionTtl}
 *       is zero, a resume token too (see below).</li>
 *   <li>Requests are echoed (or answered with a simulated error, see {@link Builder#errorRate}), pings are
 *       ponged, sends are counted, pushes are fanned out at {@link Builder#pushRate}.</li>
 *   <li>On {@link #drain()}: GO_AWAY; requests already in flight are answered, requests that arrive after
 *       it get ERROR {@code DRAINING} (not processed, safe to retry elsewhere), a hello gets ERROR
 *       {@code DRAINING}; each connection closes once nothing is in flight (after a short grace for
 *       requests already on the wire) or at the drain timeout.</li>
 *   <li>A session that sends nothing for {@link Builder#idleTimeout} is evicted (ERROR {@code IDLE_TIMEOUT});
 *       one that stops reading while more than {@link Builder#maxPendingBytesPerConnection} bytes queue up
 *       for it is dropped ({@code SLOW_CONSUMER}); one that breaks the protocol gets {@code PROTOCOL_ERROR}
 *       or {@code FRAME_TOO_LARGE}; one whose client sends ERROR with id 0 is closed. Only that connection
 *       is affected. An error close sends the ERROR, then FIN, and drops what still arrives until the peer
 *       closes (at most two seconds), so that a reset cannot destroy the error.</li>
 * </ol>
 *
 * <h2>Session resumption (protocol version 2)</h2>
 * Sends and pushes carry per-session sequences. Sends are delivered once, in order: a duplicate (sent again
 * after a reconnect) is dropped and counted, and one cumulative ACK per read batch tells the client what
 * arrived. Pushes stay in the session's replay window until the client's ACK covers them (bounded by
 * {@link Builder#replayWindowMessages}, {@link Builder#replayWindowBytes} and {@link Builder#replayWindowAge}).
 * When the socket goes, the session is kept for {@link Builder#sessionTtl} and still collects pushes; a hello
 * with its token resumes it (same session id; a still-open old socket is taken over and closed), learns what the
 * server has and lacks, and gets the pushes it missed before anything new. Detached sessions count against the
 * memory budget and are the first to go under pressure, the longest detached first. Each session is cleaned
 * up exactly once: resumed sessions are not new sessions, and expired or evicted ones are gone for good.
 *
 * <p>While a connection cannot take more bytes (its outbound buffer passed the high-water mark) the server
 * stops reading from it, so a client that writes requests and never reads the answers cannot make the
 * server buffer without bound. Everything the server holds for its connections together is bounded by the
 * {@linkplain Builder#memoryBudget memory budget}, which pauses and then sheds the connections that hold
 * the most, so that well-behaved clients keep being served under attack.
 *
 * <p>Timeouts are checked by one sweep over the registry (a tenth of the shortest timeout apart,
 * between 10 ms and 1 s) instead of a timer per connection: an idle connection costs no scheduled task.
 *
 * <p>Thread-safe. Every method may be called from any thread except an event-loop thread of this server
 * for the blocking {@link #close()}.
 */
public final class ReferenceServer implements AutoCloseable {
    /** Default listen address: loopback only; use {@code 0.0.0.0} to accept from other machines. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Default port. */
    public static final int DEFAULT_PORT = 7000;
    /**
     * Default listen backlog: as many connections waiting to be accepted as the kernel allows (Linux grants at most
     * {@code net.core.somaxconn}, see {@link #somaxconn()}), so that raising that limit is all a busy ramp needs.
     */
    public static final int DEFAULT_BACKLOG = 65_535;
    /** Default handshake timeout: 10 s. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /** Default heartbeat interval announced in the WELCOME: 30 s (the SDK's default). */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(30);
    /**
     * The default idle timeout is this many heartbeat intervals (of the interval in force), as PROTOCOL.md §7
     * recommends: long enough that a client which pings every interval is never evicted.
     */
    public static final int IDLE_TIMEOUT_HEARTBEATS = 3;
    /** Default idle timeout: {@value #IDLE_TIMEOUT_HEARTBEATS} heartbeat intervals, 90 s with the default interval. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = defaultIdleTimeout(DEFAULT_HEARTBEAT_INTERVAL);
    /** Default connection limit. */
    public static final int DEFAULT_MAX_CONNECTIONS = 100_000;
    /** Default payload size of the pushes sent at {@link Builder#pushRate}: 64 bytes. */
    public static final int DEFAULT_PUSH_SIZE = 64;
    /** Default drain timeout: 30 s. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
    /** Default reconnect-after hint carried by GO_AWAY: 1 s. */
    public static final Duration DEFAULT_RECONNECT_AFTER = Duration.ofSeconds(1);
    /** Default bound on the bytes queued for one connection before it is dropped as a slow consumer: 4 MiB. */
    public static final long DEFAULT_MAX_PENDING_BYTES = 4L << 20;
    /** The smallest default memory budget: 16 MiB. */
    public static final long MIN_DEFAULT_MEMORY_BUDGET = 16L << 20;
    /**
     * The largest frame accepted before the handshake: 4 KiB. A HELLO needs a few hundred bytes (a client id
     * and a token of up to about 1.5 KiB each still fit); the full {@link Builder#maxFrameLength} applies
     * once the WELCOME is sent, so a peer that has not authenticated cannot make the server buffer a large frame.
     */
    public static final int MAX_HANDSHAKE_FRAME_LENGTH = 4096;

    /** Default time a resumable session is kept after its socket goes: 2 min. */
    public static final Duration DEFAULT_SESSION_TTL = Duration.ofMinutes(2);
    /** Default bound on the pushes a session's replay window holds: 1024. */
    public static final int DEFAULT_REPLAY_WINDOW_MESSAGES = 1024;
    /** Default bound on the payload bytes a session's replay window holds: 256 KiB. */
    public static final long DEFAULT_REPLAY_WINDOW_BYTES = 256L << 10;
    /** Default bound on the age of the pushes in a replay window: 2 min. */
    public static final Duration DEFAULT_REPLAY_WINDOW_AGE = Duration.ofMinutes(2);

    /** The idle timeout used when none is set: {@value #IDLE_TIMEOUT_HEARTBEATS} times {@code heartbeatInterval}. */
    public static Duration defaultIdleTimeout(Duration heartbeatInterval) {
        return heartbeatInterval.multipliedBy(IDLE_TIMEOUT_HEARTBEATS);
    }

    /**
     * The default memory budget: a quarter of the smaller of the JVM's maximum heap and maximum direct memory
     * (what Netty may allocate for buffers), at least {@value #MIN_DEFAULT_MEMORY_BUDGET} bytes. 64 MiB with
     * {@code -Xmx256m} and no {@code -XX:MaxDirectMemorySize} (direct memory then defaults to the heap size).
     * The rest is headroom for the allocator's pooling, decoded messages in transit and the JVM itself.
     */
    public static long defaultMemoryBudget() {
        return MemoryBudget.defaultLimit(Runtime.getRuntime().maxMemory(), PlatformDependent.maxDirectMemory(),
                MIN_DEFAULT_MEMORY_BUDGET);
    }

    /** How long a connection may wait for its handshake before memory pressure may shed it first. */
    static final Duration SHED_UNAUTHENTICATED_AFTER = Duration.ofSeconds(1);
    /**
     * Default handshake-rate limit: 0, none. The rate a server can welcome depends on its cores, on TLS and
     * on what else it serves (from about a thousand to tens of thousands a second): a fixed default would
     * either slow down every recovery of a big server or protect a small one too little. The SDK spreads its
     * reconnects by itself; set the limit to the steady rate measured with {@code loadtool run}.
     */
    public static final double DEFAULT_MAX_HANDSHAKE_RATE = 0;

    /** Outbound bytes queued above which a connection counts as not writable (and is not read from). */
    static final int HIGH_WATER_MARK = 64 * 1024;
    static final int LOW_WATER_MARK = 32 * 1024;
    /** The largest buffer one socket read fills, and the most one read batch takes from a connection. */
    static final int READ_BUFFER_MAX = 64 * 1024;
    static final int READ_BATCH_BYTES = 128 * 1024;
    /**
     * After GO_AWAY, how long a session stays open at least, so that requests the client wrote before it
     * read the go-away get a DRAINING answer rather than a reset connection.
     */
    static final Duration DRAIN_GRACE = Duration.ofMillis(250);

    private static final System.Logger LOG = System.getLogger(ReferenceServer.class.getName());

    final ServerSettings settings;
    /** What is served: the reference echo application, or the one a {@link TetherServer} was built with. */
    final Application app;
    final ServerCounters counters = new ServerCounters();
    final HandshakeAdmission admission;
    final AuthThrottle authThrottle;
    final MemoryBudget budget;
    /** Resumable sessions, attached and detached (session resumption, PROTOCOL.md §13). */
    final SessionStore store;
    private final AtomicBoolean shedScheduled = new AtomicBoolean();
    /** Whether the last shedding pass found nobody to shed: then a full budget refuses new connections. */
    private volatile boolean nothingToShed;
    private final ConcurrentHashMap<String, Session> registry = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong nextSessionId = new AtomicLong();
    private final String sessionIdPrefix;
    private final long startNanos;
    private final Instant startInstant;
    private final Transport transport;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel serverChannel;
    private final InetSocketAddress address;
    private final byte[] pushPayload;
    private final AtomicBoolean drainStarted = new AtomicBoolean();
    private final AtomicBoolean shutdownStarted = new AtomicBoolean();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private volatile boolean draining;
    /** Set when connections are closed at once (closeNow, or a drain past its deadline). */
    private volatile boolean stopping;
    private volatile ScheduledFuture<?> sweeper;
    private volatile ScheduledFuture<?> pusher;
    private volatile ScheduledFuture<?> drainDeadline;
    /** Pipeline names of the TLS handler, of {@link TlsFailures} behind it and of its {@code Linger} in front. */
    static final String TLS = "tls";
    static final String TLS_LINGER = "tls-linger";
    static final String TLS_FAILURES = "tls-failures";
    /** Shared by every connection; {@code null} without TLS. */
    private final TlsFailures tlsFailures;

    /** A builder with every setting at its default. */
    public static Builder builder() {
        return new ServerBuilder();
    }

    /**
     * This machine's cap on every listen backlog ({@code /proc/sys/net/core/somaxconn}, per network namespace), or -1
     * where it cannot be read (not Linux).
     */
    public static int somaxconn() {
        try {
            // In one read: a sysctl file answers only reads from its start (Files.readString would get one byte).
            try (java.io.BufferedReader r = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of("/proc/sys/net/core/somaxconn"))) {
                return Integer.parseInt(r.readLine().trim());
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The listen backlog in force: the one asked for, capped by {@link #somaxconn()} where that is known. */
    public int backlog() {
        int cap = somaxconn();
        return cap > 0 ? Math.min(settings.backlog(), cap) : settings.backlog();
    }

    static ReferenceServer start(ServerSettings settings) {
        return new ReferenceServer(settings, Application.reference(settings));
    }

    /** Starts the engine serving {@code app} instead of the reference application (what {@link TetherServer} does). */
    static ReferenceServer start(ServerSettings settings, Application app) {
        return new ReferenceServer(settings, app);
    }

    private ReferenceServer(ServerSettings settings, Application app) {
        this.settings = settings;
        this.app = app;
        this.admission = new HandshakeAdmission(settings.maxHandshakeRate(), settings.ticker());
        this.sessionIdPrefix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000)) + "-";
        this.startNanos = settings.ticker().nanoTime();
        this.startInstant = settings.clock().instant();
        this.pushPayload = new byte[settings.pushSize()];
        this.transport = Transport.choose(settings.nativeTransport());
        this.budget = new MemoryBudget(settings.memoryBudget());
        this.tlsFailures = settings.tls() == null ? null : new TlsFailures(counters);
        this.store = new SessionStore(settings, counters, budget, this::shedSoon);
        this.authThrottle = new AuthThrottle(settings.ticker()::nanoTime, settings.authFailureDelayStep(),
                settings.maxAuthFailureDelay(), AuthThrottle.FORGET_AFTER, AuthThrottle.DEFAULT_MAX_SOURCES);
        InetSocketAddress bindAddress = new InetSocketAddress(settings.host(), settings.port());
        if (bindAddress.isUnresolved()) {
            throw new UncheckedIOException("cannot listen on " + settings.host() + ":" + settings.port()
                    + ": not an IP address, nor a name that resolves to one", new java.net.UnknownHostException(settings.host()));
        }
        IoHandlerFactory io = transport.ioHandlerFactory();
        Class<? extends ServerChannel> channelType = transport.serverSocketChannelClass();
        this.boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("tether-server-accept", true), io);
        this.workers = new MultiThreadIoEventLoopGroup(settings.eventLoopThreads(), new DefaultThreadFactory("tether-server-io", true), io);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, settings.backlog())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(LOW_WATER_MARK, HIGH_WATER_MARK))
                // At most READ_BATCH_BYTES per read batch: the memory budget is consulted between batches, so this
                // bounds how far one connection can get ahead of it (Netty's default allows 16 x 64 KiB).
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(64, 2048, READ_BUFFER_MAX)
                        .maxMessagesPerRead(READ_BATCH_BYTES / READ_BUFFER_MAX))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        initSessionPipeline(ch);
                    }
                });
        if (settings.reusePort()) {
            // The native transports share the Unix option; NIO has the JDK's (Linux and macOS).
            if (transport.isNative()) {
                bootstrap.option(UnixChannelOption.SO_REUSEPORT, true);
            } else {
                bootstrap.option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true);
            }
        }
        try {
            this.serverChannel = bootstrap.bind(bindAddress).syncUninterruptibly().channel();
        } catch (Exception e) { // Netty rethrows the bind failure (an IOException) unchecked
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            String reason = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            throw new UncheckedIOException("cannot listen on " + settings.host() + ":" + settings.port() + ": " + reason,
                    e instanceof IOException io2 ? io2 : new IOException(e));
        }
        this.address = (InetSocketAddress) serverChannel.localAddress();
        long sweep = settings.sweepIntervalNanos();
        this.sweeper = boss.next().scheduleAtFixedRate(this::sweep, sweep, sweep, TimeUnit.NANOSECONDS);
        if (settings.pushRate() > 0) {
            startPushing(settings.pushRate());
        }
    }

    /**
     * Installs the session pipeline: the SDK's frame codec counting into the session (the decoder with the {@linkplain #MAX_HANDSHAKE_FRAME_LENGTH small limit} until the
     * handshake is done), then one {@link Session} handler.
     */
    void initSessionPipeline(Channel ch) {
        Session session = new Session(this, sessionIdPrefix + Long.toString(nextSessionId.incrementAndGet(), 36));
        ch.pipeline().addLast(Session.DECODER, new FrameDecoder(Math.min(MAX_HANDSHAKE_FRAME_LENGTH, settings.maxFrameLength()), session.counters))
                .addLast(Session.ENCODER, new FrameEncoder(session.counters))
                .addLast(Session.HANDLER, session);
        if (tlsFailures != null) {
            addTls(ch);
        }
    }

    /**
     * With {@link Builder#tls}: TLS in front of everything, so the session sees only plaintext, and behind it the
     * handler that counts and quietly closes failed handshakes. The TLS handshake has the hello's deadline.
     */
    private void addTls(Channel ch) {
        SslHandler tls = settings.tls().context().newHandler(ch.alloc());
        tls.setHandshakeTimeout(settings.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        ch.pipeline().addFirst(TLS_FAILURES, tlsFailures).addFirst(TLS, tls).addFirst(TLS_LINGER, new TlsFailures.Linger(tls));
    }

    /** The port the server listens on (the chosen one when built with port 0). */
    public int port() {
        return address.getPort();
    }

    /** The address the server listens on. */
    public InetSocketAddress address() {
        return address;
    }

    /** Whether the server runs on a Netty native transport (epoll on Linux; otherwise Java NIO). */
    public boolean nativeTransport() {
        return transport.isNative();
    }

    /** The Netty transport the server runs on, by name: {@code "epoll"}, {@code "nio"}, ... */
    public String transport() {
        return transport.name();
    }

    /** Whether connections must speak TLS (see {@link Builder#tls}). */
    public boolean usesTls() {
        return settings.tls() != null;
    }

    /** The memory budget in force, in bytes (see {@link Builder#memoryBudget}). */
    public long memoryBudget() {
        return budget.limit;
    }

    /** The bytes the server holds for its connections right now, as counted against {@link #memoryBudget()}. */
    public long memoryInUse() {
        return budget.used();
    }

    /** A snapshot of the server's counters; cheap enough to take every second. */
    public ServerStats stats() {
        return counters.snapshot(open.get(), store.detachedCount(), registry.values());
    }

    /** A snapshot of the connection registry: every open connection, handshake pending or not. */
    public List<SessionInfo> sessions() {
        List<SessionInfo> out = new ArrayList<>(registry.size());
        for (Session s : registry.values()) {
            out.add(s.info());
        }
        return out;
    }

    /**
     * Pushes {@code payload} to every session past its handshake, now, stamped with the server's wall clock.
     * Protocol v1 has no subscriptions: {@code topic} is carried in the PUSH frame and every session gets it.
     * A resumable session gets it with its next sequence and keeps it in its replay window until its client
     * acknowledges it; a detached one (its socket gone, the session kept for its time-to-live) gets it in the
     * window only, and is written it when it resumes. The payload is encoded once for all sessions.
     *
     * @param topic the topic written in the frame, or {@code null} for none
     * @param payload the bytes to push (copied once into a buffer every session shares)
     * @return the number of sessions the push was handed to (detached sessions included)
     */
    public int broadcast(String topic, byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        OutboundPush push = OutboundPush.encode(ByteBufAllocator.DEFAULT, topic, nowMicros(), payload); // checks the topic
        try {
            return publish(new OutboundPush[] {push});
        } finally {
            push.release();
        }
    }

    /**
     * Drains gracefully: stops accepting, sends GO_AWAY (with the {@link Builder#reconnectAfter} hint) to
     * every session, lets requests in flight finish for up to {@link Builder#drainTimeout}, then closes
     * every connection and the server's threads. Idempotent.
     *
     * @return completes when everything is closed
     */
    public CompletableFuture<Void> drain() {
        return drain(settings.drainTimeout());
    }

    /** {@link #drain()} with {@code timeout} in place of the {@link Builder#drainTimeout}. */
    CompletableFuture<Void> drain(Duration timeout) {
        if (!drainStarted.compareAndSet(false, true)) {
            return terminated;
        }
        draining = true;
        cancel(pusher);
        serverChannel.close().addListener(f -> {
            for (Session s : registry.values()) {
                s.executor().execute(s::goAway);
            }
            if (registry.isEmpty()) {
                shutdown();
                return;
            }
            try {
                drainDeadline = boss.next().schedule(this::forceCloseAll, timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // The last session left meanwhile and the server is already shutting down.
            }
        });
        return terminated;
    }

    /**
     * {@link #drain()} and wait for it, at most the drain timeout plus a few seconds. Idempotent; never
     * throws.
     */
    @Override
    public void close() {
        CompletableFuture<Void> done = drain();
        if (onOwnThread()) {
            return; // waiting here would wait for ourselves
        }
        try {
            done.get(settings.drainTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "reference server did not close in time: " + e);
            closeNow();
        }
    }

    /** Closes every connection and the listener at once, without GO_AWAY or waiting. Idempotent. */
    public void closeNow() {
        drainStarted.set(true);
        draining = true;
        cancel(pusher);
        serverChannel.close();
        forceCloseAll();
    }

    /** Completes when the server has closed (after {@link #drain()}, {@link #close()} or {@link #closeNow()}). */
    public CompletableFuture<Void> terminationFuture() {
        return terminated;
    }

    // ---- called by sessions (on their event loop) ----

    /** Why a connection was refused: the error sent before the close. */
    record Refusal(ErrorCode code, String text) {
    }

    /** Admits a newly accepted connection into the registry, or says why it is refused. */
    Refusal admit(Session s) {
        if (draining) {
            return new Refusal(ErrorCode.DRAINING, "server is draining; connect to another instance");
        }
        if (budget.exhausted()) {
            shedSoon();
        }
        if (budget.exhausted() && nothingToShed) {
            // Shedding cannot make room (only well-behaved sessions, or handshakes too young to judge): refuse.
            counters.rejectedFull.increment();
            return new Refusal(ErrorCode.SERVER_FULL, "server is short of memory (memory budget " + budget.limit
                    + " bytes in use); retry later");
        }
        for (;;) {
            int n = open.get();
            if (n >= settings.maxConnections()) {
                counters.rejectedFull.increment();
                int max = settings.maxConnections();
                return new Refusal(ErrorCode.SERVER_FULL, "server is full: " + max + (max == 1 ? " connection" : " connections")
                        + " open (maxConnections); retry later");
            }
            if (open.compareAndSet(n, n + 1)) {
                break;
            }
        }
        registry.put(s.id, s);
        if (draining) {
            s.executor().execute(s::goAway); // drain began between the check and the put
        }
        return null;
    }

    /** Removes a session; the first call for it wins, any later one is a no-op. */
    void remove(Session s) {
        if (registry.remove(s.id, s)) {
            open.decrementAndGet();
            if (draining && registry.isEmpty() && !serverChannel.isOpen()) {
                shutdown();
            }
        }
    }

    /** Schedules one shedding pass on the sweeper's thread, unless one is already due. */
    void shedSoon() {
        if (shedScheduled.compareAndSet(false, true)) {
            try {
                boss.next().execute(this::shed);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                shedScheduled.set(false); // shutting down: nothing left to protect
            }
        }
    }

    /**
     * Gives memory back until the budget is back at its shed target: first detached sessions (kept for a
     * resume that may never come), the longest detached first; then it closes the worst offenders: connections
     * still in their handshake after {@link #SHED_UNAUTHENTICATED_AFTER}, oldest first, then the sessions holding
     * more than a fair share, biggest first. Well-behaved sessions hold less than a fair share and are never picked.
     */
    private void shed() {
        shedScheduled.set(false);
        long excess = budget.level() - budget.shedTarget();
        if (excess <= 0) {
            return;
        }
        long now = settings.ticker().nanoTime();
        long fairShare = budget.fairShare(open.get());
        List<Session> unauthenticated = new ArrayList<>();
        List<Session> heavy = new ArrayList<>();
        for (Session s : registry.values()) {
            SessionInfo.State st = s.state;
            if (st == SessionInfo.State.HANDSHAKING && now - s.connectedNanos() >= SHED_UNAUTHENTICATED_AFTER.toNanos()) {
                unauthenticated.add(s);
            } else if (st != SessionInfo.State.CLOSING && s.heldBytes() > fairShare) {
                heavy.add(s);
            }
        }
        List<ResumableSession> detached = store.detachedOldestFirst();
        nothingToShed = detached.isEmpty() && unauthenticated.isEmpty() && heavy.isEmpty();
        for (ResumableSession d : detached) {
            if (excess <= 0) {
                return;
            }
            excess -= store.evict(d);
        }
        unauthenticated.sort(java.util.Comparator.comparingLong(Session::connectedNanos));
        heavy.sort(java.util.Comparator.comparingLong(Session::heldBytes).reversed());
        for (List<Session> group : List.of(unauthenticated, heavy)) {
            for (Session s : group) {
                if (excess <= 0) {
                    return;
                }
                excess -= s.heldBytes();
                s.executor().execute(s::shed);
            }
        }
    }

    private boolean onOwnThread() {
        for (EventExecutor e : workers) {
            if (e.inEventLoop()) {
                return true;
            }
        }
        return boss.next().inEventLoop();
    }

    int openConnections() {
        return open.get();
    }

    boolean isDraining() {
        return draining;
    }

    /** Whether connections are being closed at once (see {@link CloseReason#SERVER_STOPPED}). */
    boolean isStopping() {
        return stopping;
    }

    /** The session with {@code id} in the registry (handshake pending or not), or null. */
    Session session(String id) {
        Session s = registry.get(id);
        if (s != null && !s.isResumable()) {
            return s;
        }
        // A resumed session keeps the id its client was first given, which its new connection's registry key is not.
        for (Session c : registry.values()) {
            if (c.isResumable() && c.state == SessionInfo.State.OPEN && c.sessionId().equals(id)) {
                return c;
            }
        }
        return s;
    }

    /** The registry's sessions: a weakly consistent view. */
    Iterable<Session> registered() {
        return registry.values();
    }

    Instant toInstant(long tickerNanos) {
        return startInstant.plusNanos(tickerNanos - startNanos);
    }

    long nowMicros() {
        Instant now = settings.clock().instant();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** Test seam: runs one timeout sweep now (on the sweeper's thread); completes when it has been dispatched. */
    CompletableFuture<Void> sweepNow() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        boss.next().execute(() -> {
            sweep();
            done.complete(null);
        });
        return done;
    }

    // ---- internals ----

    private void sweep() {
        long now = settings.ticker().nanoTime();
        for (Session s : registry.values()) {
            s.sweep(now);
        }
        store.sweep(now);
    }

    private void startPushing(double perSecond) {
        long periodNanos = Math.max(1_000_000L, (long) (1e9 / perSecond));
        double perTick = perSecond * periodNanos / 1e9;
        double[] owed = {0};
        pusher = boss.next().scheduleAtFixedRate(() -> {
            owed[0] += perTick;
            int n = (int) owed[0];
            if (n > 0) {
                owed[0] -= n;
                pushToAll(settings.pushTopic(), pushPayload, n);
            }
        }, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    /** Hands {@code times} pushes of {@code payload} to every session, encoded once each. */
    private void pushToAll(String topic, byte[] payload, int times) {
        if (registry.isEmpty() && store.size() == 0) {
            return; // nobody to push to: encode nothing
        }
        OutboundPush[] pushes = new OutboundPush[times];
        try {
            for (int i = 0; i < times; i++) {
                pushes[i] = OutboundPush.encode(ByteBufAllocator.DEFAULT, topic, nowMicros(), payload);
            }
            publish(pushes);
        } finally {
            for (OutboundPush p : pushes) {
                if (p != null) {
                    p.release();
                }
            }
        }
    }

    /**
     * Adds {@code pushes} to every resumable session's window (here, so that a session moving to another
     * connection meanwhile cannot miss them), then has each event loop write to its open sessions what they
     * have not been written yet: one task per event loop, not one per session.
     *
     * @return the sessions reached: resumable ones (detached included) and open ones without resumption
     */
    private int publish(OutboundPush[] pushes) {
        int reached = store.offer(pushes, settings.ticker().nanoTime());
        boolean anyOpen = false;
        for (Session s : registry.values()) {
            if (s.state == SessionInfo.State.OPEN) {
                anyOpen = true;
                if (!s.isResumable()) {
                    reached++;
                }
            }
        }
        if (anyOpen) {
            for (EventExecutor loop : workers) {
                handOff(loop, pushes, () -> writeLocal(loop, pushes));
            }
        }
        return reached;
    }

    /**
     * Pushes to some sessions only (one session, a group): the payload encoded once, added to the replay window of
     * each resumable target, and written by each target's event loop, one hand-off per loop. Returns how many
     * targets it was handed to; never blocks.
     */
    int publishTo(Collection<Session> targets, String topic, byte[] payload) {
        OutboundPush push = OutboundPush.encode(ByteBufAllocator.DEFAULT, topic, nowMicros(), payload); // checks the topic
        OutboundPush[] pushes = {push};
        try {
            long now = settings.ticker().nanoTime();
            Map<EventExecutor, List<Session>> byLoop = new HashMap<>();
            int reached = 0;
            for (Session s : targets) {
                if (s.offer(push, now)) {
                    byLoop.computeIfAbsent(s.executor(), k -> new ArrayList<>()).add(s);
                    reached++;
                }
            }
            for (Map.Entry<EventExecutor, List<Session>> e : byLoop.entrySet()) {
                List<Session> mine = e.getValue();
                boolean handed = handOff(e.getKey(), pushes, () -> {
                    for (Session s : mine) {
                        s.writePushes(pushes);
                    }
                });
                if (!handed) {
                    reached -= mine.size();
                }
            }
            return reached;
        } finally {
            push.release();
        }
    }

    /** On {@code loop}: writes {@code pushes} (or what their windows hold for them) to this loop's open sessions. */
    private void writeLocal(EventExecutor loop, OutboundPush[] pushes) {
        for (Session s : registry.values()) {
            if (s.executor() == loop && s.state == SessionInfo.State.OPEN) {
                s.writePushes(pushes);
            }
        }
    }

    /**
     * Runs {@code writes} on {@code loop} with {@code pushes} retained for it and released after, whatever happens;
     * returns false (and releases at once) if the loop has shut down.
     */
    private static boolean handOff(EventExecutor loop, OutboundPush[] pushes, Runnable writes) {
        for (OutboundPush p : pushes) {
            p.retain();
        }
        try {
            loop.execute(() -> {
                try {
                    writes.run();
                } finally {
                    release(pushes);
                }
            });
            return true;
        } catch (java.util.concurrent.RejectedExecutionException shutDown) {
            release(pushes);
            return false;
        }
    }

    private static void release(OutboundPush[] pushes) {
        for (OutboundPush p : pushes) {
            p.release();
        }
    }

    private void forceCloseAll() {
        stopping = true;
        List<io.netty.channel.ChannelFuture> closing = new ArrayList<>();
        for (Session s : registry.values()) {
            closing.add(s.channel().close());
        }
        if (closing.isEmpty()) {
            shutdown();
            return;
        }
        AtomicInteger left = new AtomicInteger(closing.size());
        for (io.netty.channel.ChannelFuture f : closing) {
            f.addListener(x -> {
                if (left.decrementAndGet() == 0) {
                    shutdown();
                }
            });
        }
    }

    private void shutdown() {
        if (!shutdownStarted.compareAndSet(false, true)) {
            return;
        }
        cancel(sweeper);
        cancel(pusher);
        cancel(drainDeadline);
        store.closeAll();
        io.netty.util.concurrent.Future<?> w = workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        io.netty.util.concurrent.Future<?> b = boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        w.addListener(x -> b.addListener(y -> terminated.complete(null)));
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    @Override
    public String toString() {
        return "ReferenceServer[" + address + ", " + transport + ", connections=" + open.get() + "]";
    }

    /** The server's application's view of one-way sends: see {@link Builder#onSend}. */
    @FunctionalInterface
    public interface SendListener {
        /** A send from the client that said {@code clientId} in its hello; {@code payload} is the listener's to keep. */
        void onSend(String clientId, byte[] payload);
    }

    /**
     * Settings of a {@link ReferenceServer}; every one is optional. Each setter checks its value at once
     * and names it in the exception.
     */
    public interface Builder {
        /** The address to listen on; default {@value ReferenceServer#DEFAULT_HOST}. */
        Builder host(String host);

        /** The port to listen on, 0 for any free one; default {@value ReferenceServer#DEFAULT_PORT}. */
        Builder port(int port);

        /**
         * How many connections may wait to be accepted ({@code SO_BACKLOG}); the kernel grants at most
         * {@link ReferenceServer#somaxconn()}. When the queue is full, Linux drops new SYNs and the clients send them
         * again only after 1 s, 3 s, 7 s... Default {@value ReferenceServer#DEFAULT_BACKLOG}. At least 1.
         */
        Builder backlog(int backlog);

        /**
         * Whether to bind with {@code SO_REUSEPORT}, so that several server processes (each started with it) listen
         * on one port and the kernel spreads new connections over them; default false. Linux.
         */
        Builder reusePort(boolean reuse);

        /**
         * The token every hello must carry; default none ({@code null}: any hello is accepted). An empty or blank
         * token is refused with {@link IllegalArgumentException}: it would look like "auth required" while an unset
         * variable quietly produced it.
         */
        Builder authToken(String token);

        /** How long a new connection has to send its hello; default 10 s. Must be positive. */
        Builder handshakeTimeout(Duration timeout);

        /**
         * How long a session may send nothing before it is evicted; default {@value ReferenceServer#IDLE_TIMEOUT_HEARTBEATS}
         * {@link #heartbeatInterval}s (90 s). {@link Duration#ZERO} turns eviction off. Otherwise it must be longer
         * than the heartbeat interval (PROTOCOL.md §7), or clients that ping every interval would be evicted;
         * {@link #start()} refuses a shorter one.
         */
        Builder idleTimeout(Duration timeout);

        /** The heartbeat interval announced in the WELCOME; default 30 s. */
        Builder heartbeatInterval(Duration interval);

        /** The most connections open at once (handshake pending or not); default {@value ReferenceServer#DEFAULT_MAX_CONNECTIONS}. */
        Builder maxConnections(int max);

        /** The largest frame accepted (length prefix value, bytes), announced in the WELCOME; default 1 MiB. */
        Builder maxFrameLength(int bytes);

        /** Simulated work per request; default {@link ServiceTime#NONE}. */
        Builder serviceTime(ServiceTime serviceTime);

        /** The fraction of requests, in [0, 1], answered with ERROR {@code APPLICATION_ERROR}; default 0. */
        Builder errorRate(double fraction);

        /** Pushes per second sent to every session; default 0 (off). */
        Builder pushRate(double pushesPerSecond);

        /** The topic written in the pushes of {@link #pushRate}; default none. */
        Builder pushTopic(String topic);

        /** The payload size of the pushes of {@link #pushRate}, in bytes; default {@value ReferenceServer#DEFAULT_PUSH_SIZE}. */
        Builder pushSize(int bytes);

        /** How long a drain waits for requests in flight before it closes everything; default 30 s. */
        Builder drainTimeout(Duration timeout);

        /** The reconnect-after hint sent in GO_AWAY; default 1 s. */
        Builder reconnectAfter(Duration hint);

        /**
         * The most bytes that may queue for one connection before it is dropped as a slow consumer; default
         * 4 MiB, at least the max frame length.
         */
        Builder maxPendingBytesPerConnection(long bytes);

        /**
         * The most handshakes welcomed per second, in bursts of at most a tenth of that; a hello over it is
         * answered {@code GO_AWAY(retry-after)} + ERROR {@code SERVER_BUSY} and closed, the hints spreading the
         * refused clients over the following seconds at this rate (PROTOCOL.md §6). Default
         * {@link ReferenceServer#DEFAULT_MAX_HANDSHAKE_RATE} (0: no limit).
         */
        Builder maxHandshakeRate(double handshakesPerSecond);

        /**
         * The most bytes the server holds for all its connections together: bytes received and not yet decoded,
         * bytes queued for peers, payloads of requests waiting for their service time, and
         * {@value MemoryBudget#SESSION_STATE_BYTES} bytes of state per connection, and the resumable sessions' replay
         * windows and state (see {@link #sessionTtl}). Default
         * {@link ReferenceServer#defaultMemoryBudget()}; at least {@link #maxPendingBytesPerConnection}.
         * With half of it in use the server stops reading from the connections that hold more than a fair share;
         * at 90 % it first evicts detached sessions (the longest detached first), then closes the worst offenders with
         * {@code SLOW_CONSUMER} (connections stuck in their handshake
         * first, oldest first, then the biggest holders); when it is full and there is nobody left to
         * shed, it refuses new connections with {@code SERVER_FULL}. Well-behaved clients keep being served throughout.
         */
        Builder memoryBudget(long bytes);

        /**
         * How long a session is kept after its socket goes, for its client to resume it (PROTOCOL.md §13); default
         * {@link ReferenceServer#DEFAULT_SESSION_TTL} (2 min). {@link Duration#ZERO} turns resumption off: the server
         * then answers version 2 without a resume token, and sends are not acknowledged nor pushes kept.
         * Detached sessions and their replay windows count against the {@link #memoryBudget}; under memory pressure
         * the oldest detached sessions are evicted before their time.
         */
        Builder sessionTtl(Duration ttl);

        /**
         * The most pushes a session's replay window holds until its client acknowledges them; default
         * {@value ReferenceServer#DEFAULT_REPLAY_WINDOW_MESSAGES}. Over it the oldest are dropped (counted in
         * {@link ServerStats#pushesDroppedFromWindow()}); a client that resumes without them is told how many it lost.
         */
        Builder replayWindowMessages(int messages);

        /**
         * The most payload bytes a session's replay window holds; default 256 KiB
         * ({@link ReferenceServer#DEFAULT_REPLAY_WINDOW_BYTES}); at most {@link #maxPendingBytesPerConnection}. The
         * newest push is kept even if it alone is larger.
         */
        Builder replayWindowBytes(long bytes);

        /** How long a push stays in a replay window at most; default 2 min ({@link ReferenceServer#DEFAULT_REPLAY_WINDOW_AGE}). Must be positive. */
        Builder replayWindowAge(Duration age);

        /**
         * Hands every send delivered to the server's application to {@code listener} as well, on the connection's
         * event loop (so keep it short): with resumption, each send once and in order, retransmissions dropped.
         * Default none (the server only counts sends).
         */
        Builder onSend(SendListener listener);

        /** I/O threads serving the connections; default the number of processors. */
        Builder eventLoopThreads(int threads);

        /** Whether to use a Netty native transport (epoll on Linux) when one is available; default true (NIO otherwise). */
        Builder nativeTransport(boolean useNative);

        /**
         * Serves TLS only, with this certificate and key (and, if it says so, client certificates); default
         * {@code null}: plaintext. See {@link ServerTls} for the file formats and what a failed handshake does.
         */
        Builder tls(ServerTls tls);

        /** Binds and starts serving. Throws {@link UncheckedIOException} naming the address if it cannot bind. */
        ReferenceServer start();
    }
}
