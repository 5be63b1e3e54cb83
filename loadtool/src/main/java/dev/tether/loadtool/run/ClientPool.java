package dev.tether.loadtool.run;

import dev.tether.client.ClientConfig;
import dev.tether.client.ClientException;
import dev.tether.client.ClientResources;
import dev.tether.client.ConnectionState;
import dev.tether.client.ServerPush;
import dev.tether.client.StateChange;
import dev.tether.client.TetherClient;
import dev.tether.client.TlsOptions;
import dev.tether.loadtool.report.Metric;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The run's clients: N {@link TetherClient}s on ONE shared {@link ClientResources} (a few event-loop
 * threads for all of them, no thread per client). It counts connected clients and reconnects from the
 * state listeners, records connect times and push latencies, and samples heartbeat round trips.
 */
final class ClientPool implements LoadClients {
    private final ClientResources resources;
    private final TetherClient[] clients;
    private final Connection[] connections;
    private final RunMetrics metrics;
    private final LongSupplier clock;
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicIntegerArray everConnected;
    /** Why each client's last connect attempt failed, while it has never connected; {@code null} when none failed. */
    private final java.util.concurrent.atomic.AtomicReferenceArray<String> lastFailure;
    private final LongAdder reconnects = new LongAdder();
    private final java.util.concurrent.atomic.AtomicLong firstConnectCall = new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);
    private final java.util.concurrent.atomic.AtomicLong lastConnected = new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);
    /** Each client's last sampled heartbeat round trip in nanoseconds, -1 before the first: no object per client. */
    private final long[] lastRttNanos;
    private final ClientConfig firstConfig;
    /** Number of the first client in the whole plan: ids stay unique across shards. */
    private final int firstClient;
    private volatile boolean closing;

    ClientPool(LoadPlan plan, List<InetSocketAddress> targets, RunMetrics metrics, LongSupplier clock) {
        this.metrics = metrics;
        this.clock = clock;
        this.resources = plan.ioThreads() > 0 ? ClientResources.create(plan.ioThreads()) : ClientResources.create();
        int n = plan.clients();
        this.clients = new TetherClient[n];
        this.connections = new Connection[n];
        this.everConnected = new AtomicIntegerArray(n);
        this.lastFailure = new java.util.concurrent.atomic.AtomicReferenceArray<>(n);
        this.lastRttNanos = new long[n];
        Arrays.fill(lastRttNanos, -1);
        TlsOptions tls = tls(plan.tls());
        List<InetAddress> sources = plan.sourceAddresses();
        ClientConfig first = null;
        for (int i = 0; i < n; i++) {
            // Client i starts at target i mod T and fails over to the others: load spreads evenly.
            List<InetSocketAddress> endpoints = new ArrayList<>(targets.size());
            for (int t = 0; t < targets.size(); t++) {
                endpoints.add(targets.get((i + t) % targets.size()));
            }
            ClientConfig.Builder config = ClientConfig.builder()
                    .endpoints(endpoints)
                    .clientId("loadtool-" + (plan.firstClient() + i))
                    .requestTimeout(plan.requestTimeout())
                    .resumption(plan.resumption());
            if (plan.heartbeat() != null) {
                config.heartbeatInterval(plan.heartbeat()); // the dead-peer timeout follows the interval in force
            }
            if (plan.authToken() != null) {
                config.authToken(plan.authToken());
            }
            if (tls != null) {
                config.tls(tls);
            }
            if (!sources.isEmpty()) {
                config.localAddress(sources.get(i % sources.size()));
            }
            int index = i;
            ClientConfig built = config.build();
            if (first == null) {
                first = built;
            }
            clients[i] = TetherClient.builder()
                    .config(built)
                    .resources(resources)
                    .onStateChange(change -> stateChanged(index, change))
                    .onPush(this::pushed)
                    .build();
            connections[i] = new Connection(clients[i]);
        }
        this.firstConfig = first;
        this.firstClient = plan.firstClient();
    }

    /** Most extra connections {@link #warmUp} opens. */
    static final int MAX_WARMUP_CONNECTIONS = 200;

    /**
     * Connects a few extra clients (as many as planned, at most {@value #MAX_WARMUP_CONNECTIONS}; not
     * counted), sends one request on each, and closes them. A fresh JVM runs the connect path interpreted
     * at first, so without this the first second of the ramp would measure the generator's JIT compiler
     * rather than the server. Failures are left to the ramp to report.
     */
    @Override
    public void warmUp(boolean request) {
        int n = Math.min(MAX_WARMUP_CONNECTIONS, clients.length);
        List<TetherClient> extra = new ArrayList<>(n);
        List<CompletableFuture<?>> done = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            TetherClient c = TetherClient.builder()
                    .config(firstConfig.toBuilder().clientId("loadtool-warmup-" + (firstClient + i)).build())
                    .resources(resources)
                    .build();
            extra.add(c);
            done.add(c.connect().thenCompose(v -> request ? c.request(new byte[16]) : CompletableFuture.completedFuture(null)));
        }
        try {
            CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // The ramp will count and report what is wrong with the target.
        }
        List<CompletableFuture<Void>> closes = new ArrayList<>(n);
        for (TetherClient c : extra) {
            closes.add(c.closeAsync());
        }
        try {
            CompletableFuture.allOf(closes.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Closed with the resources at the end at the latest.
        }
    }

    private static TlsOptions tls(LoadPlan.Tls tls) {
        if (tls == null) {
            return null;
        }
        TlsOptions trust = tls.insecure() ? TlsOptions.trustAll()
                : tls.caFile() != null ? TlsOptions.trusting(tls.caFile()) : TlsOptions.system();
        return tls.clientCertificateFile() != null ? trust.withClientCertificate(tls.clientCertificateFile(), tls.clientKeyFile()) : trust;
    }

    @Override
    public int size() {
        return clients.length;
    }

    @Override
    public LoadConnection connection(int i) {
        return connections[i];
    }

    /** Starts client {@code i}'s first connect; records its connect time or counts the failure. */
    @Override
    public CompletableFuture<?> connect(int i) {
        long start = clock.getAsLong();
        firstConnectCall.compareAndSet(Long.MIN_VALUE, start);
        CompletableFuture<Void> f = clients[i].connect();
        return f.whenComplete((v, e) -> {
            if (e == null) {
                long now = clock.getAsLong();
                metrics.result.record(Metric.CONNECT, now - start);
                lastConnected.accumulateAndGet(now, Math::max);
            } else {
                metrics.connectFailed(e);
                if (everConnected.get(i) == 0) {
                    lastFailure.set(i, RunMetrics.reason(e));
                }
            }
        });
    }

    @Override
    public java.util.Map<String, Long> neverConnected() {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        for (int i = 0; i < clients.length; i++) {
            if (everConnected.get(i) == 0) {
                String why = lastFailure.get(i);
                out.merge(why == null ? STILL_CONNECTING : why, 1L, Long::sum);
            }
        }
        return out;
    }

    /**
     * From the first connect call to the last successful handshake of the ramp, in nanoseconds; 0 when
     * nothing connected.
     */
    @Override
    public long rampNanos() {
        long first = firstConnectCall.get();
        long last = lastConnected.get();
        return first == Long.MIN_VALUE || last == Long.MIN_VALUE ? 0 : Math.max(0, last - first);
    }

    @Override
    public int connected() {
        return connected.get();
    }

    @Override
    public long reconnects() {
        return reconnects.sum();
    }

    private void stateChanged(int i, StateChange change) {
        if (change.cause() != null && everConnected.get(i) == 0) {
            lastFailure.set(i, RunMetrics.reason(change.cause()));
        }
        if (change.current() == ConnectionState.CONNECTED && change.previous() != ConnectionState.CONNECTED) {
            connected.incrementAndGet();
            if (everConnected.getAndSet(i, 1) == 1) {
                reconnects.increment();
            }
        } else if (change.previous() == ConnectionState.CONNECTED && change.current() != ConnectionState.CONNECTED) {
            connected.decrementAndGet();
            if (!closing && change.current() != ConnectionState.DRAINING) {
                metrics.error("CONNECTION_LOST"); // a graceful drain is no error: the outage recorder counts it
            }
        }
        OutageRecorder outages = metrics.outages();
        if (outages != null && !closing) {
            outages.changed(i, change.previous(), change.current(), clock.getAsLong());
        }
    }

    private void pushed(ServerPush push) {
        metrics.pushesReceived.increment();
        long now = clock.getAsLong();
        if (push.serverTimestampMicros() < 0) {
            return;
        }
        Instant t = Instant.now();
        long nowMicros = TimeUnit.SECONDS.toMicros(t.getEpochSecond()) + t.getNano() / 1_000;
        metrics.pushed(now, TimeUnit.MICROSECONDS.toNanos(nowMicros - push.serverTimestampMicros()));
    }

    @Override
    public SessionCounters sessionCounters() {
        SessionCounters sum = SessionCounters.NONE;
        for (TetherClient c : clients) {
            sum = sum.plus(SessionCounters.of(c.stats()));
        }
        return sum;
    }

    /** Records each client's heartbeat round trip if it changed since the last sample. */
    @Override
    public void sampleHeartbeats() {
        long now = clock.getAsLong();
        for (int i = 0; i < clients.length; i++) {
            Duration rtt = clients[i].stats().lastHeartbeatRtt();
            if (rtt != null && rtt.toNanos() != lastRttNanos[i]) {
                lastRttNanos[i] = rtt.toNanos();
                metrics.recorders(now).record(Metric.HEARTBEAT, lastRttNanos[i]);
            }
        }
    }

    /** Closes every client (bounded), then the shared resources. */
    @Override
    public void close() {
        closing = true;
        List<CompletableFuture<Void>> closes = new ArrayList<>(clients.length);
        for (TetherClient c : clients) {
            closes.add(c.closeAsync());
        }
        try {
            CompletableFuture.allOf(closes.toArray(new CompletableFuture<?>[0])).get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Whatever did not close in time is torn down with the resources below.
        }
        resources.close();
    }

    /** The error kind of a failure: the SDK's reason (REQUEST_TIMEOUT, CONNECT_FAILED...) or the exception's class. */
    static String errorKind(Throwable t) {
        if (t instanceof ClientException) {
            return ((ClientException) t).reason().name();
        }
        return t.getClass().getSimpleName();
    }

    private static final class Connection implements LoadConnection {
        private final TetherClient client;

        Connection(TetherClient client) {
            this.client = client;
        }

        @Override
        public CompletableFuture<?> connect() {
            return client.connect();
        }

        @Override
        public CompletableFuture<?> request(byte[] payload) {
            return client.request(payload);
        }

        @Override
        public CompletableFuture<?> send(byte[] payload) {
            return client.send(payload);
        }

        @Override
        public boolean connected() {
            return client.state() == ConnectionState.CONNECTED;
        }

        @Override
        public Duration lastHeartbeatRtt() {
            return client.stats().lastHeartbeatRtt();
        }
    }
}
