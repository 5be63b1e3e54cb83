package dev.tether.loadtool.run;

import dev.tether.loadtool.report.MetricRecorders;
import dev.tether.loadtool.report.MixReport;
import dev.tether.loadtool.report.RunReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.HdrHistogram.Recorder;

/**
 * The operations of a run with a {@link RequestMix}: each one is the entry the mix chooses for the client and
 * its message number, sent as a request or a send with the entry's payload filled in. Records, per entry and
 * for the measured period only, the time of each success (from its intended send time in the scheduled
 * modes, as the run's {@code latency}; from its actual send in the closed model, as {@code service}) and the
 * failures by kind, for the report's per-entry table.
 */
final class MixOperations implements Operations {
    private final RequestMix mix;
    private final int firstClient;
    private final RunMetrics metrics;
    private final boolean corrected;
    private final LongSupplier wallMillis;
    private final Recorder[] times;
    /** One writer at a time per entry: see {@link #ended}. */
    private final Object[] writeLocks;
    private final LongAdder[] errors;
    private final List<ConcurrentHashMap<String, LongAdder>> errorKinds = new ArrayList<>();

    /**
     * @param firstClient the number of slot 0's client in the whole plan (so that shards choose as one run)
     * @param corrected   time successes from their intended send time (the scheduled modes)
     * @param wallMillis  the wall clock for {@code ${time}}
     */
    MixOperations(RequestMix mix, int firstClient, RunMetrics metrics, boolean corrected, LongSupplier wallMillis) {
        this.mix = mix;
        this.firstClient = firstClient;
        this.metrics = metrics;
        this.corrected = corrected;
        this.wallMillis = wallMillis;
        int n = mix.entries().size();
        this.times = new Recorder[n];
        this.writeLocks = new Object[n];
        this.errors = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            // Packed: an entry holds memory for the values it saw, not a full histogram's ~270 KiB (times two).
            times[i] = new Recorder(MetricRecorders.SIGNIFICANT_DIGITS, true);
            writeLocks[i] = new Object();
            errors[i] = new LongAdder();
            errorKinds.add(new ConcurrentHashMap<>());
        }
    }

    @Override
    public CompletableFuture<?> start(LoadConnection connection, int index, long seq) {
        long client = firstClient + (long) index;
        int e = mix.choose(client, seq);
        byte[] payload = mix.payload(e, client, seq, wallMillis.getAsLong());
        return mix.entries().get(e).kind() == RequestMix.Kind.SEND ? connection.send(payload) : connection.request(payload);
    }

    @Override
    public void ended(int index, long seq, long intendedNanos, long sentNanos, long doneNanos, Throwable error) {
        if (!metrics.measured(intendedNanos)) {
            return; // warm-up
        }
        int e = mix.choose(firstClient + (long) index, seq); // the same entry start() chose
        if (error == null) {
            long nanos = doneNanos - (corrected ? intendedNanos : sentNanos);
            // Serialised per entry: two event loops recording at once into a packed recorder while it grows its storage
            // were seen to spin forever (1,000 clients on 2 event loops, docs/BENCHMARKS.md "The chat sample under
            // load"): the resizing writer waits for the other, which waits for the resize. The reader
            // (getIntervalHistogram) takes no such lock; it only waits for the one writer inside, which finishes.
            synchronized (writeLocks[e]) {
                times[e].recordValue(Math.max(0, Math.min(nanos, MetricRecorders.HIGHEST_TRACKABLE_NANOS)));
            }
        } else {
            errors[e].increment();
            errorKinds.get(e).computeIfAbsent(metrics.kindOf(error), k -> new LongAdder()).increment();
        }
    }

    /** Puts the per-entry table into the report; call once, after the run. */
    void report(RunReport report) {
        List<MixReport.Entry> rows = new ArrayList<>();
        for (int i = 0; i < times.length; i++) {
            RequestMix.Entry e = mix.entries().get(i);
            Map<String, Long> kinds = new TreeMap<>();
            errorKinds.get(i).forEach((k, v) -> kinds.put(k, v.sum()));
            rows.add(new MixReport.Entry(e.name(), e.kind().label(), e.weight(), times[i].getIntervalHistogram(), errors[i].sum(), kinds));
        }
        report.mix(new MixReport(mix.source(), mix.seed(), corrected ? "latency" : "service", rows));
    }
}
