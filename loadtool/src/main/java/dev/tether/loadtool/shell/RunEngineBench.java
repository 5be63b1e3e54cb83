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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code bench}: a short {@code loadtool run} against the shell's target. The options are
 * {@code loadtool run}'s own picocli mixins, {@link LoadOptions} and {@link ConnectionOptions} (same names,
 * converters, defaults and help), the run is the
 * same {@link LoadRun} engine and the summary the same {@link ReportOutput}. Only the defaults are
 * shorter ({@link #DEFAULTS}), and the target, auth token and TLS are the shell's.
 */
final class RunEngineBench implements ShellBench {

    /** A bench is short unless told otherwise; these go before the user's options, which win. */
    static final List<String> DEFAULTS = List.of("--clients", "20", "--duration", "5s", "--warmup", "1s",
            "--rate", "1000");

    private static final List<String> NOT_IN_BENCH = List.of("--target", "--source-address");

    @Override
    public Handle start(Target target, ConnectOptions options, List<String> args, PrintWriter out) {
        for (String arg : args) {
            for (String option : NOT_IN_BENCH) {
                if (arg.equals(option) || arg.startsWith(option + "=")) {
                    throw new IllegalArgumentException(option + " is not a bench option: bench loads the shell's target"
                            + " (connect HOST:PORT to change it)");
                }
            }
        }
        BenchOptions bench = new BenchOptions();
        CommandLine cl = commandLine(bench);
        List<String> all = new ArrayList<>(DEFAULTS);
        all.addAll(args);
        try {
            cl.parseArgs(all.toArray(new String[0]));
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage() + " (help bench lists the options)");
        }
        LoadPlan plan = plan(bench, target, options);
        List<Slo> slos = bench.load.slos();
        Path json = bench.load.json();
        Path html = bench.load.html();

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
                    result.complete(ReportOutput.finish(r.report(), slos, json, html, out, out));
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

    /** The plan: the load options, with the shell's target, and its auth token and TLS unless bench overrides them. */
    private static LoadPlan plan(BenchOptions bench, Target target, ConnectOptions options) {
        InetSocketAddress endpoint;
        try {
            endpoint = new InetSocketAddress(InetAddress.getByName(target.host()), target.port());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host " + target.host());
        }
        ConnectionOptions shell = ConnectionOptions.of(options.authToken(), options.tls(), options.tlsCa(), options.tlsInsecure());
        try {
            return bench.load.plan(bench.connection.overriding(shell)).targets(List.of(endpoint)).build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bench: " + e.getMessage());
        }
    }

    /** bench's options: {@code loadtool run}'s load and connection mixins, without the target and source addresses. */
    @Command(name = "bench")
    static final class BenchOptions {
        @Mixin
        LoadOptions load;

        @Mixin
        ConnectionOptions connection;
    }

    /** bench's command line, configured as {@code LoadTool} configures {@code run}'s. */
    private static CommandLine commandLine(BenchOptions options) {
        CommandLine cl = new CommandLine(options);
        cl.registerConverter(Duration.class, new DurationConverter());
        cl.setOverwrittenOptionsAllowed(true); // the user's options override DEFAULTS
        return cl;
    }

    @Override
    public String usage() {
        StringBuilder s = new StringBuilder();
        s.append("  The options of loadtool run (below); bench's defaults: ").append(String.join(" ", DEFAULTS))
                .append(".\n  The target, auth token and TLS are the shell's; --target and --source-address are not taken.\n");
        CommandLine cl = commandLine(new BenchOptions());
        for (OptionSpec option : cl.getCommandSpec().options()) {
            if (option.usageHelp() || option.versionHelp() || NOT_IN_BENCH.contains(option.longestName())) {
                continue;
            }
            String label = option.longestName() + (option.arity().max() > 0 ? " " + option.paramLabel() : "");
            String description = option.description().length > 0 ? option.description()[0] : "";
            int given = DEFAULTS.indexOf(option.longestName());
            if (given >= 0) { // picocli has already put run's default in; bench's is another
                description = description.replace("Default: " + option.defaultValue(),
                        "Default: " + DEFAULTS.get(given + 1) + " in bench");
            }
            s.append(String.format("  %-32s %s%n", label, description));
        }
        return s.toString().stripTrailing();
    }

    @Override
    public List<String> optionNames() {
        List<String> names = new ArrayList<>();
        for (OptionSpec option : commandLine(new BenchOptions()).getCommandSpec().options()) {
            if (!option.usageHelp() && !option.versionHelp() && !NOT_IN_BENCH.contains(option.longestName())) {
                names.add(option.longestName());
            }
        }
        return names;
    }
}
