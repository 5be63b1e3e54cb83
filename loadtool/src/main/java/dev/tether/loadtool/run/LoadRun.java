package dev.tether.loadtool.run;

import dev.tether.loadtool.report.HlogWriter;
import dev.tether.loadtool.report.Metric;
import dev.tether.loadtool.report.ModeMetrics;
import dev.tether.loadtool.report.RunParameters;
import dev.tether.loadtool.report.RunReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * Executes a {@link LoadPlan}: the Java entry point behind {@code loadtool run} and the shell's
 * {@code bench}.
 *
 * <pre>{@code
 * LoadPlan plan = LoadPlan.builder().clients(500).rate(5_000).duration(Duration.ofSeconds(10)).build();
 * RunResult result = LoadRun.run(plan, new PrintWriter(System.out, true));
 * System.out.print(TextReport.render(result.report(), List.of()));
 * }</pre>
 *
 * <p>Phases: pre-flight checks (open files, ephemeral ports); the embedded reference server when the plan
 * has no target; the ramp (clients connected at the connect rate, connect times recorded); warm-up
 * (recorded apart); the measured period; a drain in which late and outstanding operations finish.
 * One pacer thread (the caller's) walks the constant-rate schedule and one reporter thread reads the
 * histograms each second: the generator has no thread per client.
 */
public final class LoadRun {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    /**
     * The pacer's shortest sleep. Above 10,000 requests/s it sends in batches of what fell due in the last
     * 0.1 ms, which wakes the event loops once per batch instead of once per request (at 20,000/s a 0.25 ms
     * tick cut the generator's system CPU by a third, see docs/BENCHMARKS.md); a request may so leave up
     * to 0.1 ms after its intended time, which counts in its latency.
     */
    static final long PACER_TICK_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

    private final LoadPlan plan;
    private final LiveLine live;
    private final PrintWriter out;
    private final ResourceLimits limits;
    private volatile boolean stopRequested;
    private volatile String commandLine = "";
    private volatile String phase = "start";

    private LoadRun(LoadPlan plan, PrintWriter out, boolean terminal, ResourceLimits limits) {
        this.plan = plan;
        this.out = out;
        this.live = new LiveLine(out, terminal);
        this.limits = limits;
    }

    /**
     * Runs the plan, printing progress to {@code out} (a line a second, rewritten in place when a console
     * is attached), and returns the measurements. Never throws for a failed run: see {@link RunResult}.
     */
    public static RunResult run(LoadPlan plan, PrintWriter out) {
        return create(plan, out, System.console() != null, ResourceLimits.current()).execute();
    }

    /** As {@link #run(LoadPlan, PrintWriter)}, printing to a stream. */
    public static RunResult run(LoadPlan plan, java.io.PrintStream out) {
        return run(plan, new PrintWriter(new java.io.OutputStreamWriter(out, java.nio.charset.Charset.defaultCharset()), true));
    }

    /**
     * A run that has not started yet: {@link #execute()} runs it, {@link #stop()} (from another thread,
     * for example a shutdown hook) ends it early with the result so far.
     *
     * @param terminal rewrite the live line in place instead of appending lines
     * @param limits   the machine's limits for the pre-flight check
     */
    public static LoadRun create(LoadPlan plan, PrintWriter out, boolean terminal, ResourceLimits limits) {
        return new LoadRun(plan, out, terminal, limits);
    }

    /** Ends the run early; the result covers what was measured until now. */
    public void stop() {
        stopRequested = true;
    }

    /** The SDK and server loggers, quietened during a run: every failure is counted by kind instead. */
    private static final java.util.logging.Logger[] QUIET = {
            java.util.logging.Logger.getLogger("dev.tether.client"), java.util.logging.Logger.getLogger("dev.tether.server")};

    /**
     * Runs the plan (once). The SDK's and the embedded server's log messages below SEVERE are muted while it
     * runs (10,000 clients refused by a server would print 10,000 warnings): failures are counted by kind
     * in the result instead.
     */
    public RunResult execute() {
        java.util.logging.Level[] saved = new java.util.logging.Level[QUIET.length];
        for (int i = 0; i < QUIET.length; i++) {
            saved[i] = QUIET[i].getLevel();
            QUIET[i].setLevel(java.util.logging.Level.SEVERE);
        }
        try {
            return executeQuietly();
        } finally {
            for (int i = 0; i < QUIET.length; i++) {
                QUIET[i].setLevel(saved[i]);
            }
        }
    }

    private RunResult executeQuietly() {
        List<String> problems = Preflight.check(plan, limits);
        if (!problems.isEmpty()) {
            for (String p : problems) {
                out.println("loadtool run: refused: " + p);
            }
            out.flush();
            return new RunResult(RunResult.Outcome.REFUSED, null, String.join("\n", problems));
        }
        warmUpNetty();
        EmbeddedServer server = null;
        HlogWriter hlog = null;
        ClientPool pool = null;
        Reporter reporter = null;
        try {
            long startMillis = System.currentTimeMillis();
            long startNanos = System.nanoTime();
            List<InetSocketAddress> targets = plan.targets();
            RunReport report = new RunReport();
            report.info(RunReport.MODE, plan.mode().label());
            report.info(RunReport.STARTED, Instant.ofEpochMilli(startMillis).toString());
            if (plan.mode() == Mode.CLOSED) {
                report.info("outstanding", Integer.toString(plan.outstanding()));
            }
            if (plan.embedded()) {
                server = EmbeddedServer.start(plan);
                targets = List.of(server.address());
                report.info(RunReport.TARGET, hostPort(server.address()) + " (embedded reference server)");
                live.message("No --target given: started the reference server in this process on " + hostPort(server.address())
                        + (plan.serverServiceTime() != null ? " with service time " + plan.serverServiceTime() : "")
                        + (plan.mode() == Mode.PUSH ? String.format(Locale.ROOT, ", pushing %.1f/s to each client", plan.pushRate()) : "")
                        + ".");
            } else {
                report.info(RunReport.TARGET, targets.stream().map(LoadRun::hostPort).collect(Collectors.joining(", ")));
            }
            live.message(describe(targets));
            if (plan.hlog() != null) {
                try {
                    hlog = new HlogWriter(plan.hlog(), startMillis, ModeMetrics.of(plan.mode().label()).primary());
                } catch (IOException e) {
                    return failed("cannot write " + plan.hlog() + ": " + e.getMessage(), null);
                }
            }
            RunMetrics metrics = new RunMetrics(ClientPool::errorKind, plan.lateThreshold().toNanos());
            long heapBefore = heapAfterGc();
            pool = new ClientPool(plan, targets, metrics, System::nanoTime);
            reporter = new Reporter(plan, report, metrics, pool, hlog, live, startMillis, startNanos);
            reporter.start();

            phase = "ramp";
            pool.warmUp(plan.mode() == Mode.RATE || plan.mode() == Mode.CLOSED);
            ramp(pool, System.nanoTime());
            if (pool.connected() == 0) {
                reporter.stop();
                return failed("no client could connect to " + report.info(RunReport.TARGET) + ": "
                        + metrics.errors().keySet().stream().collect(Collectors.joining(", ")), report);
            }
            long rampNanos = pool.rampNanos();
            long heap = heapAfterGc();

            long loadStart = System.nanoTime();
            long measureStart = loadStart + plan.warmup().toNanos();
            long end = measureStart + plan.duration().toNanos();
            metrics.measureFrom(measureStart);
            long cpuStart = -1;
            RateSchedule schedule = plan.mode().scheduled() ? new RateSchedule(loadStart, plan.rate(), pool.size()) : null;
            ClientSlot[] slots = slots(pool, metrics, schedule);
            phase = plan.warmup().isZero() ? "run" : "warmup";
            RequestPacer pacer = schedule != null ? new RequestPacer(schedule, slots, end) : null;
            if (pacer != null) {
                while (!stopRequested) {
                    long now = System.nanoTime();
                    if (cpuStart < 0 && now >= measureStart) {
                        cpuStart = processCpuNanos();
                        phase = "run";
                    }
                    long next = pacer.advance(now);
                    if (next == Long.MAX_VALUE) {
                        break;
                    }
                    long wait = Math.min(next, cpuStart < 0 ? measureStart : next) - System.nanoTime();
                    if (wait > 0) {
                        // At high rates, wake at most every PACER_TICK and send what fell due in a batch: the
                        // event loops are woken once per batch instead of once per request.
                        LockSupport.parkNanos(Math.min(Math.max(wait, PACER_TICK_NANOS), 10_000_000L));
                    }
                }
            } else {
                if (plan.mode() == Mode.CLOSED) {
                    for (ClientSlot s : slots) {
                        s.startClosed(end);
                    }
                }
                cpuStart = waitUntil(measureStart) ? processCpuNanos() : -1;
                phase = "run";
                waitUntil(end);
            }
            long actualEnd = Math.min(System.nanoTime(), end);
            if (cpuStart < 0) {
                cpuStart = processCpuNanos();
            }
            long cpuNanos = processCpuNanos() - cpuStart;
            long measuredNanos = Math.max(0, actualEnd - measureStart);

            phase = "drain";
            if (slots.length > 0 && plan.mode() != Mode.PUSH && plan.mode() != Mode.IDLE) {
                drain(slots);
            }
            reporter.stop();

            report.counter(RunReport.CLIENTS_TARGET, plan.clients());
            report.counter(RunReport.CLIENTS_CONNECTED, pool.connected());
            report.counter(RunReport.CLIENTS_PEAK, reporter.peakConnected());
            report.counter(RunReport.CONNECT_FAILURES, metrics.connectFailures.sum());
            report.counter(RunReport.RAMP_MILLIS, TimeUnit.NANOSECONDS.toMillis(rampNanos));
            report.counter(RunReport.TARGET_CONNECT_RATE, Math.round(plan.connectRate()));
            report.counter(RunReport.RECONNECTS, pool.reconnects());
            report.counter(RunReport.DURATION_MILLIS, TimeUnit.NANOSECONDS.toMillis(measuredNanos));
            report.counter(RunReport.WARMUP_MILLIS, plan.warmup().toMillis());
            report.counter(RunReport.CPU_MILLIS, TimeUnit.NANOSECONDS.toMillis(cpuNanos));
            report.counter(RunReport.WALL_MILLIS, TimeUnit.NANOSECONDS.toMillis(measuredNanos));
            report.counter(RunReport.CORES, Runtime.getRuntime().availableProcessors());
            report.counter(RunReport.HEAP_BYTES, heap);
            report.counter(RunReport.HEAP_BASELINE_BYTES, heapBefore);
            // Completed operations are the values in the result histogram, the source of truth of every figure.
            if (plan.mode() == Mode.PUSH) {
                report.counter(RunReport.OPS_COMPLETED, count(report, Metric.PUSH));
                if (plan.embedded()) {
                    report.counter(RunReport.TARGET_RATE, Math.round(plan.pushRate() * plan.clients()));
                }
            } else if (plan.mode() != Mode.IDLE) {
                report.counter(RunReport.OPS_COMPLETED, count(report, Metric.SERVICE));
            }
            if (schedule != null) {
                long notSent = 0;
                long unfinished = 0;
                for (ClientSlot s : slots) {
                    notSent += s.backlog();
                    unfinished += s.inFlight();
                }
                report.counter(RunReport.TARGET_RATE, Math.round(plan.rate()));
                // What the pacer actually made due (less than planned when the run was stopped early).
                report.counter(RunReport.OPS_SCHEDULED, Math.max(0, pacer.madeDue() - schedule.firstAtOrAfter(measureStart)));
                report.counter(RunReport.OPS_LATE, metrics.late.sum());
                report.counter(RunReport.OPS_NOT_SENT, notSent);
                report.counter(RunReport.OPS_UNFINISHED, unfinished);
                report.counter(RunReport.LATE_THRESHOLD_MILLIS, plan.lateThreshold().toMillis());
            } else if (plan.mode() == Mode.CLOSED) {
                long unfinished = 0;
                for (ClientSlot s : slots) {
                    unfinished += s.inFlight();
                }
                report.counter(RunReport.OPS_UNFINISHED, unfinished);
            }
            metrics.errors().forEach((k, v) -> report.counter(RunReport.ERRORS_PREFIX + k, v));
            if (plan.embedded()) {
                report.info("embedded", "true (CPU and heap include the server)");
            }
            report.parameters(parameters(plan, commandLine));
            report.interrupted(stopRequested);
            if (hlog != null) {
                hlog.summary(report);
            }
            return new RunResult(RunResult.Outcome.COMPLETED, report, null);
        } catch (RuntimeException e) {
            return failed(e.toString(), null);
        } finally {
            live.finish();
            if (reporter != null) {
                reporter.stop();
            }
            if (pool != null) {
                pool.close();
            }
            if (server != null) {
                server.close();
            }
            if (hlog != null) {
                hlog.close();
            }
        }
    }

    /** The command line that started this run, for the reports ("" when not set). */
    void commandLine(String value) {
        commandLine = value == null ? "" : value;
    }

    static RunParameters parameters(LoadPlan plan, String commandLine) {
        return new RunParameters(plan.mode().label(), plan.clients(), plan.connectRate(),
                plan.mode().scheduled() ? plan.rate() : 0, plan.duration().toMillis(), plan.warmup().toMillis(), plan.size(),
                plan.outstanding(), plan.requestTimeout() == null ? 0 : plan.requestTimeout().toMillis(),
                plan.heartbeat() == null ? 0 : plan.heartbeat().toMillis(),
                plan.mode() == Mode.PUSH && plan.embedded() ? plan.pushRate() : 0, plan.lateThreshold().toMillis(),
                null, commandLine);
    }

    private RunResult failed(String message, RunReport report) {
        live.message("loadtool run: failed: " + message);
        return new RunResult(RunResult.Outcome.FAILED, report, message);
    }

    private String describe(List<InetSocketAddress> targets) {
        String work;
        switch (plan.mode()) {
            case RATE:
                work = String.format(Locale.ROOT, "requests at %.0f/s in total (%d-byte payloads, at most %d in flight per client)",
                        plan.rate(), plan.size(), plan.outstanding());
                break;
            case SEND:
                work = String.format(Locale.ROOT, "one-way sends at %.0f/s in total (%d-byte payloads)", plan.rate(), plan.size());
                break;
            case CLOSED:
                work = String.format(Locale.ROOT, "closed model, %d request(s) outstanding per client (%d-byte payloads)",
                        plan.outstanding(), plan.size());
                break;
            case PUSH:
                work = "measuring pushes from the server";
                break;
            default:
                work = "idle, heartbeats only" + (plan.heartbeat() != null ? " every " + plan.heartbeat().toMillis() + " ms" : "");
                break;
        }
        return String.format(Locale.ROOT, "Running %d clients against %s, ramp %.0f clients/s, %s; %d s warm-up + %d s measured.",
                plan.clients(), targets.stream().map(LoadRun::hostPort).collect(Collectors.joining(", ")), plan.connectRate(), work,
                plan.warmup().toSeconds(), plan.duration().toSeconds());
    }

    /**
     * Netty initialises its buffer allocator (and, in 4.2, Java Flight Recorder event types) on the first
     * allocation, which takes a second or more on a busy machine. Done here, before anything is timed, so
     * that the first clients' connect times measure the network and the server, not class loading.
     */
    private static void warmUpNetty() {
        io.netty.buffer.ByteBufAllocator.DEFAULT.directBuffer(64).release();
        io.netty.buffer.ByteBufAllocator.DEFAULT.heapBuffer(64).release();
    }

    static String hostPort(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }

    /** Connects the clients at the connect rate, then waits (bounded) for every handshake to finish. */
    private void ramp(ClientPool pool, long startNanos) {
        double interval = SECOND / plan.connectRate();
        List<CompletableFuture<?>> connects = new ArrayList<>(pool.size());
        for (int i = 0; i < pool.size() && !stopRequested; i++) {
            long due = startNanos + (long) (i * interval);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            connects.add(pool.connect(i));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (CompletableFuture<?> f : connects) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || stopRequested) {
                break;
            }
            try {
                f.get(left, TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                // Counted by the pool as a connect failure.
            }
        }
    }

    private ClientSlot[] slots(ClientPool pool, RunMetrics metrics, RateSchedule schedule) {
        if (plan.mode() == Mode.PUSH || plan.mode() == Mode.IDLE) {
            return new ClientSlot[0];
        }
        byte[] payload = new byte[plan.size()];
        java.util.Arrays.fill(payload, (byte) 'x');
        ClientSlot[] slots = new ClientSlot[pool.size()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new ClientSlot(i, pool.connection(i), plan.mode(), schedule, metrics, System::nanoTime, payload, plan.outstanding());
        }
        return slots;
    }

    private static long count(RunReport report, Metric m) {
        Histogram h = report.histogram(m);
        return h == null ? 0 : h.getTotalCount();
    }

    /** Lets waiting and outstanding operations finish, at most the drain timeout (one second once stopped). */
    private void drain(ClientSlot[] slots) {
        long deadline = System.nanoTime() + (stopRequested ? SECOND : plan.drainTimeout().toNanos());
        while (System.nanoTime() < deadline) {
            boolean idle = true;
            for (ClientSlot s : slots) {
                s.pump(); // a client that reconnected sends what waited for it
                idle &= s.idle();
            }
            if (idle) {
                return;
            }
            LockSupport.parkNanos(5_000_000L);
        }
    }

    /** Waits until {@code nanos}; false when stopped early. */
    private boolean waitUntil(long nanos) {
        while (!stopRequested) {
            long left = nanos - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            LockSupport.parkNanos(Math.min(left, 50_000_000L));
        }
        return false;
    }

    /**
     * Heap in use after a full GC: taken before the clients are built and again after the ramp (before any
     * load is timed), so that their difference is what the clients (and an embedded server's sessions) hold.
     */
    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
        }
        return 0;
    }

    /**
     * Once a second: moves interval histograms into the report and the .hlog, samples heartbeats, and
     * shows the live line.
     */
    private final class Reporter {
        private final RunReport report;
        private final RunMetrics metrics;
        private final ClientPool pool;
        private final HlogWriter hlog;
        private final LiveLine line;
        private final long startMillis;
        private final long startNanos;
        private final Metric primary;
        /** What one count of {@link #primary} is, for the live line: "req", "sends", "pushes", "heartbeats". */
        private final String unit;
        private final Histogram scratch = new Histogram(dev.tether.loadtool.report.MetricRecorders.HIGHEST_TRACKABLE_NANOS, 2);
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "loadtool-reporter");
            t.setDaemon(true);
            return t;
        });
        private volatile int peak;
        private boolean stopped;

        Reporter(LoadPlan plan, RunReport report, RunMetrics metrics, ClientPool pool, HlogWriter hlog, LiveLine line,
                 long startMillis, long startNanos) {
            this.report = report;
            this.metrics = metrics;
            this.pool = pool;
            this.hlog = hlog;
            this.line = line;
            this.startMillis = startMillis;
            this.startNanos = startNanos;
            switch (plan.mode()) {
                case CLOSED:
                    primary = Metric.SERVICE;
                    unit = "req";
                    break;
                case PUSH:
                    primary = Metric.PUSH;
                    unit = "pushes";
                    break;
                case IDLE:
                    primary = Metric.HEARTBEAT;
                    unit = "heartbeats";
                    break;
                case SEND:
                    primary = Metric.LATENCY;
                    unit = "sends";
                    break;
                default:
                    primary = Metric.LATENCY;
                    unit = "req";
                    break;
            }
        }

        void start() {
            timer.scheduleAtFixedRate(this::tickSafely, 1, 1, TimeUnit.SECONDS);
        }

        int peakConnected() {
            return peak;
        }

        private void tickSafely() {
            try {
                tick();
            } catch (RuntimeException e) {
                line.message("loadtool run: reporter: " + e);
            }
        }

        private synchronized void tick() {
            if (stopped) {
                return;
            }
            pool.sampleHeartbeats();
            long nowMillis = System.currentTimeMillis();
            int connected = pool.connected();
            peak = Math.max(peak, connected);
            long count = 0;
            double seconds = 1;
            scratch.reset();
            for (Metric m : Metric.values()) {
                Histogram h = metrics.result.interval(m);
                Histogram w = metrics.warmup.interval(m);
                double at = (h.getStartTimeStamp() - startMillis) / 1000.0;
                if (m == primary || (phase.equals("ramp") && m == Metric.CONNECT)) {
                    scratch.add(h);
                    scratch.add(w);
                    count += h.getTotalCount() + w.getTotalCount();
                    seconds = Math.max(0.001, (h.getEndTimeStamp() - h.getStartTimeStamp()) / 1000.0);
                }
                report.addInterval(m, h, false, at);
                report.addInterval(m, w, true, at);
                if (hlog != null) {
                    hlog.interval(m, h, false);
                    hlog.interval(m, w, true);
                }
            }
            double at = (nowMillis - startMillis) / 1000.0;
            long errors = metrics.errorTotal();
            report.timeline().gauge(RunReport.GAUGE_CONNECTED, at, connected);
            report.timeline().gauge(RunReport.GAUGE_ERRORS, at, errors);
            if (hlog != null) {
                hlog.gauge(RunReport.GAUGE_CONNECTED, nowMillis, connected);
                hlog.gauge(RunReport.GAUGE_ERRORS, nowMillis, errors);
            }
            boolean ramp = phase.equals("ramp");
            line.show(String.format(Locale.ROOT, "[%6.1fs %-6s] connected %d/%d  %.0f %s/s  %s p50 %s  p99 %s  errors %d  reconnects %d",
                    (System.nanoTime() - startNanos) / 1e9, phase, connected, plan.clients(), count / seconds,
                    ramp ? "connects" : unit, ramp ? Metric.CONNECT.tag() : primary.tag(),
                    count == 0 ? "-" : dev.tether.loadtool.report.TextReport.millis(scratch.getValueAtPercentile(50)) + "ms",
                    count == 0 ? "-" : dev.tether.loadtool.report.TextReport.millis(scratch.getValueAtPercentile(99)) + "ms",
                    errors, pool.reconnects()));
        }

        /** Stops the timer and takes the last interval. Idempotent. */
        void stop() {
            timer.shutdown();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (this) {
                if (!stopped) {
                    tick();
                    stopped = true;
                }
            }
        }
    }
}
