package dev.tether.loadtool.shell;

import dev.tether.loadtool.ConnectionOptions;
import dev.tether.loadtool.DurationConverter;
import dev.tether.loadtool.report.ReportOutput;
import dev.tether.loadtool.report.Slo;
import dev.tether.loadtool.run.LoadOptions;
import dev.tether.loadtool.run.LoadPlan;
import dev.tether.loadtool.run.LoadRun;
import dev.tether.loadtool.run.Mode;
import dev.tether.loadtool.run.ResourceLimits;
import dev.tether.loadtool.run.RunResult;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code bench}: a short {@code loadtool run} against the shell's target. The shell's {@code bench} command
 * reads {@code loadtool run}'s own option mixins ({@link LoadOptions}, {@link ConnectionOptions}: same names,
 * converters and help); the run is the same {@link LoadRun} engine and the summary the same
 * {@link ReportOutput}.
 */
final class RunEngineBench implements ShellBench {

    @Override
    public Handle start(Target target, LoadOptions load, ConnectionOptions connection, PrintWriter out) {
        LoadPlan plan = plan(load, connection, target);
        load.checkOutputs();
        List<Slo> slos = load.slos();
        Path json = load.json();
        Path html = load.html();

        LoadRun run = LoadRun.create(plan, out, false, ResourceLimits.current());
        CompletableFuture<Integer> result = new CompletableFuture<>();
        Thread runner = new Thread(() -> {
            try {
                RunResult r = run.execute();
                if (r.outcome() != RunResult.Outcome.COMPLETED) {
                    if (r.message() != null) {
                        out.println("bench: " + r.message());
                    }
                    result.complete(r.exitCode());
                } else {
                    int code = ReportOutput.finish(r.report(), slos, json, html, out, out);
                    load.listOtherFiles(out);
                    result.complete(code);
                }
            } catch (Throwable t) {
                result.completeExceptionally(t);
            } finally {
                out.flush();
            }
        }, "tether-shell-bench");
        runner.setDaemon(true);
        out.println("bench against " + target + ": " + plan.clients() + " clients, " + plan.mode().label()
                + (plan.mode() == Mode.RATE || plan.mode() == Mode.SEND ? " " + Math.round(plan.rate()) + "/s" : "")
                + ", " + DurationConverter.format(plan.warmup()) + " warm-up + " + DurationConverter.format(plan.duration())
                + " measured (Ctrl-C stops early and prints what ran)");
        out.flush();
        runner.start();
        return new Handle(result, run::stop);
    }

    /** The plan: the load options against the shell's target, with {@code connection}'s auth token and TLS. */
    private static LoadPlan plan(LoadOptions load, ConnectionOptions connection, Target target) {
        InetSocketAddress endpoint;
        try {
            endpoint = new InetSocketAddress(InetAddress.getByName(target.host()), target.port());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host " + target.host());
        }
        try {
            return load.plan(connection).targets(List.of(endpoint)).build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bench: " + e.getMessage());
        }
    }
}
