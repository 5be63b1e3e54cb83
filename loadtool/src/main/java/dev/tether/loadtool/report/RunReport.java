package dev.tether.loadtool.report;

import java.util.ArrayList;
import java.time.Instant;
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
    /** Clients that never completed a handshake by the end of the run (connect failures or still connecting). */
    public static final String NEVER_CONNECTED = "clients.neverConnected";
    /** Prefix of the never-connected clients by their last failure's reason: {@code neverConnected.Connection refused}. */
    public static final String NEVER_CONNECTED_PREFIX = "neverConnected.";
    /** First connect call to last handshake of the ramp. */
    public static final String RAMP_MILLIS = "clients.rampMillis";
    /**
     * Before the ramp, not in it: from the start of the run (fanned out: of the parent's, child JVMs starting
     * included) until every client was built and warmed up and the ramp could start.
     */
    public static final String READY_MILLIS = "clients.readyMillis";
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
    /**
     * A fanned-out run on one machine: the resident memory (RSS, JVMs included) of its client processes and of its
     * server processes, and how many clients were connected then; set by run --processes on the merge only.
     */
    public static final String CLIENT_RSS_BYTES = "memory.clientProcessesRssBytes";
    public static final String SERVER_RSS_BYTES = "memory.serverProcessesRssBytes";
    public static final String RSS_CONNECTIONS = "memory.connections";
    public static final String CLIENT_PROCESSES = "memory.clientProcesses";
    public static final String SERVER_PROCESSES = "memory.serverProcesses";
    public static final String LATE_THRESHOLD_MILLIS = "plan.lateThresholdMillis";
    /** Outage episodes (see loadtool/README.md, "Outages and storms"): counts, except where the name has a unit. */
    public static final String OUTAGE_EPISODES = "outage.episodes";
    public static final String OUTAGE_RECOVERED = "outage.recovered";
    public static final String OUTAGE_DISCONNECTS = "outage.disconnects";
    public static final String OUTAGE_DRAINS = "outage.drains";
    public static final String OUTAGE_ATTEMPTS = "outage.reconnectAttempts";
    public static final String OUTAGE_RECONNECTS = "outage.reconnects";
    /** The longest episode that ended with every client back: its start to the last client's return. */
    public static final String OUTAGE_ALL_BACK_MILLIS = "outage.allBackMillis";
    public static final String OUTAGE_PEAK_RATE = "outage.peakReconnectsPerSecond";
    public static final String OUTAGE_DOWN_AT_END = "outage.downAtEnd";
    /** Info: one line per outage episode, joined with "; ". */
    public static final String OUTAGES = "outages";
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
    /** Per second: clients that lost their connection, reconnect attempts, clients back. */
    public static final String GAUGE_DISCONNECTS = "disconnects";
    public static final String GAUGE_RECONNECT_ATTEMPTS = "reconnectAttempts";
    public static final String GAUGE_RECONNECTS = "reconnects";

    /** Counters of the plan or the ramp: added only when the inputs ran side by side (shards of one run). */
    private static final Set<String> SIDE_BY_SIDE_ONLY = Set.of(CLIENTS_TARGET, CLIENTS_CONNECTED, CLIENTS_PEAK,
            RAMP_MILLIS, READY_MILLIS, TARGET_CONNECT_RATE, TARGET_RATE, DURATION_MILLIS, WARMUP_MILLIS, LATE_THRESHOLD_MILLIS,
            CPU_MILLIS, WALL_MILLIS);
    /** Of those, the ones that take the largest value instead of the sum (CPU time adds up, its wall time does not). */
    private static final Set<String> MAX_ON_MERGE = Set.of(DURATION_MILLIS, WARMUP_MILLIS, LATE_THRESHOLD_MILLIS, RAMP_MILLIS, READY_MILLIS,
            WALL_MILLIS, OUTAGE_ALL_BACK_MILLIS); // shards' clients come back side by side: the slowest shard is the time to all back
    /**
     * Figures of one generator's machine or heap: never added across inputs (processes may share a machine, and
     * heaps per client do not add). Whoever knows the machines may set them on the merge (run --processes does).
     */
    private static final Set<String> PER_GENERATOR = Set.of(CORES, HEAP_BYTES, HEAP_BASELINE_BYTES, CLIENT_RSS_BYTES, SERVER_RSS_BYTES,
            RSS_CONNECTIONS, CLIENT_PROCESSES, SERVER_PROCESSES);

    private final Map<String, String> info = new LinkedHashMap<>();
    private final Map<String, Long> counters = new TreeMap<>();
    private final EnumMap<Metric, Histogram> result = new EnumMap<>(Metric.class);
    private final EnumMap<Metric, Histogram> warmup = new EnumMap<>(Metric.class);
    private final Timeline timeline = new Timeline();
    private final List<RunReport> inputs = new ArrayList<>();
    private RunParameters parameters;
    private boolean interrupted;
    private String failure;
    private boolean sideBySide = true;
    private MixReport mix;

    /**
     * Adds one interval histogram. {@code warmup} intervals are kept apart and are not the result.
     * {@code startSeconds} is the interval's start, seconds since the run began (for the timeline).
     */
    public void addInterval(Metric metric, Histogram interval, boolean isWarmup, double startSeconds) {
        if (interval.getTotalCount() == 0) {
            return;
        }
        (isWarmup ? warmup : result).computeIfAbsent(metric, m -> MetricRecorders.newHistogram()).add(interval);
        timeline.add(metric, startSeconds, interval, isWarmup);
    }

    /** Whether any histogram, result or warm-up, holds a value. */
    public boolean hasValues() {
        return !result.isEmpty() || !warmup.isEmpty();
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

    /** Why the run could not do its job (nothing could connect, ...); {@code null} when it could. */
    public String failure() {
        return failure;
    }

    public void failure(String why) {
        failure = why;
    }

    /** How many runs (hlog files) this report merges; 1 for a live run. */
    public int runs() {
        return inputs.isEmpty() ? 1 : inputs.size();
    }

    /** The plan this run followed; {@code null} when not known (an older log) or when this report merges several runs. */
    public RunParameters parameters() {
        return parameters;
    }

    public void parameters(RunParameters p) {
        parameters = p;
    }

    /** The per-entry figures of a run with a request mix ({@code --mix}); {@code null} without one (see {@link MixReport#merge}). */
    public MixReport mix() {
        return mix;
    }

    public void mix(MixReport value) {
        mix = value;
    }

    /** Whether the run was stopped before its plan ended (Ctrl-C, SIGTERM); a merge is interrupted when any input was. */
    public boolean interrupted() {
        return interrupted;
    }

    public void interrupted(boolean value) {
        interrupted = value;
    }

    /** The runs a merged report was built from, in the order given; empty for a single run. */
    public List<RunReport> inputs() {
        return Collections.unmodifiableList(inputs);
    }

    /**
     * Whether the merged inputs ran side by side as shards of one run (same mode, started within a few seconds,
     * measured periods of about the same length), so their clients, rates and durations add up. Runs made at
     * different times or with different plans merge only their histograms and counts; their plans, rates
     * and generator figures stay per input. Always true for a single run.
     */
    public boolean sideBySide() {
        return sideBySide;
    }

    /**
     * One report from several: histograms are added (never percentiles averaged), counts of operations and
     * errors add up, and the timelines are aligned on each run's own start. Clients, rates and durations add up
     * only when the runs ran {@linkplain #sideBySide() side by side}, and so does generator CPU time; cores and
     * heap never do. Warnings are each input's own, prefixed with its source.
     */
    public static RunReport merge(List<RunReport> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("nothing to merge");
        }
        if (runs.size() == 1) {
            return runs.get(0);
        }
        RunReport merged = new RunReport();
        merged.inputs.addAll(runs);
        merged.sideBySide = ranSideBySide(runs);
        for (RunReport r : runs) {
            r.result.forEach((m, h) -> merged.result.computeIfAbsent(m, k -> MetricRecorders.newHistogram()).add(h));
            r.warmup.forEach((m, h) -> merged.warmup.computeIfAbsent(m, k -> MetricRecorders.newHistogram()).add(h));
            merged.timeline.addAll(r.timeline);
            merged.interrupted |= r.interrupted;
            if (merged.failure == null && r.failure != null) {
                merged.failure = (r.info(SOURCE) == null ? "" : r.info(SOURCE) + ": ") + r.failure;
            }
            r.counters.forEach((k, v) -> {
                if (PER_GENERATOR.contains(k) || (!merged.sideBySide && SIDE_BY_SIDE_ONLY.contains(k))) {
                    return;
                }
                merged.counters.merge(k, v, MAX_ON_MERGE.contains(k) ? Math::max : Long::sum);
            });
            r.info.forEach((k, v) -> merged.info.merge(k, v, (a, b) -> a.equals(b) || a.contains(b) ? a : a + ", " + b));
        }
        merged.mix = MixReport.merge(runs.stream().map(RunReport::mix).toList());
        String started = runs.stream().map(r -> r.info(STARTED)).filter(s -> s != null).min(String::compareTo).orElse(null);
        if (started != null) {
            merged.info.put(STARTED, started);
        }
        return merged;
    }

    private static boolean ranSideBySide(List<RunReport> runs) {
        RunReport first = runs.get(0);
        // Shards of one plan (run --shard K/N, checked by ShardMerge) ran side by side by construction.
        String plan = first.info(ShardMerge.PLAN);
        if (plan != null && runs.stream().allMatch(r -> plan.equals(r.info(ShardMerge.PLAN)) && r.info(ShardMerge.SHARD) != null)) {
            return true;
        }
        long longest = 0;
        long shortest = Long.MAX_VALUE;
        for (RunReport r : runs) {
            if (!r.mode().equals(first.mode()) || !r.hasCounter(DURATION_MILLIS)) {
                return false;
            }
            longest = Math.max(longest, r.counter(DURATION_MILLIS));
            shortest = Math.min(shortest, r.counter(DURATION_MILLIS));
        }
        if (shortest < 0.9 * longest - 1000) {
            return false;
        }
        Instant earliest = null;
        Instant latest = null;
        for (RunReport r : runs) {
            Instant s = r.startedAt();
            if (s == null) {
                return false;
            }
            earliest = earliest == null || s.isBefore(earliest) ? s : earliest;
            latest = latest == null || s.isAfter(latest) ? s : latest;
        }
        long spreadMillis = latest.toEpochMilli() - earliest.toEpochMilli();
        return spreadMillis <= Math.max(5_000, longest / 10);
    }

    /** When the run started, or {@code null} when not known. */
    public Instant startedAt() {
        String s = info.get(STARTED);
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s.trim());
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
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

    /** Clients that never completed a handshake, by their last failure's reason, largest first; empty when none. */
    public Map<String, Long> neverConnectedByReason() {
        List<Map.Entry<String, Long>> list = new ArrayList<>();
        for (Map.Entry<String, Long> e : counters.entrySet()) {
            if (e.getKey().startsWith(NEVER_CONNECTED_PREFIX) && e.getValue() > 0) {
                list.add(Map.entry(e.getKey().substring(NEVER_CONNECTED_PREFIX.length()), e.getValue()));
            }
        }
        list.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        Map<String, Long> out = new LinkedHashMap<>();
        list.forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** The never-connected clients and why, e.g. {@code 12 Connection refused, 3 still connecting, no failure seen}. */
    public String neverConnectedReasons() {
        List<String> parts = new ArrayList<>();
        neverConnectedByReason().forEach((why, n) -> parts.add(n + " " + why));
        return String.join(", ", parts);
    }

    /**
     * Whether every planned client completed a handshake at some point of the run; {@code false} when some never
     * did, so the ramp did not complete (its time is then that of the clients that connected).
     */
    public boolean rampCompleted() {
        return counter(NEVER_CONNECTED) == 0;
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
        if (!hasCounter(HEAP_BASELINE_BYTES) || clients <= 0) {
            return -1;
        }
        return Math.max(0, counter(HEAP_BYTES) - counter(HEAP_BASELINE_BYTES)) / (double) clients;
    }

    /** What a reader must not miss: the generator fell short of its plan, or was the bottleneck. */
    public List<String> warnings() {
        List<String> w = new ArrayList<>();
        if (!inputs.isEmpty()) {
            // Each input against its own plan: a merge of runs with different plans has no plan to fall short of.
            for (RunReport in : inputs) {
                String name = in.info(SOURCE) == null ? "" : in.info(SOURCE) + ": ";
                for (String one : in.warnings()) {
                    w.add(name + one);
                }
            }
            return w;
        }
        Delivery delivery = Delivery.of(this);
        if (delivery != null) {
            w.addAll(delivery.problems()); // first: nothing else in a report matters as much as a message lost
        }
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
        if (counter(NEVER_CONNECTED) > 0) {
            String why = neverConnectedReasons();
            w.add(String.format(Locale.ROOT, "%d of %d clients never connected by the end of the run, so the ramp did not complete%s",
                    counter(NEVER_CONNECTED), target, why.isEmpty() ? "" : " (" + why + ")"));
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
