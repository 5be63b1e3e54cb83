package dev.tether.loadtool.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Everything a report shows, built only from histograms and counters: by a live run
 * ({@code loadtool run}) or from {@code .hlog} files ({@code loadtool report}), so both print the same
 * summary, JSON and HTML. Histograms of several runs are added, never their percentiles averaged.
 */
public final class RunReport {
    // Counters. Sums when runs are merged, except the ones in MAX_ON_MERGE.
    public static final String CLIENTS_TARGET = "clients.target";
    public static final String CLIENTS_CONNECTED = "clients.connected";
    public static final String CLIENTS_PEAK = "clients.peak";
    public static final String CONNECT_FAILURES = "clients.connectFailures";
    public static final String RECONNECTS = "clients.reconnects";
    /** First connect call to last handshake of the ramp. */
    public static final String RAMP_MILLIS = "clients.rampMillis";
    public static final String TARGET_CONNECT_RATE = "plan.connectRate";
    public static final String OPS_SCHEDULED = "ops.scheduled";
    public static final String OPS_COMPLETED = "ops.completed";
    public static final String OPS_LATE = "ops.late";
    public static final String OPS_NOT_SENT = "ops.notSent";
    public static final String OPS_UNFINISHED = "ops.unfinished";
    public static final String TARGET_RATE = "plan.rate";
    public static final String DURATION_MILLIS = "run.durationMillis";
    public static final String WARMUP_MILLIS = "run.warmupMillis";
    public static final String CPU_MILLIS = "generator.cpuMillis";
    public static final String WALL_MILLIS = "generator.wallMillis";
    public static final String CORES = "generator.cores";
    public static final String HEAP_BYTES = "generator.heapUsedBytes";
    public static final String HEAP_BASELINE_BYTES = "generator.heapBaselineBytes";
    public static final String LATE_THRESHOLD_MILLIS = "plan.lateThresholdMillis";
    /** Prefix of the error counters: {@code errors.CONNECT_FAILED}, {@code errors.REQUEST_TIMEOUT}... */
    public static final String ERRORS_PREFIX = "errors.";

    // Info strings.
    public static final String MODE = "mode";
    public static final String TARGET = "target";
    public static final String STARTED = "started";
    public static final String SOURCE = "source";

    /** Gauge names in the timeline. */
    public static final String GAUGE_CONNECTED = "connected";
    public static final String GAUGE_ERRORS = "errors";

    private static final Set<String> MAX_ON_MERGE = Set.of(DURATION_MILLIS, WARMUP_MILLIS, WALL_MILLIS,
            LATE_THRESHOLD_MILLIS, RAMP_MILLIS);

    private final Map<String, String> info = new LinkedHashMap<>();
    private final Map<String, Long> counters = new TreeMap<>();
    private final EnumMap<Metric, Histogram> result = new EnumMap<>(Metric.class);
    private final EnumMap<Metric, Histogram> warmup = new EnumMap<>(Metric.class);
    private final Timeline timeline = new Timeline();
    private int runs = 1;
    private boolean interrupted;
    private String failure;

    /**
     * Adds one interval histogram. {@code warmup} intervals are kept apart and are not the result.
     * {@code startSeconds} is the interval's start, seconds since the run began (for the timeline).
     */
    public void addInterval(Metric metric, Histogram interval, boolean isWarmup, double startSeconds) {
        if (interval.getTotalCount() == 0) {
            return;
        }
        (isWarmup ? warmup : result).computeIfAbsent(metric, m -> MetricRecorders.newHistogram()).add(interval);
        if (!isWarmup) {
            timeline.add(metric, startSeconds, interval);
        }
    }

    /** The result histogram of a metric (warm-up excluded), or {@code null} when nothing was recorded. */
    public Histogram histogram(Metric metric) {
        return result.get(metric);
    }

    /** The warm-up histogram of a metric, or {@code null}. */
    public Histogram warmupHistogram(Metric metric) {
        return warmup.get(metric);
    }

    public Timeline timeline() {
        return timeline;
    }

    public void info(String key, String value) {
        if (value != null) {
            info.put(key, value);
        }
    }

    /** An info value, or {@code null}. */
    public String info(String key) {
        return info.get(key);
    }

    public Map<String, String> info() {
        return Collections.unmodifiableMap(info);
    }

    public void counter(String key, long value) {
        counters.put(key, value);
    }

    public void addCounter(String key, long delta) {
        counters.merge(key, delta, Long::sum);
    }

    /** A counter's value, 0 when it was never set. */
    public long counter(String key) {
        return counters.getOrDefault(key, 0L);
    }

    public boolean hasCounter(String key) {
        return counters.containsKey(key);
    }

    public Map<String, Long> counters() {
        return Collections.unmodifiableMap(counters);
    }

    /** Whether the run was stopped before its plan ended (Ctrl-C, SIGTERM). */
    public boolean interrupted() {
        return interrupted;
    }

    public void interrupted(boolean value) {
        interrupted = value;
    }

    /** Why the run could not do its job (nothing could connect, ...); {@code null} when it could. */
    public String failure() {
        return failure;
    }

    public void failure(String why) {
        failure = why;
    }

    /** How many runs (hlog files) this report merges; 1 for a live run. */
    public int runs() {
        return runs;
    }

    /**
     * Folds another run's counters and info into this one (histograms are added through
     * {@link #addInterval} as they are read). Counts add up; durations take the longest.
     */
    public void mergeCountersAndInfo(Map<String, Long> otherCounters, Map<String, String> otherInfo, boolean first) {
        if (!first) {
            runs++;
        }
        otherCounters.forEach((k, v) -> counters.merge(k, v, MAX_ON_MERGE.contains(k) ? Math::max : Long::sum));
        otherInfo.forEach((k, v) -> info.merge(k, v, (a, b) -> a.equals(b) || a.contains(b) ? a : a + ", " + b));
    }

    /** Errors by kind (counter name without the prefix), largest first. */
    public Map<String, Long> errorsByKind() {
        List<Map.Entry<String, Long>> list = new ArrayList<>();
        for (Map.Entry<String, Long> e : counters.entrySet()) {
            if (e.getKey().startsWith(ERRORS_PREFIX) && e.getValue() > 0) {
                list.add(Map.entry(e.getKey().substring(ERRORS_PREFIX.length()), e.getValue()));
            }
        }
        list.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        Map<String, Long> out = new LinkedHashMap<>();
        list.forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    public long errors() {
        long sum = 0;
        for (long v : errorsByKind().values()) {
            sum += v;
        }
        return sum;
    }

    /**
     * Errors as a fraction of everything attempted: completed operations, connect attempts and the
     * errors themselves. 0 when nothing was attempted.
     */
    public double errorRate() {
        long errors = errors();
        long attempted = counter(OPS_COMPLETED) + counter(CLIENTS_TARGET) + errors;
        return attempted == 0 ? 0 : (double) errors / attempted;
    }

    /** Clients connected per second during the ramp (peak connected over the ramp time), 0 when unknown. */
    public double achievedConnectRate() {
        long ramp = counter(RAMP_MILLIS);
        return ramp <= 0 ? 0 : counter(CLIENTS_PEAK) * 1000.0 / ramp;
    }

    /** Measured seconds (warm-up excluded). */
    public double durationSeconds() {
        return counter(DURATION_MILLIS) / 1000.0;
    }

    /** Completed operations (responses, sends, pushes) per second over the measured period. */
    public double throughput() {
        double s = durationSeconds();
        return s <= 0 ? 0 : counter(OPS_COMPLETED) / s;
    }

    /** The mode of the run ({@code rate}, {@code closed}, {@code send}, {@code push}, {@code idle}), or "". */
    public String mode() {
        String m = info.get(MODE);
        return m == null ? "" : m;
    }

    /** The histogram that best describes the workload: latency, else service, push, heartbeat, connect. */
    public Metric primaryMetric() {
        for (Metric m : new Metric[] {Metric.LATENCY, Metric.SERVICE, Metric.PUSH, Metric.HEARTBEAT, Metric.CONNECT}) {
            if (result.containsKey(m)) {
                return m;
            }
        }
        return Metric.LATENCY;
    }

    /** Generator CPU use in percent of one core (100 = one core busy), or -1 when not known. */
    public double cpuPercent() {
        long wall = counter(WALL_MILLIS);
        return wall <= 0 || !hasCounter(CPU_MILLIS) ? -1 : 100.0 * counter(CPU_MILLIS) / wall;
    }

    /**
     * Heap the clients hold, per client, in bytes: heap after the ramp minus heap before the clients were
     * built (both after a GC); -1 when not known.
     */
    public double heapPerClient() {
        long clients = counter(CLIENTS_TARGET);
        if (!hasCounter(HEAP_BASELINE_BYTES) || clients <= 0 || runs > 1) {
            return -1;
        }
        return Math.max(0, counter(HEAP_BYTES) - counter(HEAP_BASELINE_BYTES)) / (double) clients;
    }

    /** What a reader must not miss: the generator fell short of its plan, or was the bottleneck. */
    public List<String> warnings() {
        List<String> w = new ArrayList<>();
        if (interrupted) {
            w.add("the run was interrupted before its plan ended: the result covers only the time it ran");
        }
        long target = counter(CLIENTS_TARGET);
        if (target > 0 && hasCounter(CLIENTS_PEAK) && counter(CLIENTS_PEAK) < target) {
            w.add(String.format(Locale.ROOT, "only %d of %d clients were connected at the peak", counter(CLIENTS_PEAK), target));
        }
        if (target > 0 && hasCounter(CLIENTS_CONNECTED) && counter(CLIENTS_CONNECTED) < counter(CLIENTS_PEAK)) {
            w.add(String.format(Locale.ROOT, "%d clients were connected at the end (peak %d)", counter(CLIENTS_CONNECTED), counter(CLIENTS_PEAK)));
        }
        long rate = counter(TARGET_RATE);
        if (rate > 0 && durationSeconds() > 0 && throughput() < 0.95 * rate) {
            w.add(String.format(Locale.ROOT, "achieved rate %.1f/s is below the target %d/s: the generator or the server could not keep up", throughput(), rate));
        }
        if (counter(OPS_LATE) > 0) {
            w.add(String.format(Locale.ROOT, "%d operations left the generator more than %d ms after their intended time (their latency counts from the intended time)",
                    counter(OPS_LATE), counter(LATE_THRESHOLD_MILLIS)));
        }
        if (counter(OPS_NOT_SENT) > 0) {
            w.add(counter(OPS_NOT_SENT) + " scheduled operations were never sent (client not connected or run ended first)");
        }
        if (counter(OPS_UNFINISHED) > 0) {
            w.add(counter(OPS_UNFINISHED) + " operations had no answer when the run ended");
        }
        double cpu = cpuPercent();
        long cores = counter(CORES);
        if (cpu >= 0 && cores > 0 && cpu > 85.0 * cores) {
            w.add(String.format(Locale.ROOT, "the generator used %.0f%% CPU of %d cores: it may be the bottleneck", cpu, cores));
        }
        return w;
    }
}
