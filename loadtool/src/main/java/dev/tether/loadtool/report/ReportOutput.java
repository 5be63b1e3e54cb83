package dev.tether.loadtool.report;

import dev.tether.loadtool.ExitCodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What {@code run} and {@code report} both do at the end: print the table, write the files, judge the thresholds. */
public final class ReportOutput {
    private ReportOutput() {
    }

    /** Evaluates every threshold against the report. */
    public static List<Slo.Result> evaluate(RunReport report, List<Slo> slos) {
        List<Slo.Result> results = new ArrayList<>();
        if (slos != null) {
            for (Slo s : slos) {
                results.add(s.evaluate(report));
            }
        }
        return results;
    }

    /**
     * Prints the summary to {@code out}, writes the JSON and HTML files that are not {@code null}, and
     * returns {@link ExitCodes#OK}, {@link ExitCodes#THRESHOLD_BROKEN} (a threshold broken, or thresholds
     * given for an interrupted run, which cannot pass) or, when a file cannot be written, {@link ExitCodes#RUN_FAILED}.
     */
    public static int finish(RunReport report, List<Slo> slos, Path json, Path html, PrintWriter out, PrintWriter err) {
        List<Slo.Result> results = evaluate(report, slos);
        out.print(TextReport.render(report, results));
        int code = ExitCodes.OK;
        try {
            if (json != null) {
                JsonReport.write(json, report, results);
                out.println("  json        " + json);
            }
            if (html != null) {
                HtmlReport.write(html, report, results);
                out.println("  html        " + html);
            }
        } catch (IOException e) {
            err.println("loadtool: cannot write the report: " + e.getMessage());
            code = ExitCodes.RUN_FAILED;
        }
        out.flush();
        if (code == ExitCodes.OK && results.stream().anyMatch(r -> !r.passed())) {
            err.println("loadtool: " + results.stream().filter(r -> !r.passed()).count() + " threshold(s) broken");
            code = ExitCodes.THRESHOLD_BROKEN;
        } else if (code == ExitCodes.OK && !results.isEmpty() && report.interrupted()) {
            // A run cut short met its thresholds over less than its plan: that is no pass.
            err.println("loadtool: the run was interrupted: its thresholds cannot pass");
            code = ExitCodes.THRESHOLD_BROKEN;
        }
        return code;
    }
}
