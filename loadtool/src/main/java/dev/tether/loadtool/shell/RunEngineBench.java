package dev.tether.loadtool.shell;

import dev.tether.loadtool.DurationConverter;
import dev.tether.loadtool.report.ReportOutput;
import dev.tether.loadtool.report.Slo;
import dev.tether.loadtool.run.LoadPlan;
import dev.tether.loadtool.run.LoadRun;
import dev.tether.loadtool.run.Mode;
import dev.tether.loadtool.run.ResourceLimits;
import dev.tether.loadtool.run.RunCommand;
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
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code bench}: a short {@code loadtool run} against the shell's target. The options are read by
 * {@code loadtool run}'s own picocli model (same names, converters, defaults and help), the run is the
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
        CommandLine cl = runCommandLine();
        List<String> all = new ArrayList<>(DEFAULTS);
        all.addAll(args);
        try {
            cl.parseArgs(all.toArray(new String[0]));
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage() + " (help bench lists the options)");
        }
        for (String option : NOT_IN_BENCH) {
            if (cl.getParseResult().hasMatchedOption(option)) {
                throw new IllegalArgumentException(option + " is not a bench option: bench loads the shell's target"
                        + " (connect HOST:PORT to change it)");
            }
        }
        LoadPlan plan = plan(cl, target, options);
        List<Slo> slos = value(cl, "--slo");
        Path json = value(cl, "--json");
        Path html = value(cl, "--html");

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

    /** The plan: {@code loadtool run}'s option values, with the shell's target, auth token and TLS. */
    private static LoadPlan plan(CommandLine cl, Target target, ConnectOptions options) {
        InetSocketAddress endpoint;
        try {
            endpoint = new InetSocketAddress(InetAddress.getByName(target.host()), target.port());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host " + target.host());
        }
        boolean tls = options.usesTls() || Boolean.TRUE.equals(value(cl, "--tls"))
                || value(cl, "--tls-ca") != null || Boolean.TRUE.equals(value(cl, "--tls-insecure"));
        Path tlsCa = value(cl, "--tls-ca") != null ? value(cl, "--tls-ca") : options.tlsCa();
        boolean insecure = options.tlsInsecure() || Boolean.TRUE.equals(value(cl, "--tls-insecure"));
        String token = value(cl, "--auth-token") != null ? value(cl, "--auth-token") : options.authToken();
        try {
            return LoadPlan.builder()
                    .targets(List.of(endpoint))
                    .clients(value(cl, "--clients"))
                    .connectRate(value(cl, "--connect-rate"))
                    .duration(value(cl, "--duration"))
                    .warmup(value(cl, "--warmup"))
                    .mode(value(cl, "--mode"))
                    .rate(value(cl, "--rate"))
                    .outstanding(value(cl, "--outstanding"))
                    .size(value(cl, "--size"))
                    .heartbeat(value(cl, "--heartbeat"))
                    .requestTimeout(value(cl, "--request-timeout"))
                    .tls(tls ? new LoadPlan.Tls(tlsCa, insecure) : null)
                    .authToken(token)
                    .serverServiceTime(value(cl, "--server-service-time"))
                    .pushRate(value(cl, "--push-rate"))
                    .hlog(value(cl, "--hlog"))
                    .lateThreshold(value(cl, "--late-threshold"))
                    .drainTimeout(value(cl, "--drain-timeout"))
                    .ioThreads(value(cl, "--io-threads"))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bench: " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T value(CommandLine cl, String option) {
        OptionSpec spec = cl.getCommandSpec().findOption(option);
        if (spec == null) {
            throw new IllegalStateException("loadtool run has no option " + option);
        }
        return (T) spec.getValue();
    }

    /** {@code loadtool run}'s command line, configured as {@code LoadTool} configures it. */
    private static CommandLine runCommandLine() {
        CommandLine cl = new CommandLine(new RunCommand());
        cl.registerConverter(Duration.class, new DurationConverter());
        cl.setOverwrittenOptionsAllowed(true); // the user's options override DEFAULTS
        return cl;
    }

    @Override
    public String usage() {
        StringBuilder s = new StringBuilder();
        s.append("  The options of loadtool run (below); bench's defaults: ").append(String.join(" ", DEFAULTS))
                .append(".\n  The target, auth token and TLS are the shell's; --target and --source-address are not taken.\n");
        CommandLine cl = runCommandLine();
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
        for (OptionSpec option : runCommandLine().getCommandSpec().options()) {
            if (!option.usageHelp() && !option.versionHelp() && !NOT_IN_BENCH.contains(option.longestName())) {
                names.add(option.longestName());
            }
        }
        return names;
    }
}
