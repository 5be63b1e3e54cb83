package dev.tether.loadtool.run;

import dev.tether.loadtool.report.Metric;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A run's clients as {@link ScriptedConnection}s on a {@link FakeClock}: each connects in one fake millisecond. */
final class ScriptedClients implements LoadClients {
    private final List<ScriptedConnection> connections;
    private final RunMetrics metrics;
    private final AtomicInteger connected = new AtomicInteger();
    boolean closed;
    /** What {@link #rampNanos()} answers; a test may make it grow with fake time, like connects that end late. */
    java.util.function.LongSupplier ramp = () -> TimeUnit.MILLISECONDS.toNanos(1);

    ScriptedClients(List<ScriptedConnection> connections, RunMetrics metrics) {
        this.connections = connections;
        this.metrics = metrics;
    }

    @Override
    public int size() {
        return connections.size();
    }

    @Override
    public LoadConnection connection(int i) {
        return connections.get(i);
    }

    /** Told of every {@link #warmUp} and {@link #connect} call, in order: "warmUp", "connect 0", ... */
    java.util.function.Consumer<String> calls = call -> { };

    @Override
    public CompletableFuture<?> connect(int i) {
        calls.accept("connect " + i);
        metrics.result.record(Metric.CONNECT, TimeUnit.MILLISECONDS.toNanos(1));
        connected.incrementAndGet();
        return connections.get(i).connect();
    }

    @Override
    public void warmUp(boolean request) {
        calls.accept("warmUp");
    }

    @Override
    public int connected() {
        return connected.get();
    }

    @Override
    public long reconnects() {
        return 0;
    }

    @Override
    public long rampNanos() {
        return ramp.getAsLong();
    }

    /** What {@link #sessionCounters()} answers; {@code null} = what an honest SDK would: the sends its connections hold. */
    java.util.function.Supplier<SessionCounters> sessions;

    @Override
    public SessionCounters sessionCounters() {
        if (sessions != null) {
            return sessions.get();
        }
        long held = 0;
        for (ScriptedConnection c : connections) {
            held += c.pending();
        }
        return new SessionCounters(0, 0, connections.size(), 0, 0, held, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    @Override
    public void sampleHeartbeats() {
    }

    @Override
    public void close() {
        closed = true;
    }
}
