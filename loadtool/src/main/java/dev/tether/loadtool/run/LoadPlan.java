package dev.tether.loadtool.run;

import dev.tether.server.Durations;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything a load run does, as one immutable value: who to connect to, how many clients and how fast,
 * the workload, and where the interval log goes. {@link LoadRun#run} executes it; {@code loadtool run}
 * and the shell's {@code bench} both build one. Build with {@link #builder()}; every default is a named
 * constant.
 *
 * @param targets         servers to load ({@code host:port}); empty = start the reference server in this
 *                        process on a free loopback port (the embedded default)
 * @param clients         number of clients, each one TetherClient with its own connection
 * @param connectRate     clients connected per second during the ramp
 * @param duration        the measured period
 * @param warmup          load before the measured period, recorded separately, not part of the result
 * @param mode            the workload
 * @param rate            total operations per second over all clients ({@link Mode#RATE}, {@link Mode#SEND})
 * @param outstanding     requests in flight per client: the cap in RATE/SEND (an operation that has to wait is
 *                        sent late and timed from its intended time), the constant in CLOSED
 * @param size            payload bytes of each request or send
 * @param heartbeat       heartbeat interval the clients ask for; {@code null} = the SDK default (30 s)
 * @param requestTimeout  how long a request may take before it counts as a REQUEST_TIMEOUT error
 * @param sourceAddresses local addresses the clients bind, taken in turn; empty = the kernel picks
 * @param tls             TLS settings; {@code null} = plaintext
 * @param authToken       token sent in HELLO; {@code null} = none
 * @param serverServiceTime embedded server only: simulated work per request ({@code 2ms}, {@code exp:2ms}); null = none
 * @param pushRate        embedded server only: pushes per second to every client (PUSH mode)
 * @param hlog            where to write the interval log; {@code null} = nowhere
 * @param lateThreshold   an operation sent later than this after its intended time counts as late
 * @param drainTimeout    after the measured period, how long to wait for late and outstanding operations
 * @param ioThreads       event-loop threads of the shared ClientResources; 0 = the SDK's default
 * @param shard           which part of the plan this process runs ({@link Shard#WHOLE} = all of it); see {@link #part()}
 * @param firstClient     the number of this plan's first client (client ids are {@code loadtool-<number>}); 0 unless
 *                        the plan is a shard's part of a larger one
 * @param startAt         wall-clock time at which the run starts (shards of one plan agree on it); {@code null} = at once
 * @param faultProxy      faults injected by a proxy the run starts in front of each target; {@code null} = no proxy
 * @param restartServerAt time since the run started at which the embedded server is killed and started again on
 *                        the same port; {@code null} = never
 * @param mix             what the operations send, entry by entry ({@code --mix}); {@code null} = {@code size} bytes each,
 *                        requests (sends in {@link Mode#SEND}). Modes {@link Mode#RATE} and {@link Mode#CLOSED} only.
 * @param resumption      whether the clients ask for session resumption (acknowledged sends, replayed pushes) and
 *                        use it when the server offers it; {@code false} = sends complete when written
 */
public record LoadPlan(List<InetSocketAddress> targets, int clients, double connectRate, Duration duration,
                       Duration warmup, Mode mode, double rate, int outstanding, int size, Duration heartbeat,
                       Duration requestTimeout, List<InetAddress> sourceAddresses, Tls tls, String authToken,
                       String serverServiceTime, double pushRate, Path hlog, Duration lateThreshold,
                       Duration drainTimeout, int ioThreads, Shard shard, int firstClient, java.time.Instant startAt,
                       dev.tether.loadtool.proxy.FaultSpec faultProxy, Duration restartServerAt, RequestMix mix,
                       boolean resumption) {

    public static final int DEFAULT_CLIENTS = 200;
    public static final double DEFAULT_CONNECT_RATE = 2_000;
    public static final Duration DEFAULT_DURATION = Duration.ofSeconds(10);
    public static final Duration DEFAULT_WARMUP = Duration.ofSeconds(2);
    public static final double DEFAULT_RATE = 2_000;
    public static final int DEFAULT_OUTSTANDING = 1;
    public static final int DEFAULT_SIZE = 64;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final double DEFAULT_PUSH_RATE = 10;
    public static final Duration DEFAULT_LATE_THRESHOLD = Duration.ofMillis(10);
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(5);
    /** The SDK's default: resumption when the server offers it. */
    public static final boolean DEFAULT_RESUMPTION = dev.tether.client.ClientConfig.DEFAULT_RESUMPTION;

    /**
     * TLS for the clients: trust the system store, a CA file, or (testing only) anything; and the client
     * certificate chain and key files presented to a server that asks for one ({@code null} = none).
     */
    public record Tls(Path caFile, boolean insecure, Path clientCertificateFile, Path clientKeyFile) {
    }

    public LoadPlan {
        targets = List.copyOf(targets);
        sourceAddresses = List.copyOf(sourceAddresses);
        Objects.requireNonNull(mode, "mode");
        if (firstClient < 0) {
            throw new IllegalArgumentException("first client must not be negative: " + firstClient);
        }
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(warmup, "warmup");
        if (clients < 1) {
            throw new IllegalArgumentException("clients must be at least 1: " + clients);
        }
        Objects.requireNonNull(shard, "shard");
        if (shard.count() > clients) {
            throw new IllegalArgumentException(clients + " clients cannot be split into " + shard.count()
                    + " shards: every shard needs at least one client");
        }
        if (!(connectRate > 0)) {
            throw new IllegalArgumentException("connect rate must be positive: " + connectRate);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration must be positive: " + Durations.format(duration));
        }
        if (warmup.isNegative()) {
            throw new IllegalArgumentException("warmup must not be negative: " + Durations.format(warmup));
        }
        if (mode.scheduled() && !(rate > 0)) {
            throw new IllegalArgumentException("rate must be positive in mode " + mode.label() + ": " + rate);
        }
        if (outstanding < 1) {
            throw new IllegalArgumentException("outstanding must be at least 1: " + outstanding);
        }
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
        if (heartbeat != null && (heartbeat.isNegative() || heartbeat.isZero())) {
            throw new IllegalArgumentException("heartbeat must be positive: " + Durations.format(heartbeat));
        }
        if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("request timeout must be positive: "
                    + (requestTimeout == null ? "none" : Durations.format(requestTimeout)));
        }
        if (lateThreshold == null || lateThreshold.isNegative()) {
            throw new IllegalArgumentException("late threshold must not be negative: "
                    + (lateThreshold == null ? "none" : Durations.format(lateThreshold)));
        }
        if (drainTimeout == null || drainTimeout.isNegative()) {
            throw new IllegalArgumentException("drain timeout must not be negative: "
                    + (drainTimeout == null ? "none" : Durations.format(drainTimeout)));
        }
        if (serverServiceTime != null) {
            dev.tether.server.ServiceTime.parse(serverServiceTime); // throws IllegalArgumentException naming the value
        }
        if (restartServerAt != null && (restartServerAt.isNegative() || restartServerAt.isZero())) {
            throw new IllegalArgumentException("restart-server-at must be positive: " + Durations.format(restartServerAt));
        }
        if (restartServerAt != null && !targets.isEmpty()) {
            throw new IllegalArgumentException("restart-server-at restarts the embedded server: it cannot be used with a target");
        }
        if (mix != null && mode != Mode.RATE && mode != Mode.CLOSED) {
            throw new IllegalArgumentException("a request mix says per entry whether it is a request or a send: use it with mode rate "
                    + "or closed, not " + mode.label());
        }
        if (mode == Mode.PUSH && targets.isEmpty() && !(pushRate > 0)) {
            throw new IllegalArgumentException("push mode against the embedded server needs a positive push rate: " + pushRate);
        }
    }

    /** The plan with the auth token left out (it is a secret): whether one is set, never its value. */
    @Override
    public String toString() {
        return "LoadPlan[targets=" + targets + ", clients=" + clients + ", connectRate=" + connectRate + ", duration=" + duration
                + ", warmup=" + warmup + ", mode=" + mode + ", rate=" + rate + ", outstanding=" + outstanding + ", size=" + size
                + ", heartbeat=" + heartbeat + ", requestTimeout=" + requestTimeout + ", sourceAddresses=" + sourceAddresses
                + ", tls=" + tls + ", authToken=" + (authToken == null ? "none" : "(set)") + ", serverServiceTime=" + serverServiceTime
                + ", pushRate=" + pushRate + ", hlog=" + hlog + ", lateThreshold=" + lateThreshold + ", drainTimeout=" + drainTimeout
                + ", ioThreads=" + ioThreads + ", shard=" + shard + ", firstClient=" + firstClient + ", startAt=" + startAt + ", faultProxy=" + faultProxy
                + ", restartServerAt=" + restartServerAt + ", mix=" + mix + ", resumption=" + resumption + "]";
    }

    /**
     * The part of this plan that its {@link #shard()} runs, itself an unsplit plan: the shard's clients (numbered
     * from its {@link #firstClient()}), its share of the request and connect rates and of the source addresses.
     * The whole plan when it is not split.
     */
    public LoadPlan part() {
        if (!shard.isPart()) {
            return this;
        }
        return toBuilder()
                .clients(shard.clients(clients))
                .firstClient(firstClient + shard.firstClient(clients))
                .rate(shard.share(rate, clients))
                .connectRate(shard.share(connectRate, clients))
                .sourceAddresses(shard.sourceAddresses(sourceAddresses))
                .shard(Shard.WHOLE)
                .build();
    }

    /** Whether the run starts its own reference server. */
    public boolean embedded() {
        return targets.isEmpty();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.targets = targets;
        b.clients = clients;
        b.connectRate = connectRate;
        b.duration = duration;
        b.warmup = warmup;
        b.mode = mode;
        b.rate = rate;
        b.outstanding = outstanding;
        b.size = size;
        b.heartbeat = heartbeat;
        b.requestTimeout = requestTimeout;
        b.sourceAddresses = sourceAddresses;
        b.tls = tls;
        b.authToken = authToken;
        b.serverServiceTime = serverServiceTime;
        b.pushRate = pushRate;
        b.hlog = hlog;
        b.lateThreshold = lateThreshold;
        b.drainTimeout = drainTimeout;
        b.ioThreads = ioThreads;
        b.shard = shard;
        b.firstClient = firstClient;
        b.startAt = startAt;
        b.faultProxy = faultProxy;
        b.restartServerAt = restartServerAt;
        b.mix = mix;
        b.resumption = resumption;
        return b;
    }

    /** Builds a {@link LoadPlan}; unset fields take the {@code DEFAULT_*} values. */
    public static final class Builder {
        private List<InetSocketAddress> targets = List.of();
        private int clients = DEFAULT_CLIENTS;
        private double connectRate = DEFAULT_CONNECT_RATE;
        private Duration duration = DEFAULT_DURATION;
        private Duration warmup = DEFAULT_WARMUP;
        private Mode mode = Mode.RATE;
        private double rate = DEFAULT_RATE;
        private int outstanding = DEFAULT_OUTSTANDING;
        private int size = DEFAULT_SIZE;
        private Duration heartbeat;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private List<InetAddress> sourceAddresses = List.of();
        private Tls tls;
        private String authToken;
        private String serverServiceTime;
        private double pushRate = DEFAULT_PUSH_RATE;
        private Path hlog;
        private Duration lateThreshold = DEFAULT_LATE_THRESHOLD;
        private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        private int ioThreads;
        private Shard shard = Shard.WHOLE;
        private int firstClient;
        private java.time.Instant startAt;
        private dev.tether.loadtool.proxy.FaultSpec faultProxy;
        private Duration restartServerAt;
        private RequestMix mix;
        private boolean resumption = DEFAULT_RESUMPTION;

        private Builder() {
        }

        public Builder targets(List<InetSocketAddress> v) { targets = v; return this; }
        public Builder clients(int v) { clients = v; return this; }
        public Builder connectRate(double v) { connectRate = v; return this; }
        public Builder duration(Duration v) { duration = v; return this; }
        public Builder warmup(Duration v) { warmup = v; return this; }
        public Builder mode(Mode v) { mode = v; return this; }
        public Builder rate(double v) { rate = v; return this; }
        public Builder outstanding(int v) { outstanding = v; return this; }
        public Builder size(int v) { size = v; return this; }
        public Builder heartbeat(Duration v) { heartbeat = v; return this; }
        public Builder requestTimeout(Duration v) { requestTimeout = v; return this; }
        public Builder sourceAddresses(List<InetAddress> v) { sourceAddresses = v; return this; }
        public Builder tls(Tls v) { tls = v; return this; }
        public Builder authToken(String v) { authToken = v; return this; }
        public Builder serverServiceTime(String v) { serverServiceTime = v; return this; }
        public Builder pushRate(double v) { pushRate = v; return this; }
        public Builder hlog(Path v) { hlog = v; return this; }
        public Builder lateThreshold(Duration v) { lateThreshold = v; return this; }
        public Builder drainTimeout(Duration v) { drainTimeout = v; return this; }
        public Builder ioThreads(int v) { ioThreads = v; return this; }
        public Builder shard(Shard v) { shard = v; return this; }
        public Builder firstClient(int v) { firstClient = v; return this; }
        public Builder startAt(java.time.Instant v) { startAt = v; return this; }
        public Builder faultProxy(dev.tether.loadtool.proxy.FaultSpec v) { faultProxy = v; return this; }
        public Builder restartServerAt(Duration v) { restartServerAt = v; return this; }
        public Builder mix(RequestMix v) { mix = v; return this; }
        public Builder resumption(boolean v) { resumption = v; return this; }

        public LoadPlan build() {
            return new LoadPlan(targets, clients, connectRate, duration, warmup, mode, rate, outstanding, size, heartbeat,
                    requestTimeout, sourceAddresses, tls, authToken, serverServiceTime, pushRate, hlog, lateThreshold,
                    drainTimeout, ioThreads, shard, firstClient, startAt, faultProxy, restartServerAt, mix,
                    resumption);
        }
    }
}
