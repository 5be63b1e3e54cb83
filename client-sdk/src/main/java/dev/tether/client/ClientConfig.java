package dev.tether.client;

import dev.tether.protocol.Protocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The immutable settings of a {@link TetherClient}. Build one with {@link #builder()}, derive a variant
 * with {@link #toBuilder()}. Every setter checks its argument at once and names the bad value; every
 * default is a {@code DEFAULT_*} constant.
 *
 * <pre>{@code
 * ClientConfig config = ClientConfig.builder()
 *         .endpoint("gw1.example.com", 7000)
 *         .endpoint("gw2.example.com", 7000)      // the client moves to the next endpoint on each reconnect
 *         .authToken(System.getenv("TETHER_TOKEN"))
 *         .heartbeatInterval(Duration.ofSeconds(15))  // the dead-peer timeout follows the interval in force
 *         .build();
 * }</pre>
 */
public final class ClientConfig {
    /** Default TCP connect + TLS + hello/welcome budget of one attempt: 10 s. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Default heartbeat interval: a ping after 30 s in which nothing was written. */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofMillis(Protocol.DEFAULT_HEARTBEAT_INTERVAL_MILLIS);
    /** Default request timeout: 10 s, counted from the call of {@code request}, time in the send buffer included. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Default bound of the send buffer in messages: 10,000. */
    public static final int DEFAULT_SEND_BUFFER_MESSAGES = 10_000;
    /** Default bound of the send buffer in payload bytes: 8 MiB. */
    public static final long DEFAULT_SEND_BUFFER_BYTES = 8L << 20;
    /** Default largest frame (length prefix value) sent or accepted: 1 MiB. */
    public static final int DEFAULT_MAX_FRAME_LENGTH = Protocol.DEFAULT_MAX_FRAME_LENGTH;
    /** Default client id sent in the hello: empty (anonymous). */
    public static final String DEFAULT_CLIENT_ID = "";
    /** Default of {@link Builder#retryFirstConnect(boolean)}: false, a failed first connect fails {@code connect()}. */
    public static final boolean DEFAULT_RETRY_FIRST_CONNECT = false;
    /** Default low write-buffer water mark: 32 KiB (Netty's default). */
    public static final int DEFAULT_WRITE_BUFFER_LOW_WATER_MARK = 32 * 1024;
    /** Default high write-buffer water mark: 64 KiB (Netty's default). */
    public static final int DEFAULT_WRITE_BUFFER_HIGH_WATER_MARK = 64 * 1024;
    /** Default time {@code close()} waits for in-flight requests and buffered writes: 5 s. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** Default of {@link Builder#resumption(boolean)}: true, session resumption is used when the server offers it. */
    public static final boolean DEFAULT_RESUMPTION = true;
    /** Default of {@link Builder#unacknowledgedSends(UnacknowledgedSends)}: {@link UnacknowledgedSends#RESEND}. */
    public static final UnacknowledgedSends DEFAULT_UNACKNOWLEDGED_SENDS = UnacknowledgedSends.RESEND;

    private final List<InetSocketAddress> endpoints;
    private final Duration connectTimeout;
    private final Duration heartbeatInterval;
    private final Duration deadPeerTimeout;
    private final Duration requestTimeout;
    private final Duration closeTimeout;
    private final Backoff backoff;
    private final int sendBufferMessages;
    private final long sendBufferBytes;
    private final String clientId;
    private final String authToken;
    private final TlsOptions tls;
    private final boolean retryFirstConnect;
    private final InetAddress localAddress;
    private final int maxFrameLength;
    private final int writeBufferLowWaterMark;
    private final int writeBufferHighWaterMark;
    private final boolean resumption;
    private final UnacknowledgedSends unacknowledgedSends;

    private ClientConfig(Builder b) {
        this.endpoints = List.copyOf(b.endpoints);
        this.connectTimeout = b.connectTimeout;
        this.heartbeatInterval = b.heartbeatInterval;
        this.deadPeerTimeout = b.deadPeerTimeout;
        this.requestTimeout = b.requestTimeout;
        this.closeTimeout = b.closeTimeout;
        this.backoff = b.backoff;
        this.sendBufferMessages = b.sendBufferMessages;
        this.sendBufferBytes = b.sendBufferBytes;
        this.clientId = b.clientId;
        this.authToken = b.authToken;
        this.tls = b.tls;
        this.retryFirstConnect = b.retryFirstConnect;
        this.localAddress = b.localAddress;
        this.maxFrameLength = b.maxFrameLength;
        this.writeBufferLowWaterMark = b.writeBufferLowWaterMark;
        this.writeBufferHighWaterMark = b.writeBufferHighWaterMark;
        this.resumption = b.resumption;
        this.unacknowledgedSends = b.unacknowledgedSends;
    }

    /** A builder with every default and no endpoint. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration, to derive a variant. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The endpoints, in the order they are tried; never empty. */
    public List<InetSocketAddress> endpoints() {
        return endpoints;
    }

    /** Budget of one connection attempt: TCP connect, TLS handshake and hello/welcome. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** A ping is sent when nothing was written for this long; {@link Duration#ZERO} = no pings. */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /**
     * The dead-peer timeout the application set; empty when it is derived, at each connection, from the
     * heartbeat interval in force ({@link #deadPeerTimeoutFor}). {@link Duration#ZERO} = never.
     */
    public Optional<Duration> deadPeerTimeout() {
        return Optional.ofNullable(deadPeerTimeout);
    }

    /**
     * The dead-peer timeout derived from the heartbeat interval H in force (the interval the server's WELCOME
     * announces, see PROTOCOL.md §7): {@code 2 H + H / 8}. Two whole intervals give a live peer two chances
     * to be heard (a lost pong, a GC pause, a busy server); the eighth is slack that grows with the interval
     * instead of a fixed 5 s, so the silence is noticed within 2.25 H at any interval (2.125 s at 1 s, 63.75 s
     * at 30 s, 10 min 37.5 s at 5 min), and before a server's idle eviction, which must wait longer than H
     * (3 H recommended). {@link Duration#ZERO} for an interval of zero: no heartbeat, no detection.
     *
     * <p>The one place the rule is written; the SDK applies it when {@link #deadPeerTimeout()} is empty.
     */
    public static Duration deadPeerTimeoutFor(Duration heartbeatInterval) {
        if (heartbeatInterval.isNegative()) {
            return heartbeatInterval.multipliedBy(2).plus(heartbeatInterval.dividedBy(8));
        }
        // H + H + H / 8 (truncated to the nanosecond, as dividedBy does) in whole seconds and nanoseconds: Duration's
        // multipliedBy and dividedBy go through BigDecimal, microseconds on every connect, which applies this rule.
        long seconds = heartbeatInterval.getSeconds();
        Duration eighth = Duration.ofSeconds(seconds / 8, ((seconds % 8) * 1_000_000_000L + heartbeatInterval.getNano()) / 8);
        return heartbeatInterval.plus(heartbeatInterval).plus(eighth);
    }

    /** The timeout of {@link TetherClient#request(byte[])}. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** How long a graceful close waits for in-flight requests and buffered writes before it closes anyway. */
    public Duration closeTimeout() {
        return closeTimeout;
    }

    /** The reconnect policy. */
    public Backoff backoff() {
        return backoff;
    }

    /** Bound of the send buffer in messages (sends and requests waiting for a connection or for writability). */
    public int sendBufferMessages() {
        return sendBufferMessages;
    }

    /** Bound of the send buffer in payload bytes. */
    public long sendBufferBytes() {
        return sendBufferBytes;
    }

    /** The client id sent in the hello. */
    public String clientId() {
        return clientId;
    }

    /** The auth token sent in the hello, or {@code null} for none. */
    public String authToken() {
        return authToken;
    }

    /** The TLS settings, or {@code null} for plaintext. */
    public TlsOptions tls() {
        return tls;
    }

    /** Whether a failed first connect keeps retrying with the backoff ({@code true}) or fails {@code connect()}. */
    public boolean retryFirstConnect() {
        return retryFirstConnect;
    }

    /** The local (source) address to bind before connecting, or {@code null} to let the OS choose. */
    public InetAddress localAddress() {
        return localAddress;
    }

    /** The largest frame (value of the length prefix, in bytes) the client sends or accepts. */
    public int maxFrameLength() {
        return maxFrameLength;
    }

    /** Below this many bytes pending in Netty's outbound buffer, the channel becomes writable again. */
    public int writeBufferLowWaterMark() {
        return writeBufferLowWaterMark;
    }

    /** Above this many bytes pending in Netty's outbound buffer, new writes wait in the send buffer. */
    public int writeBufferHighWaterMark() {
        return writeBufferHighWaterMark;
    }

    /** Whether the client asks for session resumption (protocol version 2) and uses it when the server offers it. */
    public boolean resumption() {
        return resumption;
    }

    /** What happens to unacknowledged sends when a session cannot be resumed. */
    public UnacknowledgedSends unacknowledgedSends() {
        return unacknowledgedSends;
    }

    @Override
    public String toString() {
        return "ClientConfig[endpoints=" + endpoints + ", connectTimeout=" + connectTimeout
                + ", heartbeatInterval=" + heartbeatInterval + ", deadPeerTimeout=" + (deadPeerTimeout == null ? "derived" : deadPeerTimeout)
                + ", requestTimeout=" + requestTimeout + ", closeTimeout=" + closeTimeout + ", backoff=" + backoff
                + ", sendBufferMessages=" + sendBufferMessages + ", sendBufferBytes=" + sendBufferBytes
                + ", clientId=" + clientId + ", authToken=" + (authToken == null ? "none" : "***") + ", tls=" + tls
                + ", retryFirstConnect=" + retryFirstConnect + ", localAddress=" + localAddress
                + ", maxFrameLength=" + maxFrameLength + ", writeBufferWaterMark=" + writeBufferLowWaterMark + "/"
                + writeBufferHighWaterMark + ", resumption=" + resumption + ", unacknowledgedSends=" + unacknowledgedSends + "]";
    }

    /** Builds a {@link ClientConfig}. Not thread-safe. */
    public static final class Builder {
        private final List<InetSocketAddress> endpoints = new ArrayList<>();
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
        private Duration deadPeerTimeout; // null: derived from the heartbeat interval in force
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        private Backoff backoff = Backoff.defaults();
        private int sendBufferMessages = DEFAULT_SEND_BUFFER_MESSAGES;
        private long sendBufferBytes = DEFAULT_SEND_BUFFER_BYTES;
        private String clientId = DEFAULT_CLIENT_ID;
        private String authToken;
        private TlsOptions tls;
        private boolean retryFirstConnect = DEFAULT_RETRY_FIRST_CONNECT;
        private InetAddress localAddress;
        private int maxFrameLength = DEFAULT_MAX_FRAME_LENGTH;
        private int writeBufferLowWaterMark = DEFAULT_WRITE_BUFFER_LOW_WATER_MARK;
        private int writeBufferHighWaterMark = DEFAULT_WRITE_BUFFER_HIGH_WATER_MARK;
        private boolean resumption = DEFAULT_RESUMPTION;
        private UnacknowledgedSends unacknowledgedSends = DEFAULT_UNACKNOWLEDGED_SENDS;

        private Builder() {
        }

        private Builder(ClientConfig c) {
            endpoints.addAll(c.endpoints);
            connectTimeout = c.connectTimeout;
            heartbeatInterval = c.heartbeatInterval;
            deadPeerTimeout = c.deadPeerTimeout;
            requestTimeout = c.requestTimeout;
            closeTimeout = c.closeTimeout;
            backoff = c.backoff;
            sendBufferMessages = c.sendBufferMessages;
            sendBufferBytes = c.sendBufferBytes;
            clientId = c.clientId;
            authToken = c.authToken;
            tls = c.tls;
            retryFirstConnect = c.retryFirstConnect;
            localAddress = c.localAddress;
            maxFrameLength = c.maxFrameLength;
            writeBufferLowWaterMark = c.writeBufferLowWaterMark;
            writeBufferHighWaterMark = c.writeBufferHighWaterMark;
            resumption = c.resumption;
            unacknowledgedSends = c.unacknowledgedSends;
        }

        /**
         * Adds an endpoint (repeatable; at least one is required). The host name is resolved at each
         * connection attempt, so DNS changes are followed. Port in [1, 65535].
         */
        public Builder endpoint(String host, int port) {
            Objects.requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host must not be blank: '" + host + "'");
            }
            checkPort(port);
            // An IP literal is used as is; a name stays unresolved and is looked up at each attempt.
            InetAddress literal = io.netty.util.NetUtil.createInetAddressFromIpAddressString(host);
            endpoints.add(literal != null ? new InetSocketAddress(literal, port) : InetSocketAddress.createUnresolved(host, port));
            return this;
        }

        /** Replaces the endpoints with these (at least one), tried in this order. */
        public Builder endpoints(List<InetSocketAddress> endpoints) {
            Objects.requireNonNull(endpoints, "endpoints");
            if (endpoints.isEmpty()) {
                throw new IllegalArgumentException("endpoints must not be empty");
            }
            for (InetSocketAddress a : endpoints) {
                Objects.requireNonNull(a, "endpoint");
                checkPort(a.getPort());
            }
            this.endpoints.clear();
            this.endpoints.addAll(endpoints);
            return this;
        }

        /** Budget of one attempt (TCP connect + TLS + hello/welcome). Positive. Default {@link #DEFAULT_CONNECT_TIMEOUT} (10 s). */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive("connectTimeout", connectTimeout);
            return this;
        }

        /**
         * Send a ping when nothing was written for this long; the pong's round trip shows in
         * {@link ClientStats#lastHeartbeatRtt()}. {@link Duration#ZERO} switches pings off. The interval the
         * server's welcome announces is the one in force: the client pings at least that often (more often if
         * this one is shorter), and the derived dead-peer timeout follows it. This value is sent in the hello
         * as a wish, and used alone only when the server announces none. Millisecond resolution.
         * Default {@link #DEFAULT_HEARTBEAT_INTERVAL} (30 s).
         */
        public Builder heartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = nonNegative("heartbeatInterval", heartbeatInterval);
            if (heartbeatInterval.toMillis() > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("heartbeatInterval too long: " + heartbeatInterval);
            }
            return this;
        }

        /**
         * Close the connection as dead (and reconnect) when no frame at all was received for this long: this
         * catches a peer that vanished without FIN or RST. Must be longer than the heartbeat interval;
         * {@link Duration#ZERO} switches detection off. Default: not set, so it follows the heartbeat interval in
         * force at each connection (the server's, from its WELCOME), as {@link #deadPeerTimeoutFor} gives it:
         * 2 H + H / 8, 63.75 s for the default 30 s. Set it only to override that rule.
         */
        public Builder deadPeerTimeout(Duration deadPeerTimeout) {
            this.deadPeerTimeout = nonNegative("deadPeerTimeout", deadPeerTimeout);
            return this;
        }

        /** Default timeout of {@code request(payload)}. Positive. Default {@link #DEFAULT_REQUEST_TIMEOUT} (10 s). */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = positive("requestTimeout", requestTimeout);
            return this;
        }

        /**
         * How long {@code close()} waits for in-flight requests and buffered writes before closing anyway.
         * {@link Duration#ZERO} closes at once. Default {@link #DEFAULT_CLOSE_TIMEOUT} (5 s).
         */
        public Builder closeTimeout(Duration closeTimeout) {
            this.closeTimeout = nonNegative("closeTimeout", closeTimeout);
            return this;
        }

        /**
         * The reconnect policy. Default {@link Backoff#defaults()} (1 s, x1.6, ±20%, cap 120 s; the first
         * reconnect after losing an established connection drawn uniformly from [0, 3 s]).
         */
        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /** Bound of the send buffer in messages; at least 1. Default {@link #DEFAULT_SEND_BUFFER_MESSAGES} (10,000). */
        public Builder sendBufferMessages(int sendBufferMessages) {
            if (sendBufferMessages < 1) {
                throw new IllegalArgumentException("sendBufferMessages must be >= 1: " + sendBufferMessages);
            }
            this.sendBufferMessages = sendBufferMessages;
            return this;
        }

        /** Bound of the send buffer in payload bytes; at least 1. Default {@link #DEFAULT_SEND_BUFFER_BYTES} (8 MiB). */
        public Builder sendBufferBytes(long sendBufferBytes) {
            if (sendBufferBytes < 1) {
                throw new IllegalArgumentException("sendBufferBytes must be >= 1: " + sendBufferBytes);
            }
            this.sendBufferBytes = sendBufferBytes;
            return this;
        }

        /** The id sent in the hello (UTF-8, at most 65,535 bytes). Default {@link #DEFAULT_CLIENT_ID} (empty). */
        public Builder clientId(String clientId) {
            Objects.requireNonNull(clientId, "clientId");
            if (clientId.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 0xFFFF) {
                throw new IllegalArgumentException("clientId longer than 65535 UTF-8 bytes: " + clientId.length() + " chars");
            }
            this.clientId = clientId;
            return this;
        }

        /** The auth token sent in the hello; {@code null} for none. Default: none. */
        public Builder authToken(String authToken) {
            if (authToken != null && authToken.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 0xFFFF) {
                throw new IllegalArgumentException("authToken longer than 65535 UTF-8 bytes");
            }
            this.authToken = authToken;
            return this;
        }

        /** TLS settings; {@code null} for plaintext. Default: plaintext. */
        public Builder tls(TlsOptions tls) {
            this.tls = tls;
            return this;
        }

        /**
         * What a failed <em>first</em> connect does. {@code false} (the default,
         * {@link #DEFAULT_RETRY_FIRST_CONNECT}): each endpoint is tried once, in order, and if all fail
         * {@code connect()} fails with {@link ConnectFailedException}, so a wrong address shows at start-up.
         * {@code true}: the first connect retries with the backoff like any reconnect, and {@code connect()}
         * completes at the first successful handshake. Either way, once connected, the client reconnects on
         * its own.
         */
        public Builder retryFirstConnect(boolean retryFirstConnect) {
            this.retryFirstConnect = retryFirstConnect;
            return this;
        }

        /** Source address to bind before connecting (e.g. one of several loopback addresses); {@code null} = OS choice. Default: none. */
        public Builder localAddress(InetAddress localAddress) {
            this.localAddress = localAddress;
            return this;
        }

        /**
         * Largest frame the client sends or accepts, in bytes (value of the length prefix). A larger
         * request or send fails at once with {@link IllegalArgumentException} (with {@link #resumption(boolean)
         * resumption} on, a send's frame counts the 8 bytes of its sequence number); a larger inbound frame closes
         * the connection as a protocol error. At least {@code Protocol.HEADER_SIZE}.
         * Default {@link #DEFAULT_MAX_FRAME_LENGTH} (1 MiB).
         */
        public Builder maxFrameLength(int maxFrameLength) {
            if (maxFrameLength < Protocol.HEADER_SIZE) {
                throw new IllegalArgumentException("maxFrameLength must be >= " + Protocol.HEADER_SIZE + ": " + maxFrameLength);
            }
            this.maxFrameLength = maxFrameLength;
            return this;
        }

        /**
         * Netty's write-buffer water marks, in bytes: when more than {@code high} bytes wait in the socket's
         * outbound buffer the channel is not writable and new sends and requests wait in the (bounded) send
         * buffer until it drops below {@code low}. Defaults {@link #DEFAULT_WRITE_BUFFER_LOW_WATER_MARK} (32 KiB)
         * and {@link #DEFAULT_WRITE_BUFFER_HIGH_WATER_MARK} (64 KiB).
         */
        public Builder writeBufferWaterMark(int low, int high) {
            if (low < 1 || high < low) {
                throw new IllegalArgumentException("need 1 <= low <= high: low=" + low + ", high=" + high);
            }
            this.writeBufferLowWaterMark = low;
            this.writeBufferHighWaterMark = high;
            return this;
        }

        /**
         * Session resumption (PROTOCOL.md §13). {@code true} (the default, {@link #DEFAULT_RESUMPTION}): the
         * client offers protocol version 2, and when the server answers with a resumable session, every send is
         * numbered and kept (counted in the send buffer's bounds) until the server acknowledges it, its future
         * completes on that acknowledgement, and after a reconnect the session is resumed: sends the server did
         * not receive are written again, each reaching it exactly once and in order, and pushes sent while the
         * client was away are replayed and delivered once. A server that does not offer it (a version 1 server,
         * or one with resumption off) is used as without it ({@link Resumption#NOT_OFFERED}). {@code false}:
         * the client speaks protocol version 1, and a send completes when it is written to the socket.
         */
        public Builder resumption(boolean resumption) {
            this.resumption = resumption;
            return this;
        }

        /**
         * What happens to sends the server had not acknowledged when a reconnect cannot resume the session:
         * {@link UnacknowledgedSends#RESEND} (the default, {@link #DEFAULT_UNACKNOWLEDGED_SENDS}: sent again
         * on the new session, at least once) or {@link UnacknowledgedSends#FAIL} (their futures fail with
         * {@link SessionLostException}). Either way the application is told by a {@link SessionLoss}.
         */
        public Builder unacknowledgedSends(UnacknowledgedSends policy) {
            this.unacknowledgedSends = Objects.requireNonNull(policy, "unacknowledgedSends");
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @throws IllegalStateException if no endpoint was given, or the dead-peer timeout is not longer than
         *     the heartbeat interval
         */
        public ClientConfig build() {
            if (endpoints.isEmpty()) {
                throw new IllegalStateException("at least one endpoint is required: call endpoint(host, port)");
            }
            if (deadPeerTimeout != null && !heartbeatInterval.isZero() && !deadPeerTimeout.isZero()
                    && deadPeerTimeout.compareTo(heartbeatInterval) <= 0) {
                throw new IllegalStateException("deadPeerTimeout (" + deadPeerTimeout
                        + ") must be longer than heartbeatInterval (" + heartbeatInterval + ")");
            }
            return new ClientConfig(this);
        }

        private static void checkPort(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be in [1, 65535]: " + port);
            }
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
            return d;
        }

        private static Duration nonNegative(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative: " + d);
            }
            return d;
        }
    }
}
