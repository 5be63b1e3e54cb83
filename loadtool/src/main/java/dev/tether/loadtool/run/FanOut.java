package dev.tether.loadtool.run;

import dev.tether.loadtool.report.HlogReader;
import dev.tether.loadtool.report.MetricRecorders;
import dev.tether.loadtool.report.RunReport;
import dev.tether.loadtool.report.ShardMerge;
import dev.tether.loadtool.report.TextReport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * {@code run --processes N}: one plan run as N shards in N child JVMs of this program on this machine, so that
 * a run is not held to one process's open-file limit. The parent starts the embedded server (when the plan has no
 * target), checks the limits for every child, starts the children with the same options plus {@code --shard K/N},
 * one {@code --start-at} and an {@code .hlog} each, shows one live line from the seconds they stream back
 * ({@link ShardProgress}), and merges their logs into one result as {@code loadtool report} does. Stopping the
 * parent (Ctrl-C) stops every child; each writes what it has, and the merge is marked interrupted.
 */
final class FanOut {
    /**
     * How far ahead of "now" the parent sets the start time once every child is ready: time for the line to reach
     * each child, so that all of them start at the same moment.
     */
    static final Duration START_LEAD = Duration.ofMillis(200);
    /** How long the children may take to get ready (start their JVMs, build and warm up their clients). */
    static final Duration READY_TIMEOUT = Duration.ofMinutes(5);
    /** How long stopped children may take to write their results before they are killed. */
    static final Duration STOP_GRACE = Duration.ofSeconds(20);
    /** Lines of each child's own output kept to show when it fails. */
    private static final int TAIL_LINES = 20;

    private final LoadPlan whole;
    private final List<String> childArgs;
    private final int processes;
    private final ResourceLimits limits;
    private final PrintWriter out;
    private final LiveLine live;
    private final Path logPrefix;
    private final boolean keepLogs;
    private final List<Child> children = new ArrayList<>();
    private volatile boolean stopped;
    /** From the start of {@link #execute} until every child was ready; -1 when the children got a --start-at instead. */
    private long readyMillis = -1;
    private final ResidentMemory memory = new ResidentMemory(Path.of("/proc"));
    /** The server processes' ids, once started; empty with no server processes. */
    private volatile List<Long> serverPids = List.of();

    /**
     * @param whole     the plan as typed (unsplit)
     * @param childArgs the run options for every child, as typed, without outputs, thresholds, shard or start time
     * @param logPrefix the children's {@code .hlog} files are {@code <logPrefix>-shard-K.hlog}
     * @param keepLogs  leave them afterwards ({@code --hlog} was given); otherwise they are deleted
     */
    FanOut(LoadPlan whole, List<String> childArgs, int processes, ResourceLimits limits, PrintWriter out, boolean terminal,
           Path logPrefix, boolean keepLogs) {
        List<String> args = new ArrayList<>(childArgs);
        String sources = loopbackSources(whole, processes, limits);
        if (sources != null) {
            args.addAll(List.of("--source-address", sources));
            whole = whole.toBuilder().sourceAddresses(SourceAddresses.parse(List.of(sources))).build();
        }
        this.whole = whole;
        this.childArgs = List.copyOf(args);
        this.processes = processes;
        this.limits = limits;
        this.out = out;
        this.live = LiveLine.forOutput(out, terminal);
        this.logPrefix = logPrefix;
        this.keepLogs = keepLogs;
    }

    /**
     * How many processes a plan needs so that each child's sockets fit the open-file limit; 1 when one process
     * holds them (or the limit is unknown).
     */
    static int processesNeeded(LoadPlan plan, ResourceLimits limits) {
        if (limits.maxOpenFiles() <= 0) {
            return 1;
        }
        long perProcess = limits.maxOpenFiles() - Math.max(0, limits.openFiles()) - Preflight.FILE_MARGIN;
        long sockets = plan.clients() * (plan.embedded() ? 2L : 1L);
        if (perProcess <= 0 || sockets <= perProcess) {
            return 1;
        }
        // Fanned out, the children hold the clients' sockets and the parent the embedded server's: at least two.
        int needed = (int) Math.min(Integer.MAX_VALUE, (plan.clients() + perProcess - 1) / perProcess);
        return plan.embedded() ? Math.max(2, needed) : needed;
    }

    /**
     * For a loopback target and no {@code --source-address}: a range of 127.0.0.x source addresses, enough that
     * every child has its own and no address carries more than {@link Preflight#portsPerAddress} connections, so
     * connects stay cheap and ephemeral ports never run out ({@code 127.0.0.2-127.0.0.M}); {@code null} otherwise.
     * The whole 127/8 block is this machine's (on Linux), so nothing needs configuring.
     */
    static String loopbackSources(LoadPlan whole, int processes, ResourceLimits limits) {
        boolean loopback = whole.embedded() || whole.targets().stream()
                .allMatch(t -> t.getAddress() != null && t.getAddress().isLoopbackAddress());
        if (!loopback || !whole.sourceAddresses().isEmpty()) {
            return null;
        }
        int share = new Shard(0, processes).clients(whole.clients());
        int ports = Preflight.portsPerAddress(limits.ephemeralPorts() > 0 ? limits.ephemeralPorts() : 28_000);
        int targets = Math.max(1, whole.targets().size());
        int perChild = Math.max(1, (share / targets + ports - 1) / ports);
        int count = Math.min(253, perChild * processes);
        return "127.0.0.2-127.0.0." + (1 + count);
    }

    /**
     * How many server processes the embedded server needs: 0 when this process holds every connection (the
     * server runs in it), otherwise enough {@code loadtool server --reuse-port} processes for all of them.
     */
    int serverProcesses() {
        if (!whole.embedded() || limits.maxOpenFiles() <= 0) {
            return 0;
        }
        long perProcess = limits.maxOpenFiles() - Math.max(0, limits.openFiles()) - Preflight.FILE_MARGIN;
        return whole.clients() <= perProcess ? 0 : ServerProcesses.needed(whole.clients(), perProcess);
    }

    /** What stands in the way of running the plan in {@code processes} children; empty when it fits. */
    List<String> check() {
        List<String> problems = new ArrayList<>();
        for (int k = 0; k < processes; k++) {
            LoadPlan part = childPlan(k);
            for (String p : Preflight.check(part, limits)) {
                problems.add("process " + (k + 1) + " of " + processes + ": " + p);
            }
        }
        return problems;
    }

    /** The part child {@code k} runs, with a target standing in for the embedded server (it is not in the child). */
    private LoadPlan childPlan(int k) {
        LoadPlan.Builder b = whole.toBuilder().shard(new Shard(k, processes));
        if (whole.embedded()) {
            b.targets(List.of(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 1)));
        }
        return b.build().part();
    }

    /** Where child {@code k} writes its log. */
    static Path shardLog(Path prefix, int k) {
        return prefix.resolveSibling(prefix.getFileName() + "-shard-" + k + ".hlog");
    }

    /** Stops every child (from a shutdown hook); their results so far are still merged. */
    void stop() {
        stopped = true;
        for (Child c : children) {
            c.process.destroy(); // SIGTERM: the child's own hook prints and writes what it has
        }
    }

    /** Runs the children and merges their logs. Never throws for a failed run: see {@link RunResult}. */
    RunResult execute() {
        long began = System.nanoTime();
        List<String> problems = check();
        if (!problems.isEmpty()) {
            problems.forEach(p -> out.println("loadtool run: refused: " + p));
            out.flush();
            return new RunResult(RunResult.Outcome.REFUSED, null, String.join("\n", problems));
        }
        for (String note : Preflight.notes(childPlan(0), limits, dev.tether.server.ReferenceServer.somaxconn())) {
            live.message("Note (each process): " + note);
        }
        EmbeddedServer server = null;
        ServerProcesses servers = null;
        Ticker ticker = null;
        try {
            List<String> args = new ArrayList<>(childArgs);
            int serverProcesses = serverProcesses();
            if (serverProcesses > 0) {
                servers = ServerProcesses.start(whole, serverProcesses);
                List<Long> pids = new ArrayList<>();
                for (int i = 0; i < servers.count(); i++) {
                    pids.add(servers.pid(i));
                }
                serverPids = List.copyOf(pids);
                args.addAll(List.of("--target", LoadRun.hostPort(servers.address())));
                live.message(String.format(Locale.ROOT, "No --target given, and one process may hold only %d connections: started %d "
                        + "reference server processes sharing %s (SO_REUSEPORT).", limits.maxOpenFiles(), servers.count(),
                        LoadRun.hostPort(servers.address())));
            } else if (whole.embedded()) {
                server = EmbeddedServer.start(whole);
                args.addAll(List.of("--target", LoadRun.hostPort(server.address())));
                live.message("No --target given: started the reference server in this process on " + LoadRun.hostPort(server.address()) + ".");
            }
            Instant startAt = whole.startAt();
            live.message(String.format(Locale.ROOT, "Running %d clients in %d processes (shards of %d to %d clients)%s, starting %s.",
                    whole.clients(), processes, new Shard(processes - 1, processes).clients(whole.clients()),
                    new Shard(0, processes).clients(whole.clients()),
                    whole.sourceAddresses().isEmpty() ? "" : ", from " + whole.sourceAddresses().size() + " source addresses "
                            + whole.sourceAddresses().get(0).getHostAddress() + "-"
                            + whole.sourceAddresses().get(whole.sourceAddresses().size() - 1).getHostAddress(),
                    startAt != null ? "at " + startAt : "once every process is ready"));
            for (int k = 0; k < processes && !stopped; k++) {
                children.add(Child.start(k, processes, args, startAt, shardLog(logPrefix, k), whole.authToken(), System.getenv()));
            }
            ticker = new Ticker();
            ticker.start();
            if (startAt == null) {
                signalStart(began);
            }
            for (Child c : children) {
                c.awaitExit();
            }
            ticker.finish();
            return merge();
        } catch (IOException | UncheckedIOException e) {
            return new RunResult(RunResult.Outcome.FAILED, null, "cannot start the child processes: " + e.getMessage());
        } finally {
            if (ticker != null) {
                ticker.stop();
            }
            for (Child c : children) {
                c.kill();
            }
            live.finish();
            if (server != null) {
                server.close();
            }
            if (servers != null) {
                servers.close();
            }
        }
    }

    /**
     * Waits (stoppable, bounded by {@link #READY_TIMEOUT}) until every child has built and warmed up its clients (or
     * ended), then sends them all one start time a moment ahead: the ramp starts warm and together, and the time
     * before it (JVMs starting, servers included) is reported apart from it.
     */
    private void signalStart(long began) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        for (Child c : children) {
            while (!stopped) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    c.ready.get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
                    break;
                } catch (java.util.concurrent.TimeoutException e) {
                    // Still preparing: look at the stop flag, then wait again.
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (java.util.concurrent.ExecutionException e) {
                    break; // not completed exceptionally
                }
            }
        }
        readyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        Instant start = Instant.now().plus(START_LEAD);
        long ready = children.stream().filter(c -> c.ready.isDone() && c.process.isAlive()).count();
        live.message(String.format(Locale.ROOT, "%d of %d processes ready %.1f s after the start (JVMs started, clients built and warmed "
                + "up; not part of the ramp): the ramp starts at %s.", ready, processes, readyMillis / 1000.0, start));
        for (Child c : children) {
            c.start(start);
        }
    }

    private RunResult merge() {
        List<Path> logs = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        boolean interrupted = stopped;
        for (Child c : children) {
            int code = c.process.exitValue();
            interrupted |= code == dev.tether.loadtool.ExitCodes.INTERRUPTED || code == 143;
            if (Files.isRegularFile(c.hlog)) {
                logs.add(c.hlog);
            }
            if (code != 0 && code != dev.tether.loadtool.ExitCodes.THRESHOLD_BROKEN && !(interrupted && (code == 130 || code == 143))) {
                failures.add("process " + (c.index + 1) + " (shard " + c.index + "/" + processes + ") exited with " + code + ":\n    "
                        + String.join("\n    ", c.tail()));
            }
        }
        failures.forEach(f -> live.message("loadtool run: " + f));
        if (logs.isEmpty()) {
            return new RunResult(RunResult.Outcome.FAILED, null, failures.isEmpty() ? "no process wrote a result" : String.join("\n", failures));
        }
        try {
            String shards = ShardMerge.check(logs);
            RunReport report = HlogReader.read(logs);
            report.info(ShardMerge.SHARDS, shards);
            int serverProcesses = serverProcesses();
            report.info("processes", processes + (serverProcesses > 0 ? " (and " + serverProcesses + " reference server processes)"
                    : whole.embedded() ? " (and the embedded server in the parent)" : ""));
            report.interrupted(interrupted);
            if (readyMillis >= 0) {
                report.counter(RunReport.READY_MILLIS, readyMillis); // the parent's view: every child, and the servers, ready
            }
            if (memory.connected() > 0) {
                report.counter(RunReport.RSS_CONNECTIONS, memory.connected());
                report.counter(RunReport.CLIENT_RSS_BYTES, memory.clientBytes());
                report.counter(RunReport.CLIENT_PROCESSES, processes);
                if (memory.serverBytes() > 0) {
                    report.counter(RunReport.SERVER_RSS_BYTES, memory.serverBytes());
                    report.counter(RunReport.SERVER_PROCESSES, serverPids.size());
                }
            }
            // Every child ran on this machine: its cores, not their sum; the plan's rates, not the sum of rounded shares.
            report.counter(RunReport.CORES, Runtime.getRuntime().availableProcessors());
            if (logs.size() == processes) {
                report.counter(RunReport.TARGET_CONNECT_RATE, Math.round(whole.connectRate()));
                if (whole.mode().scheduled() && report.hasCounter(RunReport.TARGET_RATE)) {
                    report.counter(RunReport.TARGET_RATE, Math.round(whole.rate()));
                }
            }
            if (!failures.isEmpty()) {
                report.failure(failures.size() + " of " + processes + " processes failed; the result holds the others");
            }
            if (keepLogs) {
                live.message("Shard logs: " + shardLog(logPrefix, 0) + " ... " + shardLog(logPrefix, processes - 1)
                        + " (loadtool report merges them again).");
            }
            return new RunResult(failures.isEmpty() ? RunResult.Outcome.COMPLETED : RunResult.Outcome.FAILED, report,
                    failures.isEmpty() ? null : String.join("\n", failures));
        } catch (IOException | IllegalArgumentException e) {
            return new RunResult(RunResult.Outcome.FAILED, null, "cannot merge the processes' logs: " + e.getMessage());
        } finally {
            if (!keepLogs) {
                for (Child c : children) {
                    try {
                        Files.deleteIfExists(c.hlog);
                    } catch (IOException ignored) {
                        // A temporary file; the directory is the caller's.
                    }
                }
            }
        }
    }

    /** One child JVM: its process, the reader of its output, its latest seconds. */
    static final class Child {
        final int index;
        final Process process;
        final Path hlog;
        private final Deque<String> tail = new ArrayDeque<>();
        private final List<ShardProgress> pending = new ArrayList<>();
        private ShardProgress latest;
        private final Thread reader;
        /** Done when the child said {@link ShardProgress#READY}, or ended without saying it. */
        final java.util.concurrent.CompletableFuture<Void> ready = new java.util.concurrent.CompletableFuture<>();

        private Child(int index, Process process, Path hlog) {
            this.index = index;
            this.process = process;
            this.hlog = hlog;
            this.reader = new Thread(this::read, "loadtool-child-" + index);
            reader.setDaemon(true);
            reader.start();
        }

        /** @param startAt when the child starts its ramp; {@code null}: when told ({@link #start(Instant)}) */
        static Child start(int k, int n, List<String> args, Instant startAt, Path hlog, String token, java.util.Map<String, String> env)
                throws IOException {
            List<String> command = command(k, n, args, startAt, hlog, env);
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            if (token != null) {
                pb.environment().put("TETHER_AUTH_TOKEN", token); // never on a command line
            }
            return new Child(k, pb.start(), hlog);
        }

        /** The child's command line. */
        static List<String> command(int k, int n, List<String> args, Instant startAt, Path hlog, java.util.Map<String, String> env) {
            List<String> command = ChildJvm.command("run", env);
            command.addAll(args);
            command.addAll(List.of("--shard", k + "/" + n));
            command.addAll(startAt != null ? List.of("--start-at", startAt.toString()) : List.of(ShardOptions.START_SIGNAL_OPTION));
            command.addAll(List.of("--hlog", hlog.toString(), ShardOptions.PROGRESS_OPTION));
            return command;
        }

        /** Sends the start time (for a child started without one); a child that has ended is left alone. */
        void start(Instant at) {
            try (java.io.OutputStream in = process.getOutputStream()) {
                in.write((at + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                keep("(start time not delivered: " + e.getMessage() + ")");
            }
        }

        private void read() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.equals(ShardProgress.READY)) {
                        ready.complete(null);
                    } else if (ShardProgress.isProgress(line)) {
                        try {
                            ShardProgress p = ShardProgress.parse(line);
                            synchronized (this) {
                                pending.add(p);
                                latest = p;
                            }
                        } catch (IllegalArgumentException bad) {
                            keep(line);
                        }
                    } else {
                        keep(line);
                    }
                }
            } catch (IOException e) {
                keep("(output lost: " + e.getMessage() + ")");
            } finally {
                ready.complete(null); // ended without saying it: nobody waits for it any more
            }
        }

        private synchronized void keep(String line) {
            if (tail.size() == TAIL_LINES) {
                tail.removeFirst();
            }
            tail.addLast(line);
        }

        synchronized List<String> tail() {
            return List.copyOf(tail);
        }

        /** The seconds that arrived since the last call, and the latest one. */
        synchronized List<ShardProgress> drain() {
            List<ShardProgress> list = new ArrayList<>(pending);
            pending.clear();
            return list;
        }

        synchronized ShardProgress latest() {
            return latest;
        }

        void awaitExit() {
            while (true) {
                try {
                    process.waitFor();
                    reader.join(TimeUnit.SECONDS.toMillis(5));
                    return;
                } catch (InterruptedException e) {
                    // The parent is being stopped: stop() has signalled the child; keep waiting for its result.
                }
            }
        }

        void kill() {
            if (process.isAlive()) {
                process.destroy();
                try {
                    if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Once a second: the children's latest seconds added into one live line. */
    private final class Ticker {
        private final java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "loadtool-fanout");
            t.setDaemon(true);
            return t;
        });
        private final Histogram merged = new Histogram(MetricRecorders.SIGNIFICANT_DIGITS);
        private final long startNanos = System.nanoTime();
        private long lastTick = startNanos;

        void start() {
            timer.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
        }

        void stop() {
            timer.shutdownNow();
        }

        /**
         * Stops the timer and shows one last line with every child's final second: a child whose JVM started late
         * (a loaded machine) may report only after the last regular tick, and would otherwise be missing from the line.
         */
        void finish() {
            stop();
            try {
                if (timer.awaitTermination(5, TimeUnit.SECONDS)) {
                    tick();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void tick() {
            merged.reset();
            int connected = 0;
            long count = 0;
            // The children's seconds arrive about once a second each; a rate over the parent's own second does not jump
            // when a child's last, short interval comes in.
            long now = System.nanoTime();
            double seconds = Math.max(0.001, (now - lastTick) / 1e9);
            lastTick = now;
            long errors = 0;
            long reconnects = 0;
            String phase = "start";
            String unit = "req";
            String metric = "latency";
            int reporting = 0;
            for (Child c : children) {
                for (ShardProgress p : c.drain()) {
                    count += p.count();
                    if (p.histogram() != null) {
                        merged.add(p.histogram());
                    }
                }
                ShardProgress p = c.latest();
                if (p != null) {
                    reporting++;
                    connected += p.connected();
                    errors += p.errors();
                    reconnects += p.reconnects();
                    phase = p.phase();
                    unit = p.unit();
                    metric = p.metric();
                }
            }
            boolean any = merged.getTotalCount() > 0;
            if (reporting == processes && !phase.equals("ramp")) {
                // After the ramp, with every child reporting: what the processes hold for the connections.
                memory.sample(children.stream().map(c -> c.process.pid()).toList(), serverPids, connected);
            }
            if (reporting == 0) {
                long ready = children.stream().filter(c -> c.ready.isDone()).count();
                live.show(String.format(Locale.ROOT, "[%6.1fs %-6s] %d/%d processes ready (starting JVMs, building and warming up clients)",
                        (System.nanoTime() - startNanos) / 1e9, "start", ready, processes));
                return;
            }
            live.show(String.format(Locale.ROOT, "[%6.1fs %-6s] %d/%d processes  connected %d/%d  %.0f %s/s  %s p50 %s  p99 %s  errors %d  reconnects %d",
                    (System.nanoTime() - startNanos) / 1e9, phase, reporting, processes, connected, whole.clients(), count / seconds, unit,
                    metric, any ? TextReport.millis(merged.getValueAtPercentile(50)) + "ms" : "-",
                    any ? TextReport.millis(merged.getValueAtPercentile(99)) + "ms" : "-", errors, reconnects));
        }
    }
}
