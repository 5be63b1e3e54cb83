package dev.tether.loadtool.report;

import dev.tether.loadtool.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code loadtool report FILE.hlog...}: rebuilds the summary, JSON and HTML from one or many interval
 * logs written by {@code loadtool run --hlog}, merging runs from several machines into one result
 * (histograms added, never percentiles averaged), and applies {@code --slo} thresholds to it.
 */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Rebuilds the summary, JSON and HTML report from one or more .hlog files written by `loadtool run --hlog`.",
                "Several files (runs on several machines) merge into one result: histograms are added, never percentiles averaged.",
                "Shard logs (run --shard K/N) must be of one plan, each shard once; others are refused (exit code 2).",
                "Exit codes: 0 ok, 1 a file could not be read or written, 2 usage error or logs of different plans, 3 an --slo threshold was broken."})
public final class ReportCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FILE.hlog", description = "Interval logs to merge.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the summary as JSON (schema in loadtool/README.md).")
    Path json;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write a self-contained HTML report with percentile and time charts.")
    Path html;

    @Option(names = "--slo", paramLabel = "THRESHOLD", converter = Slo.Converter.class,
            description = {"A threshold the merged result must meet, repeatable: p99<20ms, p99.9<50ms, errors<0.1%%, "
                    + "connect.p99<200ms, push.p50<5ms, rate>900, connected>=99%%. Broken: exit code 3."})
    List<Slo> slos = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        java.io.PrintWriter out = spec.commandLine().getOut();
        java.io.PrintWriter err = spec.commandLine().getErr();
        for (Path f : files) {
            if (!Files.isReadable(f)) {
                err.println("loadtool report: cannot read " + f);
                return ExitCodes.RUN_FAILED;
            }
        }
        RunReport report;
        String shards;
        try {
            shards = ShardMerge.check(files);
            report = HlogReader.read(files);
        } catch (IllegalArgumentException e) {
            err.println("loadtool report: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (IOException e) {
            err.println("loadtool report: " + e.getMessage());
            return ExitCodes.RUN_FAILED;
        }
        if (shards != null) {
            report.info(ShardMerge.SHARDS, shards);
            out.println("Merged shards: " + shards);
            if (shards.contains("missing")) {
                err.println("loadtool report: merging shards " + shards + ": the result covers only part of the run");
            }
        }
        return ReportOutput.finish(report, slos, json, html, out, err);
    }
}
