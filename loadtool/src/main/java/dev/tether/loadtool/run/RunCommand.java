package dev.tether.loadtool.run;

import dev.tether.loadtool.HostPort;
import dev.tether.loadtool.ConnectionOptions;
import dev.tether.loadtool.ExitCodes;
import dev.tether.loadtool.IoMessages;
import dev.tether.loadtool.report.JsonReport;
import dev.tether.loadtool.report.ReportOutput;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import dev.tether.loadtool.kube.KubernetesManifest;
import dev.tether.loadtool.kube.KubernetesOptions;
import dev.tether.loadtool.kube.RunArguments;
import picocli.CommandLine.Spec;

/**
 * {@code loadtool run}: drives thousands of SDK clients against a server (or, without {@code --target},
 * against a reference server it starts in the same process), measures honestly, prints a live line
 * each second and a summary table, writes JSON, HdrHistogram logs and HTML, and gates on {@code --slo}.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Runs a load test: N Tether clients on one shared set of event-loop threads, ramped at a connect rate, "
                + "then a workload for a warm-up and a measured period.",
                "Without --target it starts the reference server in this process on a free loopback port.",
                "Open model (--mode rate): every request has an intended send time on a constant-rate schedule and its latency "
                        + "counts from that time, so a stalled server shows in every request it delayed (coordinated omission corrected "
                        + "like wrk2); the uncorrected send-to-response time is reported beside it as service time.",
                "Exit codes: 0 ok, 1 the run failed, 2 usage error or the plan does not fit this machine, 3 an --slo threshold was broken, "
                        + "130 (Ctrl-C) or 143 (SIGTERM) the run was interrupted: its partial result is printed and written, marked interrupted."},
        // One example a line, each shorter than 80 columns: help text wraps at '-' and '.', which would cut them apart.
        footerHeading = "%nThresholds (--slo; quote them in a shell):%n",
        footer = {"  p99<20ms  p99.9<50ms  connect.p99<200ms  push.p50<5ms  heartbeat.max<100ms",
                "  errors<0.1%%  rate>900  connected>=100%%  late<1%%  reconnects<1",
                "  errors.rate<0.001 (a fraction)  errors.count<10",
                "%nExamples:",
                "  loadtool run",
                "  loadtool run --clients 5000 --rate 20000 --duration 1m30s",
                "  loadtool run --mode closed --outstanding 4 --json run.json --hlog run.hlog",
                "  loadtool run --target 10.0.0.5:7000 --source-address 10.0.0.2-10.0.0.9",
                "  loadtool run --target 10.0.0.5:7000 --source-address 10.0.0.2,10.0.0.3",
                "  loadtool run --slo 'p99<20ms' --slo 'errors<0.1%%' --html run.html",
                "  loadtool run --target 10.0.0.5:7000 --shard 0/4 --hlog shard-0.hlog \\",
                "      --start-at 2026-11-29T18:30:00Z   (then loadtool report shard-*.hlog)"})
public final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--target", paramLabel = "HOST:PORT",
            description = "Server to load; repeatable (clients spread over the targets and fail over between them). "
                    + "Default: none, start the embedded reference server on 127.0.0.1 and a free port.")
    List<String> targets = new ArrayList<>();

    @Option(names = "--source-address", paramLabel = "ADDRESSES",
            description = "Local addresses to connect from, taken in turn: a list separated by commas or a range FIRST-LAST "
                    + "(see Examples); repeatable. Each address has its own ephemeral ports. Default: the kernel picks.")
    List<String> sourceAddresses = new ArrayList<>();

    @Mixin
    LoadOptions load;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    ShardOptions shards;

    @Mixin
    KubernetesOptions kubernetes;

    /** Where {@code --shard /N} reads K; the process environment, replaced in tests. */
    java.util.Map<String, String> environment = System.getenv();

    @Override
    public Integer call() {
        if (kubernetes.requested()) {
            return emitKubernetes();
        }
        LoadPlan plan = plan();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            load.checkOutputs();
        } catch (IllegalArgumentException e) {
            err.println("loadtool run: " + e.getMessage());
            return ExitCodes.RUN_FAILED;
        }
        ResourceLimits limits = ResourceLimits.current();
        int processes = processes(plan, limits, out);
        if (processes > 1) {
            return fanOut(plan, processes, limits, out, err);
        }
        if (!shards.sharded() && !shards.progressJson) {
            plan = withLoopbackSources(plan, limits, out);
        }
        LoadRun run = LoadRun.create(plan, out, System.console() != null && !shards.progressJson, limits);
        run.commandLine(commandLine());
        if (shards.progressJson) {
            run.progressTo(out);
        }
        if (shards.startOnSignal) {
            run.startWhenTold(StartAt.readFrom(System.in));
        }
        return execute(run::execute, run::stop, out, err);
    }

    /** {@code --processes}, or as many as the open-file limit requires (said on {@code out}); 1 for a shard. */
    private int processes(LoadPlan plan, ResourceLimits limits, PrintWriter out) {
        Integer asked = shards.processes();
        if (asked != null) {
            if (asked < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--processes must be at least 1: " + asked);
            }
            if (asked > 1 && shards.sharded()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--processes splits the plan itself: drop --shard");
            }
            if (asked > plan.clients()) {
                throw new CommandLine.ParameterException(spec.commandLine(), plan.clients() + " clients cannot be split into "
                        + asked + " processes");
            }
            return asked;
        }
        if (shards.sharded() || shards.progressJson) {
            return 1;
        }
        int needed = FanOut.processesNeeded(plan, limits);
        if (needed > 1) {
            out.println(String.format(java.util.Locale.ROOT, "%d clients need more open files than one process may have (limit %d): "
                    + "running them in %d processes (--processes %d).", plan.clients(), limits.maxOpenFiles(), needed, needed));
        }
        return needed;
    }

    /**
     * A loopback run with more clients than one source address connects cheaply ({@link Preflight#portsPerAddress})
     * gets 127.0.0.x source addresses, as a fanned-out run does (said on {@code out}); any other plan is returned as is.
     */
    static LoadPlan withLoopbackSources(LoadPlan plan, ResourceLimits limits, PrintWriter out) {
        if (limits.ephemeralPorts() <= 0 || Preflight.connectionsPerPair(plan) <= Preflight.portsPerAddress(limits.ephemeralPorts())) {
            return plan;
        }
        String sources = FanOut.loopbackSources(plan, 1, limits);
        if (sources == null) {
            return plan;
        }
        out.println(String.format(java.util.Locale.ROOT, "%d clients on one loopback source address would take more than a quarter "
                + "of its %d ephemeral ports, where connects get slow: connecting from %s (--source-address).", plan.clients(),
                limits.ephemeralPorts(), sources));
        return plan.toBuilder().sourceAddresses(SourceAddresses.parse(List.of(sources))).build();
    }

    /** {@code --processes N}: the plan in N child processes, merged into one result. */
    private int fanOut(LoadPlan plan, int processes, ResourceLimits limits, PrintWriter out, PrintWriter err) {
        java.nio.file.Path prefix;
        boolean keep = load.hlog() != null;
        java.nio.file.Path temp = null;
        try {
            if (keep) {
                String name = load.hlog().getFileName().toString();
                prefix = load.hlog().resolveSibling(name.endsWith(".hlog") ? name.substring(0, name.length() - 5) : name);
            } else {
                temp = Files.createTempDirectory("loadtool-processes");
                prefix = temp.resolve("run");
            }
        } catch (IOException e) {
            err.println("loadtool run: cannot create a directory for the processes' logs: " + IoMessages.reason(e));
            return ExitCodes.RUN_FAILED;
        }
        FanOut fan = new FanOut(plan, RunArguments.forShards(spec.commandLine().getParseResult()), processes, limits, out,
                System.console() != null, prefix, keep);
        try {
            return execute(fan::execute, fan::stop, out, err);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // Empty unless a child left something; it is in the system's temporary directory.
                }
            }
        }
    }

    /** Runs, with Ctrl-C and SIGTERM stopping the run early, and prints and writes the result. */
    private int execute(java.util.function.Supplier<RunResult> execute, Runnable stop, PrintWriter out, PrintWriter err) {
        // Ctrl-C or SIGTERM ends the run early but still prints (and writes) the result so far, marked interrupted.
        // A shutdown hook, the supported way to hear both; the JVM then exits with 128 + the signal's number.
        CountDownLatch reported = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.run();
            try {
                reported.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "loadtool-stop");
        boolean hooked = addHook(hook);
        try {
            RunResult result = execute.get();
            switch (result.outcome()) {
                case COMPLETED:
                    int code = ReportOutput.finish(result.report(), load.slos(), load.json(), load.html(), out, err);
                    load.listOtherFiles(out);
                    return result.interrupted() && code != ExitCodes.RUN_FAILED ? ExitCodes.INTERRUPTED : code;
                case FAILED:
                    return writeFailure(result, out, err);
                default:
                    return result.exitCode();
            }
        } finally {
            reported.countDown();
            if (hooked) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // The hook is running: it has what it waited for.
                }
            }
        }
    }

    /** A failed run still writes the JSON that was asked for, with the failure in it, and lists what it wrote. */
    private int writeFailure(RunResult result, PrintWriter out, PrintWriter err) {
        if (result.report() != null && load.json() != null) {
            try {
                JsonReport.write(load.json(), result.report(), List.of());
                out.println("  json        " + load.json());
            } catch (IOException e) {
                err.println("loadtool run: cannot write --json " + load.json() + ": " + IoMessages.reason(e));
            }
        }
        if (load.hlog() != null && Files.exists(load.hlog())) {
            load.listOtherFiles(out);
        }
        out.flush();
        return result.exitCode();
    }

    /** The command line as typed, for the reports: {@code loadtool run --rate 500 ...}; the auth token is masked. */
    private String commandLine() {
        StringBuilder b = new StringBuilder("loadtool");
        boolean secret = false;
        for (String a : spec.commandLine().getParseResult().originalArgs()) {
            String shown = secret ? "***" : a.startsWith("--auth-token=") ? "--auth-token=***" : a;
            secret = a.equals("--auth-token");
            b.append(' ').append(shown.isEmpty() || shown.matches(".*[\\s'\"].*") ? "'" + shown.replace("'", "'\\''") + "'" : shown);
        }
        return b.toString();
    }

    private static boolean addHook(Thread hook) {
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            return true;
        } catch (IllegalStateException | SecurityException e) {
            return false;
        }
    }

    /**
     * {@code --emit-kubernetes}: writes the plan as a Job of N pods and its report pod, prints what to do
     * with them, and runs nothing.
     */
    private int emitKubernetes() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        KubernetesManifest manifest;
        try {
            if (!shards.sharded()) {
                throw new IllegalArgumentException("--emit-kubernetes needs --shard /N: the number of pods");
            }
            Shard shard = Shard.parse(shards.shard.startsWith("/") ? shards.shard : shards.shard.substring(shards.shard.indexOf('/')),
                    java.util.Map.of(Shard.INDEX_VARIABLE, "0"));
            ParseResult parsed = spec.commandLine().getParseResult();
            manifest = KubernetesManifest.of(plan(shard, false), RunArguments.forShards(parsed), RunArguments.values(parsed, "--slo"),
                    kubernetes, version(), java.time.Instant.now());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        java.nio.file.Path reportFile = java.nio.file.Path.of(KubernetesManifest.reportFile(kubernetes.file().toString()));
        try {
            Files.writeString(kubernetes.file(), manifest.job());
            Files.writeString(reportFile, manifest.report());
        } catch (IOException e) {
            err.println("loadtool run: cannot write " + kubernetes.file() + ": " + IoMessages.reason(e));
            return ExitCodes.RUN_FAILED;
        }
        out.println("Wrote " + kubernetes.file() + " (Job " + manifest.name() + ", " + shards.shard.substring(shards.shard.indexOf('/') + 1)
                + " pods, starting at " + manifest.startAt() + ") and " + reportFile + ".");
        out.println("  kubectl apply -f " + kubernetes.file() + "      # before " + manifest.startAt());
        out.println("  kubectl wait --for=condition=complete --timeout=1h job/" + manifest.name());
        out.println("  kubectl apply -f " + reportFile + " && kubectl logs -f " + manifest.name() + "-report");
        out.flush();
        return ExitCodes.OK;
    }

    private static String version() {
        String v = RunCommand.class.getPackage().getImplementationVersion();
        return v == null ? "latest" : v;
    }

    /** The plan from the options; a bad combination is a usage error (exit code 2). */
    LoadPlan plan() {
        try {
            return plan(shards.shard(environment), true);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /** @param resolve look the target hosts up (not for a manifest: the pods resolve them in the cluster) */
    private LoadPlan plan(Shard shard, boolean resolve) {
        try {
            List<InetSocketAddress> endpoints = new ArrayList<>();
            for (String t : targets) {
                endpoints.add(HostPort.parse("--target", t, 1, resolve));
            }
            if (endpoints.isEmpty() && connection.usesTls()) {
                throw new IllegalArgumentException("the embedded server speaks plaintext: TLS needs --target HOST:PORT");
            }
            return load.plan(connection).targets(endpoints).sourceAddresses(SourceAddresses.parse(sourceAddresses))
                    .shard(shard).startAt(shards.startAt()).build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
