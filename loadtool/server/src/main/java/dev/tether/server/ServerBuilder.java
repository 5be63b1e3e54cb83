package dev.tether.server;

import dev.tether.protocol.Protocol;
import io.netty.util.concurrent.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/** The one implementation of {@link ReferenceServer.Builder}; checks each value as it is set. */
final class ServerBuilder implements ReferenceServer.Builder {
    private String host = ReferenceServer.DEFAULT_HOST;
    private int port = ReferenceServer.DEFAULT_PORT;
    private boolean reusePort;
    private String authToken;
    private Duration handshakeTimeout = ReferenceServer.DEFAULT_HANDSHAKE_TIMEOUT;
    private Duration idleTimeout;
    private Duration heartbeatInterval = ReferenceServer.DEFAULT_HEARTBEAT_INTERVAL;
    private int maxConnections = ReferenceServer.DEFAULT_MAX_CONNECTIONS;
    private int maxFrameLength = Protocol.DEFAULT_MAX_FRAME_LENGTH;
    private ServiceTime serviceTime = ServiceTime.NONE;
    private double errorRate;
    private double pushRate;
    private String pushTopic;
    private int pushSize = ReferenceServer.DEFAULT_PUSH_SIZE;
    private Duration drainTimeout = ReferenceServer.DEFAULT_DRAIN_TIMEOUT;
    private Duration reconnectAfter = ReferenceServer.DEFAULT_RECONNECT_AFTER;
    private long maxPendingBytes = ReferenceServer.DEFAULT_MAX_PENDING_BYTES;
    private long memoryBudget; // 0: the default, derived when the settings are made
    private int eventLoopThreads = Runtime.getRuntime().availableProcessors();
    private boolean nativeTransport = true;
    private Duration authFailureDelayStep = AuthThrottle.DEFAULT_STEP;
    private Duration maxAuthFailureDelay = AuthThrottle.DEFAULT_MAX;
    private Ticker ticker = Ticker.systemTicker();
    private Clock clock = Clock.systemUTC();
    private double maxHandshakeRate = ReferenceServer.DEFAULT_MAX_HANDSHAKE_RATE;
    private ServerTls tls;
    private int backlog = ReferenceServer.DEFAULT_BACKLOG;
    private Duration sessionTtl = ReferenceServer.DEFAULT_SESSION_TTL;
    private int replayWindowMessages = ReferenceServer.DEFAULT_REPLAY_WINDOW_MESSAGES;
    private long replayWindowBytes = ReferenceServer.DEFAULT_REPLAY_WINDOW_BYTES;
    private Duration replayWindowAge = ReferenceServer.DEFAULT_REPLAY_WINDOW_AGE;
    private ReferenceServer.SendListener sendListener;

    @Override
    public ServerBuilder host(String host) {
        this.host = Objects.requireNonNull(host, "host");
        return this;
    }

    @Override
    public ServerBuilder port(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535]: " + port);
        }
        this.port = port;
        return this;
    }

    @Override
    public ServerBuilder reusePort(boolean reuse) {
        this.reusePort = reuse;
        return this;
    }

    @Override
    public ServerBuilder backlog(int backlog) {
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be at least 1: " + backlog);
        }
        this.backlog = backlog;
        return this;
    }

    @Override
    public ServerBuilder authToken(String authToken) {
        if (authToken != null && authToken.isBlank()) {
            throw new IllegalArgumentException("authToken must not be empty or blank (an unset variable?); "
                    + "leave it unset (null) for a server without authentication");
        }
        this.authToken = authToken;
        return this;
    }

    @Override
    public ServerBuilder handshakeTimeout(Duration timeout) {
        this.handshakeTimeout = positive("handshakeTimeout", timeout);
        return this;
    }

    @Override
    public ServerBuilder idleTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "idleTimeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("idleTimeout must not be negative: " + timeout);
        }
        this.idleTimeout = timeout;
        return this;
    }

    @Override
    public ServerBuilder heartbeatInterval(Duration interval) {
        this.heartbeatInterval = positive("heartbeatInterval", interval);
        if (interval.toMillis() > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("heartbeatInterval does not fit the WELCOME frame: " + interval);
        }
        return this;
    }

    @Override
    public ServerBuilder maxConnections(int maxConnections) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be positive: " + maxConnections);
        }
        this.maxConnections = maxConnections;
        return this;
    }

    @Override
    public ServerBuilder maxFrameLength(int maxFrameLength) {
        if (maxFrameLength < 64) {
            throw new IllegalArgumentException("maxFrameLength must be at least 64 bytes: " + maxFrameLength);
        }
        this.maxFrameLength = maxFrameLength;
        return this;
    }

    @Override
    public ServerBuilder serviceTime(ServiceTime serviceTime) {
        this.serviceTime = Objects.requireNonNull(serviceTime, "serviceTime");
        return this;
    }

    @Override
    public ServerBuilder errorRate(double errorRate) {
        if (!(errorRate >= 0 && errorRate <= 1)) {
            throw new IllegalArgumentException("errorRate must be a fraction in [0, 1]: " + errorRate);
        }
        this.errorRate = errorRate;
        return this;
    }

    @Override
    public ServerBuilder pushRate(double pushesPerSecond) {
        if (!(pushesPerSecond >= 0 && pushesPerSecond <= 1_000_000)) {
            throw new IllegalArgumentException("pushRate must be in [0, 1000000] pushes/s: " + pushesPerSecond);
        }
        this.pushRate = pushesPerSecond;
        return this;
    }

    @Override
    public ServerBuilder pushTopic(String topic) {
        this.pushTopic = topic == null || topic.isEmpty() ? null : topic;
        return this;
    }

    @Override
    public ServerBuilder pushSize(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("pushSize must not be negative: " + bytes);
        }
        this.pushSize = bytes;
        return this;
    }

    @Override
    public ServerBuilder drainTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "drainTimeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("drainTimeout must not be negative: " + timeout);
        }
        this.drainTimeout = timeout;
        return this;
    }

    @Override
    public ServerBuilder reconnectAfter(Duration hint) {
        Objects.requireNonNull(hint, "reconnectAfter");
        if (hint.isNegative() || hint.toMillis() > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("reconnectAfter must be in [0, 2^32) ms: " + hint);
        }
        this.reconnectAfter = hint;
        return this;
    }

    @Override
    public ServerBuilder maxPendingBytesPerConnection(long bytes) {
        if (bytes < 1024) {
            throw new IllegalArgumentException("maxPendingBytesPerConnection must be at least 1024: " + bytes);
        }
        this.maxPendingBytes = bytes;
        return this;
    }

    @Override
    public ServerBuilder memoryBudget(long bytes) {
        if (bytes < 1 << 20) {
            throw new IllegalArgumentException("memoryBudget must be at least 1 MiB (1048576 bytes): " + bytes);
        }
        this.memoryBudget = bytes;
        return this;
    }

    @Override
    public ServerBuilder eventLoopThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("eventLoopThreads must be positive: " + threads);
        }
        this.eventLoopThreads = threads;
        return this;
    }

    @Override
    public ServerBuilder nativeTransport(boolean useNative) {
        this.nativeTransport = useNative;
        return this;
    }

    @Override
    public ServerBuilder maxHandshakeRate(double handshakesPerSecond) {
        if (!(handshakesPerSecond >= 0 && handshakesPerSecond <= 1_000_000)) {
            throw new IllegalArgumentException("maxHandshakeRate must be in [0, 1000000] handshakes/s: " + handshakesPerSecond);
        }
        this.maxHandshakeRate = handshakesPerSecond;
        return this;
    }

    @Override
    public ServerBuilder tls(ServerTls tls) {
        this.tls = tls;
        return this;
    }

    @Override
    public ServerBuilder sessionTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "sessionTtl");
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("sessionTtl must not be negative (0 turns resumption off): " + ttl);
        }
        this.sessionTtl = ttl;
        return this;
    }

    @Override
    public ServerBuilder replayWindowMessages(int messages) {
        if (messages < 1) {
            throw new IllegalArgumentException("replayWindowMessages must be positive: " + messages);
        }
        this.replayWindowMessages = messages;
        return this;
    }

    @Override
    public ServerBuilder replayWindowBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("replayWindowBytes must be positive: " + bytes);
        }
        this.replayWindowBytes = bytes;
        return this;
    }

    @Override
    public ServerBuilder replayWindowAge(Duration age) {
        this.replayWindowAge = positive("replayWindowAge", age);
        return this;
    }

    @Override
    public ServerBuilder onSend(ReferenceServer.SendListener listener) {
        this.sendListener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** Test seam: the waits before repeated AUTH_FAILED answers (see {@link AuthThrottle}). */
    ServerBuilder authFailureDelays(Duration step, Duration max) {
        this.authFailureDelayStep = Objects.requireNonNull(step, "step");
        this.maxAuthFailureDelay = Objects.requireNonNull(max, "max");
        return this;
    }

    /** Test seam: the monotonic time source of the handshake timeout and idle eviction. */
    ServerBuilder ticker(Ticker ticker) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        return this;
    }

    /** Test seam: the wall clock stamped on pushes and session snapshots. */
    ServerBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    ServerSettings settings() {
        Duration idle = idleTimeout != null ? idleTimeout : ReferenceServer.defaultIdleTimeout(heartbeatInterval);
        if (!idle.isZero() && idle.compareTo(heartbeatInterval) <= 0) {
            throw new IllegalArgumentException("idleTimeout (" + Durations.format(idle) + ") must be longer than heartbeatInterval ("
                    + Durations.format(heartbeatInterval) + "), or clients that ping once an interval are evicted (PROTOCOL.md §7); "
                    + ReferenceServer.IDLE_TIMEOUT_HEARTBEATS + " intervals are recommended, 0 turns eviction off");
        }
        if (maxPendingBytes < maxFrameLength) {
            throw new IllegalArgumentException("maxPendingBytesPerConnection (" + maxPendingBytes
                    + ") must be at least maxFrameLength (" + maxFrameLength + "), or no large frame could be sent");
        }
        long budget = memoryBudget != 0 ? memoryBudget : ReferenceServer.defaultMemoryBudget();
        if (budget < maxPendingBytes) {
            throw new IllegalArgumentException("memoryBudget (" + budget + (memoryBudget == 0 ? ", the default for this JVM's memory" : "")
                    + ") must be at least maxPendingBytesPerConnection (" + maxPendingBytes + ")");
        }
        if (replayWindowBytes > maxPendingBytes) {
            throw new IllegalArgumentException("replayWindowBytes (" + replayWindowBytes + ") must be at most maxPendingBytesPerConnection ("
                    + maxPendingBytes + "): a resume writes the whole window to the new connection at once");
        }
        return new ServerSettings(host, port, reusePort, authToken, handshakeTimeout, idle, heartbeatInterval, maxConnections,
                maxFrameLength, serviceTime, errorRate, pushRate, pushTopic, pushSize, drainTimeout, reconnectAfter,
                maxPendingBytes, budget, eventLoopThreads, nativeTransport, authFailureDelayStep, maxAuthFailureDelay, ticker, clock,
                maxHandshakeRate, tls, backlog, sessionTtl, replayWindowMessages, replayWindowBytes, replayWindowAge, sendListener);
    }

    @Override
    public ReferenceServer start() {
        return ReferenceServer.start(settings());
    }

    private static Duration positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
        return d;
    }
}
