package dev.tether.loadtool.report;

import dev.tether.loadtool.ExitCodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code loadtool report FILE.hlog...}: rebuilds the summary, JSON and HTML from one or many interval
 * logs written by {@code loadtool run --hlog}, merging runs from several machines into one result
 * (histograms added, never percentiles averaged), and applies {@code --slo} thresholds to it.
 * {@code loadtool report --compare BASE NEW} shows two runs side by side with the ratio of each percentile.
 */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Rebuilds the summary, JSON and HTML report from one or more .hlog files written by `loadtool run --hlog`.",
                "Several files (runs on several machines) merge into one result: histograms are added, never percentiles averaged. "
                        + "Runs made at different times or with different plans merge their histograms and counts only; "
                        + "their rates, clients and durations are shown per input.",
                "With --compare BASE NEW: two runs (.hlog files or JSON summaries) side by side, with the ratio new/base of each percentile.",
                "Shard logs (run --shard K/N) must be of one plan, each shard once; others are refused (exit code 2).",
                "Exit codes: 0 ok, 1 a file could not be read (or holds no histogram) or written, 2 usage error or logs of different plans, "
                        + "3 an --slo threshold was broken, or thresholds were given for an interrupted run."})
public final class ReportCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Interval logs to merge (.hlog); with --compare, two runs: .hlog or JSON summaries.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--compare", description = "Compare two runs: the first FILE is the base, the second the new one. "
            + "Prints each percentile of both and the ratio new/base; --html plots them.")
    boolean compare;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the summary as JSON, as described by the JSON Schema that loadtool/README.md links.")
    Path json;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write a self-contained HTML report with percentile and time charts (with --compare: the comparison).")
    Path html;

    @Option(names = "--slo", paramLabel = "THRESHOLD", converter = Slo.Converter.class,
            description = {"A threshold the merged result must meet, repeatable: p99<20ms, p99.9<50ms, errors<0.1%%, "
                    + "errors.count<10, connect.p99<200ms, push.p50<5ms, rate>900, connected>=99%%. Broken: exit code 3."})
    List<Slo> slos = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (Path f : files) {
            if (!Files.isReadable(f) || Files.isDirectory(f)) {
                err.println("loadtool report: cannot read " + f + (Files.isDirectory(f) ? ": it is a folder" : Files.exists(f) ? ": permission denied" : ": no such file"));
                return ExitCodes.RUN_FAILED;
            }
        }
        if (compare) {
            return compare(out, err);
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
        try {
            for (RunReport in : report.inputs().isEmpty() ? List.of(report) : report.inputs()) {
                Slo.validate(slos, in.mode());
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        return ReportOutput.finish(report, slos, json, html, out, err);
    }

    private int compare(PrintWriter out, PrintWriter err) {
        if (files.size() != 2) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--compare takes two files, the base and the new run; got " + files.size());
        }
        if (!slos.isEmpty() || json != null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--compare prints and plots (--html); --slo and --json apply to one run or a merge, without --compare");
        }
        Comparison c;
        try {
            c = new Comparison(Comparison.read(files.get(0)), Comparison.read(files.get(1)));
        } catch (IOException e) {
            err.println("loadtool report: " + e.getMessage());
            return ExitCodes.RUN_FAILED;
        }
        out.print(c.render());
        if (html != null) {
            try {
                Files.writeString(html, HtmlReport.renderComparison(c), StandardCharsets.UTF_8);
                out.println("  html        " + html);
            } catch (IOException e) {
                err.println("loadtool report: cannot write " + html + ": " + e.getMessage());
                out.flush();
                return ExitCodes.RUN_FAILED;
            }
        }
        out.flush();
        return ExitCodes.OK;
    }
}
