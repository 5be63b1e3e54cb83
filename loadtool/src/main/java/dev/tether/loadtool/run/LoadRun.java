package dev.tether.loadtool.run;

import dev.tether.loadtool.DurationConverter;
import dev.tether.loadtool.IoMessages;
import dev.tether.loadtool.report.Delivery;
import dev.tether.loadtool.report.HlogWriter;
import dev.tether.loadtool.report.Metric;
import dev.tether.loadtool.report.RunParameters;
import dev.tether.loadtool.report.RunReport;
import dev.tether.loadtool.report.ShardMerge;
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
 * <p>Phases, one method each in {@link #execute()}: pre-flight checks (open files, ephemeral ports); the server
 * (the embedded reference server when the plan has no target); the ramp (clients connected at the connect rate,
 * connect times recorded); setup (with a mix that has {@code once} entries, {@code MixSetup}); drive (warm-up,
 * recorded apart, then the measured period); a drain in which late and
 * outstanding operations finish; the report. What differs between modes (the loop, the metric, the counters) is
 * the mode's {@link Workload}. The caller's thread drives the load and one reporter thread reads the histograms
 * each second: the generator has no thread per client. Time comes from a {@link RunClock}, so tests run whole
 * runs on fake time.
 */
public final class LoadRun {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    /** How long the ramp waits, after the last connect call, for the handshakes still under way. */
    private static final long HANDSHAKE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(15);

    /** The plan as given; {@link #plan} is the part of it this process runs (all of it unless sharded). */
    private final LoadPlan whole;
    private final LoadPlan plan;
    private final Workload workload;
    private final LiveLine live;
    private final PrintWriter out;
    private final ResourceLimits limits;
    private final RunClock clock;
    private final LoadClients.Factory clientsFactory;
    private volatile boolean stopRequested;
    private volatile String commandLine = "";
    private volatile String phase = "start";
    /** Where each second's figures go as well as to the live line (a child of {@code run --processes}); may be null. */
    private volatile PrintWriter progress;
    /** For a child of {@code run --processes}: the start time its parent sends once every child is ready; may be null. */
    private volatile CompletableFuture<Instant> startSignal;
    /** When this run starts its ramp: {@code --start-at}, the start signal's time, or {@code null} for at once. */
    private Instant startAt;

    // What the phases build, in order; closed at the end of execute().
    private final RunReport report = new RunReport();
    private long startMillis;
    private long startNanos;
    private EmbeddedServer server;
    private dev.tether.loadtool.proxy.FaultProxies faultProxies;
    private HlogWriter hlog;
    private RunMetrics metrics;
    private LoadClients clients;
    private Reporter reporter;
    private long heapBaseline;
    private long heapAfterRamp;
    /**
     * Whether this run measures its heap with a full GC before and after the ramp. Not a child of {@code run --processes}:
     * heaps are not added across processes (the parent reports their resident memory), and six full GCs at the end of
     * six ramps took CPU from the ramps still under way and held heartbeats for seconds.
     */
    private boolean measureHeap = true;
    /** When {@link #execute()} began (System.nanoTime): the start-up before the ramp counts from here. */
    private long executeNanos;
    private Period period;
    private MixSetup setup;
    private ScheduledExecutorService restarter;

    LoadRun(LoadPlan plan, PrintWriter out, boolean terminal, ResourceLimits limits, RunClock clock,
            LoadClients.Factory clientsFactory) {
        this.whole = plan;
        this.plan = plan.part();
        this.workload = this.plan.mode().workload(this.plan);
        this.out = out;
        this.live = LiveLine.forOutput(out, terminal);
        this.limits = limits;
        this.clock = clock;
        this.clientsFactory = clientsFactory;
        this.startAt = plan.startAt();
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
        return new LoadRun(plan, out, terminal, limits, RunClock.SYSTEM, ClientPool::new);
    }

    /**
     * Also writes each second's figures as a {@link ShardProgress} line on {@code sink} (for the parent of
     * {@code run --processes}). Call before {@link #execute()}.
     */
    void progressTo(PrintWriter sink) {
        this.progress = sink;
    }

    /**
     * For a child of {@code run --processes}: once its clients are built and warmed up, it says so on the progress
     * sink ({@link ShardProgress#READY}) and waits for {@code start}, the time its parent sends when every child is
     * ready, instead of a {@code --start-at} given in advance; a failed {@code start} (the parent went away) fails
     * the run. Call before {@link #execute()}, after {@link #progressTo}.
     */
    void startWhenTold(CompletableFuture<Instant> start) {
        this.startSignal = start;
    }

    /** Ends the run early; the result covers what was measured until now. */
    public void stop() {
        stopRequested = true;
    }

    /**
     * Runs the plan (once): pre-flight, server, ramp, setup, drive, drain, report. Failures of single clients and
     * operations are counted by kind in the result; a run that cannot do its job at all is a
     * {@link RunResult.Outcome#FAILED} result, never an exception.
     */
    public RunResult execute() {
        executeNanos = System.nanoTime();
        List<String> problems = Preflight.check(plan, limits);
        if (!problems.isEmpty()) {
            return refused(problems);
        }
        for (String note : Preflight.notes(plan, limits, dev.tether.server.ReferenceServer.somaxconn())) {
            live.message("Note: " + note);
        }
        warmUpNetty();
        try {
            List<InetSocketAddress> targets = startServer();
            prepare(targets);
            awaitSignal();
            awaitStart();
            begin();
            openHlog();
            ramp();
            setUp();
            drive();
            drain();
            return completed();
        } catch (RunFailed e) {
            return failed(e.getMessage(), e.withReport ? failedReport(e.getMessage()) : null);
        } catch (RuntimeException e) {
            return failed(e.toString(), null);
        } finally {
            live.finish();
            closeQuietly();
        }
    }

    /** A run that cannot go on; the message is the user's. */
    private static final class RunFailed extends RuntimeException {
        final boolean withReport;

        RunFailed(String message, boolean withReport) {
            super(message, null, false, false);
            this.withReport = withReport;
        }
    }

    private RunResult refused(List<String> problems) {
        for (String p : problems) {
            out.println("loadtool run: refused: " + p);
        }
        out.flush();
        return new RunResult(RunResult.Outcome.REFUSED, null, String.join("\n", problems));
    }

    /**
     * Start phase: with {@code --start-at}, waits for that wall-clock time (stoppable), so that shards on
     * several machines ramp together. A time that has passed starts the run at once and says by how much.
     */
    private void awaitStart() {
        if (startAt == null || stopRequested) {
            return;
        }
        phase = "start";
        long delay = StartAt.delayNanos(startAt, System.currentTimeMillis());
        if (delay <= 0) {
            if (delay < -SECOND) {
                live.message(String.format(Locale.ROOT, "--start-at %s passed %.1f s ago: starting at once (this shard is late).",
                        startAt, -delay / 1e9));
            }
            return;
        }
        live.message(String.format(Locale.ROOT, "Waiting %.1f s for --start-at %s.", delay / 1e9, startAt));
        long until = clock.getAsLong() + delay;
        while (!stopRequested) {
            long left = until - clock.getAsLong();
            if (left <= 0) {
                return;
            }
            clock.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
        }
    }

    /**
     * For a child of {@code run --processes}: says it is ready and waits (stoppable) for the start time its parent
     * sends when every child is.
     */
    private void awaitSignal() {
        CompletableFuture<Instant> signal = startSignal;
        if (signal == null) {
            return;
        }
        phase = "ready";
        PrintWriter sink = progress;
        if (sink != null) {
            synchronized (sink) {
                sink.println(ShardProgress.READY);
                sink.flush();
            }
        }
        while (!stopRequested && !signal.isDone()) {
            clock.sleep(TimeUnit.MILLISECONDS.toNanos(20));
        }
        if (stopRequested) {
            return;
        }
        try {
            startAt = signal.join();
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            throw new RunFailed("no start time from the parent process: " + (e.getCause() != null ? e.getCause().getMessage() : e), false);
        }
    }

    /** The run's clock starts: what the report and the hlog count their seconds from. */
    private void begin() {
        startMillis = System.currentTimeMillis();
        startNanos = clock.getAsLong();
        report.info(RunReport.STARTED, Instant.ofEpochMilli(startMillis).toString());
        if (startAt != null) {
            report.info(ShardMerge.START_AT, startAt.toString());
        }
        metrics.recordOutages(plan.clients(), startNanos);
        for (dev.tether.loadtool.report.Metric m : dev.tether.loadtool.report.Metric.values()) {
            metrics.result.interval(m); // nothing was recorded while the clients were prepared: the first second starts now
            metrics.warmup.interval(m);
        }
    }

    /** Server phase: the embedded reference server when the plan has no target; says what is about to run. */
    private List<InetSocketAddress> startServer() {
        phase = "server";
        report.info(RunReport.MODE, plan.mode().label());
        report.parameters(parameters(plan, commandLine));
        report.info(ShardMerge.PLAN, PlanIdentity.of(whole));
        if (whole.shard().isPart()) {
            report.info(ShardMerge.SHARD, whole.shard().toString());
        }
        List<InetSocketAddress> targets = plan.targets();
        if (plan.embedded()) {
            server = EmbeddedServer.start(plan);
            targets = List.of(server.address());
            report.info(RunReport.TARGET, hostPort(server.address()) + " (embedded reference server)");
            live.message("No --target given: started the reference server in this process on " + hostPort(server.address())
                    + (plan.serverServiceTime() != null ? " with service time " + plan.serverServiceTime() : "")
                    + workload.serverNote() + ".");
        } else {
            report.info(RunReport.TARGET, targets.stream().map(LoadRun::hostPort).collect(Collectors.joining(", ")));
        }
        if (whole.shard().isPart()) {
            live.message(String.format(Locale.ROOT, "Shard %s of plan %s: clients loadtool-%d to loadtool-%d of %d.",
                    whole.shard(), PlanIdentity.of(whole), plan.firstClient(), plan.firstClient() + plan.clients() - 1, whole.clients()));
        }
        if (plan.faultProxy() != null) {
            faultProxies = dev.tether.loadtool.proxy.FaultProxies.start(plan.faultProxy(), targets, live::message);
            live.message("Fault proxy '" + plan.faultProxy() + "' on " + faultProxies.addresses().stream().map(LoadRun::hostPort)
                    .collect(Collectors.joining(", ")) + ": the clients connect through it.");
            targets = faultProxies.addresses();
        }
        live.message(String.format(Locale.ROOT, "Running %d clients against %s, ramp %.0f clients/s, %s; %s warm-up + %s measured.",
                plan.clients(), targets.stream().map(LoadRun::hostPort).collect(Collectors.joining(", ")), plan.connectRate(),
                workload.describe(), DurationConverter.format(plan.warmup()), DurationConverter.format(plan.duration())));
        return targets;
    }

    private void openHlog() {
        if (plan.hlog() != null) {
            try {
                hlog = new HlogWriter(plan.hlog(), startMillis, workload.primary());
                // Who wrote this log, at its head, so that even a shard cut short can be merged and checked.
                hlog.summary(report.info(), java.util.Map.of());
            } catch (IOException e) {
                throw new RunFailed("cannot write " + plan.hlog() + ": " + IoMessages.reason(e), false);
            }
        }
    }

    /**
     * Prepare phase, before the start time and not part of the ramp: builds the clients and warms the JIT on a few
     * throw-away ones (a fresh JVM runs the connect path interpreted at first). Says how long the run took to get
     * here: that time is in the report, beside the ramp.
     */
    private void prepare(List<InetSocketAddress> targets) {
        phase = "prepare";
        metrics = new RunMetrics(ClientPool::errorKind, plan.lateThreshold().toNanos());
        measureHeap = progress == null;
        heapBaseline = measureHeap ? heapAfterGc() : 0;
        clients = clientsFactory.open(plan, targets, metrics, clock);
        clients.warmUp(workload.warmUpWithRequests());
        long ready = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - executeNanos);
        report.counter(RunReport.READY_MILLIS, ready);
        live.message(String.format(Locale.ROOT, "Clients built and warmed up in %.1f s (not part of the ramp).", ready / 1000.0));
    }

    /** Ramp phase: connects the clients at the connect rate and waits (bounded) for every handshake to finish. */
    private void ramp() {
        reporter = new Reporter();
        reporter.start();
        phase = "ramp";
        ConnectPacer pacer = new ConnectPacer(clock.getAsLong(), plan.connectRate());
        List<CompletableFuture<?>> connects = new ArrayList<>(clients.size());
        for (int i = 0; i < clients.size() && !stopRequested; i++) {
            long wait = pacer.delayNanos(clock.getAsLong());
            if (wait > 0) {
                clock.sleep(wait);
            }
            pacer.taken();
            connects.add(clients.connect(i));
        }
        long deadline = System.nanoTime() + HANDSHAKE_WAIT_NANOS; // futures wait on the real clock
        for (CompletableFuture<?> f : connects) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || stopRequested) {
                break;
            }
            try {
                f.get(left, TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                // Counted by the clients as a connect failure.
            }
        }
        if (clients.connected() == 0) {
            reporter.stop();
            String why = String.join("; ", metrics.connectFailureReasons());
            throw new RunFailed("no client could connect to " + report.info(RunReport.TARGET)
                    + (why.isEmpty() ? (stopRequested ? ": stopped during the ramp" : "") : ": " + why), true);
        }
        heapAfterRamp = measureHeap ? heapAfterGc() : 0;
        scheduleRestart(); // not before the ramp has ended: a restart amid the handshakes would mix ramp and outage
    }

    /**
     * With {@code --restart-server-at}: kills the embedded server and starts it again on the same port at that time
     * since the run started, or at once if the ramp ended later, on a thread of its own (the load goes on meanwhile).
     */
    private void scheduleRestart() {
        if (plan.restartServerAt() == null || server == null) {
            return;
        }
        restarter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "loadtool-restart");
            t.setDaemon(true);
            return t;
        });
        long delay = Math.max(0, startNanos + plan.restartServerAt().toNanos() - clock.getAsLong());
        restarter.schedule(() -> {
            try {
                live.message("--restart-server-at " + DurationConverter.format(plan.restartServerAt())
                        + ": killing the embedded server (every connection reset) and starting it again on port "
                        + server.address().getPort() + ".");
                server.restart();
                report.info("serverRestart", String.format(Locale.ROOT, "%.1f s after the start",
                        (clock.getAsLong() - startNanos) / 1e9));
            } catch (RuntimeException e) {
                live.message("loadtool run: the embedded server could not be restarted: " + e.getMessage());
            }
        }, delay, TimeUnit.NANOSECONDS);
    }

    /** Setup phase, for a mix with {@code once} entries: each client sends them before the warm-up ({@link MixSetup}). */
    private void setUp() {
        if (plan.mix() == null || plan.mix().setup().isEmpty()) {
            return;
        }
        phase = "setup";
        setup = new MixSetup(plan.mix(), plan.firstClient(), metrics, System::currentTimeMillis);
        setup.run(clients, plan.requestTimeout().toNanos() * plan.mix().setup().size() + HANDSHAKE_WAIT_NANOS, () -> stopRequested);
        live.message(setup.summary(clients.size()));
    }

    /** Drive phase: the warm-up and the measured period, driven by the workload. */
    private void drive() {
        long loadStart = clock.getAsLong();
        long measureStart = loadStart + plan.warmup().toNanos();
        period = new Period(measureStart, measureStart + plan.duration().toNanos());
        metrics.measureFrom(measureStart);
        workload.prepare(clients, metrics, clock, loadStart, period.end);
        phase = plan.warmup().isZero() ? "run" : "warmup";
        workload.drive(period);
        period.finish();
    }

    /** Drain phase: late and outstanding operations may finish, at most the drain timeout (one second once stopped). */
    private void drain() {
        phase = "drain";
        workload.drain(clock, clock.getAsLong() + (stopRequested ? SECOND : plan.drainTimeout().toNanos()));
        reporter.stop();
    }

    /** Report phase: the counters beside the histograms the reporter collected. */
    private RunResult completed() {
        report.counter(RunReport.CLIENTS_TARGET, plan.clients());
        report.counter(RunReport.CLIENTS_CONNECTED, clients.connected());
        report.counter(RunReport.CLIENTS_PEAK, reporter.peakConnected());
        report.counter(RunReport.CONNECT_FAILURES, metrics.connectFailures.sum());
        neverConnected(clients, report);
        // Read now, not when the ramp phase ended: a handshake that ends later (SYNs retried by a busy server) is
        // part of the ramp, and leaving it out made a slow ramp look fast.
        report.counter(RunReport.RAMP_MILLIS, TimeUnit.NANOSECONDS.toMillis(clients.rampNanos()));
        report.counter(RunReport.TARGET_CONNECT_RATE, Math.round(plan.connectRate()));
        report.counter(RunReport.RECONNECTS, clients.reconnects());
        OutageReport.write(metrics.outages(), report);
        report.counter(RunReport.DURATION_MILLIS, TimeUnit.NANOSECONDS.toMillis(period.measuredNanos));
        report.counter(RunReport.WARMUP_MILLIS, plan.warmup().toMillis());
        report.counter(RunReport.CPU_MILLIS, TimeUnit.NANOSECONDS.toMillis(period.cpuNanos));
        report.counter(RunReport.WALL_MILLIS, TimeUnit.NANOSECONDS.toMillis(period.measuredNanos));
        report.counter(RunReport.CORES, Runtime.getRuntime().availableProcessors());
        if (measureHeap) {
            report.counter(RunReport.HEAP_BYTES, heapAfterRamp);
            report.counter(RunReport.HEAP_BASELINE_BYTES, heapBaseline);
        }
        // Completed operations are the values in the result histogram, the source of truth of every figure.
        workload.report(report, period.measureStart);
        if (setup != null) {
            setup.report(report);
        }
        report.interrupted(stopRequested);
        metrics.errors().forEach((k, v) -> report.counter(RunReport.ERRORS_PREFIX + k, v));
        Delivery delivery = DeliveryCount.settle(metrics, clients, server, workload.sends());
        delivery.writeTo(report);
        for (String problem : delivery.problems()) {
            live.message("loadtool run: " + problem);
        }
        if (faultProxies != null) {
            report.info("faultProxy", faultProxies.summary());
        }
        if (plan.embedded()) {
            report.info("embedded", "true (CPU and heap include the server)");
        }
        if (hlog != null) {
            hlog.summary(report);
        }
        return new RunResult(RunResult.Outcome.COMPLETED, report, null);
    }

    /**
     * Counts, before the clients close, every client that never completed a handshake, by its last failure's reason:
     * a connect still under way at the end never fails its future in time to be a "connect failure".
     */
    private static void neverConnected(LoadClients clients, RunReport report) {
        java.util.Map<String, Long> never = clients.neverConnected();
        report.counter(RunReport.NEVER_CONNECTED, never.values().stream().mapToLong(Long::longValue).sum());
        never.forEach((why, n) -> report.counter(RunReport.NEVER_CONNECTED_PREFIX + why.replace('=', ':').replace('\n', ' '), n));
    }

    /** What a failed run knows: the plan's clients, the connect failures by kind, and why it failed. */
    private RunReport failedReport(String why) {
        report.failure(why);
        report.interrupted(stopRequested);
        report.counter(RunReport.CLIENTS_TARGET, plan.clients());
        report.counter(RunReport.CLIENTS_CONNECTED, clients == null ? 0 : clients.connected());
        report.counter(RunReport.CLIENTS_PEAK, reporter == null ? 0 : reporter.peakConnected());
        report.counter(RunReport.CONNECT_FAILURES, metrics == null ? 0 : metrics.connectFailures.sum());
        if (clients != null) {
            neverConnected(clients, report);
        }
        report.counter(RunReport.TARGET_CONNECT_RATE, Math.round(plan.connectRate()));
        if (metrics != null) {
            metrics.errors().forEach((k, v) -> report.counter(RunReport.ERRORS_PREFIX + k, v));
        }
        return report;
    }

    /** The command line that started this run, for the reports; the auth token already masked ("" when not set). */
    void commandLine(String value) {
        commandLine = value == null ? "" : value;
    }

    /** The plan as the reports show it. */
    static RunParameters parameters(LoadPlan plan, String commandLine) {
        return new RunParameters(plan.mode().label(), plan.clients(), plan.connectRate(),
                plan.mode().scheduled() ? plan.rate() : 0, plan.duration().toMillis(),
                plan.warmup().toMillis(), plan.size(), plan.outstanding(),
                plan.requestTimeout() == null ? 0 : plan.requestTimeout().toMillis(),
                plan.heartbeat() == null ? 0 : plan.heartbeat().toMillis(),
                plan.mode() == Mode.PUSH && plan.embedded() ? plan.pushRate() : 0, plan.lateThreshold().toMillis(),
                null, commandLine);
    }

    private RunResult failed(String message, RunReport partial) {
        live.message("loadtool run: failed: " + message);
        return new RunResult(RunResult.Outcome.FAILED, partial, message);
    }

    private void closeQuietly() {
        if (restarter != null) {
            restarter.shutdownNow();
            try {
                restarter.awaitTermination(15, TimeUnit.SECONDS); // a restart under way finishes before the server closes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (reporter != null) {
            reporter.stop();
        }
        if (clients != null) {
            clients.close();
        }
        if (faultProxies != null) {
            faultProxies.close();
        }
        if (server != null) {
            server.close();
        }
        if (hlog != null) {
            hlog.close();
        }
    }

    /** The load period as the workload drives it: its bounds, the stop flag, and when measuring began. */
    private final class Period implements Workload.Drive {
        final long measureStart;
        final long end;
        private long cpuStart = -1;
        long cpuNanos;
        long measuredNanos;

        Period(long measureStart, long end) {
            this.measureStart = measureStart;
            this.end = end;
        }

        @Override
        public RunClock clock() {
            return clock;
        }

        @Override
        public long measureStart() {
            return measureStart;
        }

        @Override
        public long end() {
            return end;
        }

        @Override
        public boolean stopped() {
            return stopRequested;
        }

        @Override
        public void measuring() {
            if (cpuStart < 0) {
                cpuStart = processCpuNanos();
                phase = "run";
            }
        }

        @Override
        public boolean isMeasuring() {
            return cpuStart >= 0;
        }

        @Override
        public boolean waitUntil(long nanos) {
            while (!stopRequested) {
                long left = nanos - clock.getAsLong();
                if (left <= 0) {
                    return true;
                }
                clock.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            return false;
        }

        /** The load has stopped: what was measured, in time and CPU. */
        void finish() {
            long actualEnd = Math.min(clock.getAsLong(), end);
            measuring();
            cpuNanos = processCpuNanos() - cpuStart;
            measuredNanos = Math.max(0, actualEnd - measureStart);
        }
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
        private final LoadClients pool;
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

        Reporter() {
            this.report = LoadRun.this.report;
            this.metrics = LoadRun.this.metrics;
            this.pool = clients;
            this.hlog = LoadRun.this.hlog;
            this.line = live;
            this.startMillis = LoadRun.this.startMillis;
            this.startNanos = LoadRun.this.startNanos;
            this.primary = workload.primary();
            this.unit = workload.unit();
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
            PrintWriter sink = progress;
            if (sink != null) {
                new ShardProgress(phase, connected, count, seconds, errors, pool.reconnects(), ramp ? "connects" : unit,
                        (ramp ? Metric.CONNECT : primary).tag(), count == 0 ? null : scratch).write(sink);
            }
            OutageRecorder outages = metrics.outages();
            long now = clock.getAsLong();
            line.show(String.format(Locale.ROOT, "[%6.1fs %-6s] connected %d/%d  %.0f %s/s  %s p50 %s  p99 %s  errors %d  reconnects %d (%d attempts)%s",
                    (now - startNanos) / 1e9, phase, connected, plan.clients(), count / seconds,
                    ramp ? "connects" : unit, ramp ? Metric.CONNECT.tag() : primary.tag(),
                    count == 0 ? "-" : dev.tether.loadtool.report.TextReport.millis(scratch.getValueAtPercentile(50)) + "ms",
                    count == 0 ? "-" : dev.tether.loadtool.report.TextReport.millis(scratch.getValueAtPercentile(99)) + "ms",
                    errors, pool.reconnects(), outages.attempts(), outages.live(now)));
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
