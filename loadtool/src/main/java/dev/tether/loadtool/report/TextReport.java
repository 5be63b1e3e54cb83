package dev.tether.loadtool.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.TextTable;

/**
 * The summary printed at the end of a run and by {@code loadtool report}, in the spirit of wrk2's. Labelled
 * lines and the table of merged inputs are laid out by picocli's {@link TextTable}, which wraps long values
 * (a command line, a list of files) under their column. The percentile table stays formatted by hand:
 * TextTable only aligns left, and numbers are compared by their magnitude, which needs them aligned right.
 */
public final class TextReport {
    /** Width of the text report, in characters. */
    static final int WIDTH = 110;
    private static final int LABEL_WIDTH = 14;
    /** The percentiles every table, JSON and HTML report shows. */
    public static final double[] PERCENTILES = {50, 75, 90, 99, 99.9, 99.99, 100};

    private TextReport() {
    }

    /** The whole summary, lines ending in {@code \n}. */
    public static String render(RunReport r, List<Slo.Result> slos) {
        StringBuilder b = new StringBuilder();
        b.append(r.runs() > 1 ? "Tether load report (" + r.runs() + " runs merged)\n" : "Tether load run\n");
        if (r.interrupted()) {
            b.append(r.runs() > 1 ? "INTERRUPTED: at least one run was stopped before its plan ended; its figures cover only the time it ran.\n"
                    : "INTERRUPTED: the run was stopped before its plan ended; the figures cover only the time it ran.\n");
        }
        Delivery delivery = Delivery.of(r);
        if (delivery != null) {
            for (String p : delivery.problems()) {
                b.append(p).append('\n'); // at the top as well as among the warnings: it must not be missed
            }
        }
        TextTable t = labelled();
        if (r.info(RunReport.STARTED) != null) {
            t.addRowValues("started", r.info(RunReport.STARTED));
        }
        RunParameters params = r.parameters();
        if (params != null) {
            t.addRowValues("plan", params.describe());
            if (!params.commandLine().isEmpty()) {
                t.addRowValues("command", params.commandLine());
            }
            t.addRowValues("version", "loadtool " + params.toolVersion());
        }
        t.addRowValues("mode", modeLine(r));
        if (r.info(RunReport.TARGET) != null) {
            t.addRowValues("target", r.info(RunReport.TARGET));
        }
        if (r.info("faultProxy") != null) {
            t.addRowValues("fault proxy", r.info("faultProxy"));
        }
        if (r.runs() > 1 && r.info(RunReport.SOURCE) != null) {
            t.addRowValues("files", r.info(RunReport.SOURCE));
        }
        if (r.hasCounter(RunReport.CLIENTS_TARGET)) {
            t.addRowValues("clients", String.format(Locale.ROOT, "%d target, %d connected at peak%s, %d connect failures, %d reconnects",
                    r.counter(RunReport.CLIENTS_TARGET), r.counter(RunReport.CLIENTS_PEAK),
                    r.hasCounter(RunReport.CLIENTS_CONNECTED) ? ", " + r.counter(RunReport.CLIENTS_CONNECTED) + " at the end" : "",
                    r.counter(RunReport.CONNECT_FAILURES), r.counter(RunReport.RECONNECTS)));
        }
        if (r.counter(RunReport.NEVER_CONNECTED) > 0) {
            t.addRowValues("unconnected", r.counter(RunReport.NEVER_CONNECTED) + " clients never connected: " + r.neverConnectedReasons());
        }
        if (r.info(RunReport.OUTAGES) != null) {
            t.addRowValues("outages", r.info(RunReport.OUTAGES));
        }
        if (r.counter(RunReport.RAMP_MILLIS) > 0) {
            t.addRowValues("ramp", String.format(Locale.ROOT, "%s%d connected in %.2f s: %.0f clients/s (asked %d/s)%s",
                    r.rampCompleted() ? "" : String.format(Locale.ROOT, "incomplete (%d of %d never connected): ",
                            r.counter(RunReport.NEVER_CONNECTED), r.counter(RunReport.CLIENTS_TARGET)),
                    r.counter(RunReport.CLIENTS_PEAK), r.counter(RunReport.RAMP_MILLIS) / 1000.0, r.achievedConnectRate(),
                    r.counter(RunReport.TARGET_CONNECT_RATE),
                    r.hasCounter(RunReport.READY_MILLIS) ? String.format(Locale.ROOT, ", after %.1f s of start-up and warm-up (not in the ramp)",
                            r.counter(RunReport.READY_MILLIS) / 1000.0) : ""));
        }
        boolean timed = r.hasCounter(RunReport.DURATION_MILLIS) || r.runs() == 1;
        if (timed) {
            t.addRowValues("duration", String.format(Locale.ROOT, "%.1f s measured%s", r.durationSeconds(),
                    r.counter(RunReport.WARMUP_MILLIS) > 0
                            ? String.format(Locale.ROOT, " (after %.1f s warm-up, not in the result)", r.counter(RunReport.WARMUP_MILLIS) / 1000.0) : ""));
        }
        long targetRate = r.counter(RunReport.TARGET_RATE);
        if (!r.mode().equals("idle")) {
            t.addRowValues("throughput", timed
                    ? String.format(Locale.ROOT, "%.1f ops/s%s, %d completed", r.throughput(),
                            targetRate > 0 ? " (target " + targetRate + "/s)" : "", r.counter(RunReport.OPS_COMPLETED))
                    : String.format(Locale.ROOT, "%d completed (rates per input below)", r.counter(RunReport.OPS_COMPLETED)));
        }
        if (r.hasCounter(RunReport.OPS_SCHEDULED)) {
            t.addRowValues("schedule", String.format(Locale.ROOT, "%d scheduled, %d sent late%s, %d never sent, %d unanswered at the end",
                    r.counter(RunReport.OPS_SCHEDULED), r.counter(RunReport.OPS_LATE),
                    r.hasCounter(RunReport.LATE_THRESHOLD_MILLIS) ? " (> " + r.counter(RunReport.LATE_THRESHOLD_MILLIS) + " ms)" : "",
                    r.counter(RunReport.OPS_NOT_SENT), r.counter(RunReport.OPS_UNFINISHED)));
        }
        if (delivery != null) {
            delivery.lines(r.mode()).forEach(t::addRowValues);
        }
        t.addRowValues("errors", String.format(Locale.ROOT, "%d (%.3f%% of attempts)%s", r.errors(), r.errorRate() * 100, errorKinds(r.errorsByKind())));
        String generator = generatorLine(r);
        if (generator != null) {
            t.addRowValues("generator", generator);
        }
        String memory = memoryLine(r);
        if (memory != null) {
            t.addRowValues("memory", memory);
        }
        b.append(t);
        if (r.runs() > 1) {
            inputs(b, r);
        }
        b.append('\n');
        b.append(String.format(Locale.ROOT, "  %-10s %10s", "(ms)", "count"));
        for (double p : PERCENTILES) {
            b.append(String.format(Locale.ROOT, " %9s", percentileLabel(p)));
        }
        b.append(String.format(Locale.ROOT, " %9s%n", "mean"));
        for (Metric m : Metric.values()) {
            Histogram h = r.histogram(m);
            if (h == null) {
                continue;
            }
            b.append(String.format(Locale.ROOT, "  %-10s %10d", m.tag(), h.getTotalCount()));
            for (double p : PERCENTILES) {
                b.append(String.format(Locale.ROOT, " %9s", millis(h.getValueAtPercentile(p))));
            }
            b.append(String.format(Locale.ROOT, " %9s%n", millis(h.getMean())));
        }
        if (r.histogram(Metric.LATENCY) != null && r.histogram(Metric.SERVICE) != null) {
            b.append("  latency counts from each request's intended send time; service from its actual send.\n");
        }
        b.append(MixReport.text(r.mix()));
        StringBuilder warm = new StringBuilder();
        for (Metric m : Metric.values()) {
            Histogram h = r.warmupHistogram(m);
            if (h != null) {
                warm.append(String.format(Locale.ROOT, "%s%s %d values, p99 %sms", warm.length() == 0 ? "" : "; ", m.tag(),
                        h.getTotalCount(), millis(h.getValueAtPercentile(99))));
            }
        }
        if (warm.length() > 0) {
            b.append("  warm-up (not in the result): ").append(warm).append('\n');
        }
        for (String w : r.warnings()) {
            b.append("WARNING: ").append(w).append('\n');
        }
        if (slos != null && !slos.isEmpty()) {
            b.append('\n');
            for (Slo.Result s : slos) {
                b.append("  slo ").append(s).append('\n');
            }
        }
        return b.toString();
    }

    static String modeLine(RunReport r) {
        switch (r.mode()) {
            case "rate":
                return "rate (open model: fixed total rate, latency from intended send times)";
            case "closed":
                return "closed (closed model: " + r.info("outstanding") + " outstanding per client; latency is service time)";
            case "send":
                return "send (one-way sends at a fixed rate, latency until acknowledged, or until written without resumption)";
            case "push":
                return "push (server pushes, latency from the server's timestamp)";
            case "idle":
                return "idle (connections held, heartbeats only)";
            default:
                return r.mode().isEmpty() ? "(unknown)" : r.mode();
        }
    }

    private static String errorKinds(Map<String, Long> kinds) {
        if (kinds.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder(": ");
        kinds.forEach((k, v) -> b.append(b.length() > 2 ? ", " : "").append(k).append(' ').append(v));
        return b.toString();
    }

    /** Generator CPU and heap, or {@code null} when not known (or for a merge: they are per input). */
    /** A fanned-out run's resident memory per connection, of its client processes and its server processes. */
    public static String memoryLine(RunReport r) {
        long connections = r.counter(RunReport.RSS_CONNECTIONS);
        if (connections <= 0 || r.counter(RunReport.CLIENT_RSS_BYTES) <= 0) {
            return null;
        }
        String clients = String.format(Locale.ROOT, "%d client processes %.2f GiB RSS = %.1f KiB per connection",
                r.counter(RunReport.CLIENT_PROCESSES), r.counter(RunReport.CLIENT_RSS_BYTES) / 1073741824.0,
                r.counter(RunReport.CLIENT_RSS_BYTES) / 1024.0 / connections);
        String servers = r.counter(RunReport.SERVER_RSS_BYTES) <= 0 ? "" : String.format(Locale.ROOT,
                "; %d server processes %.2f GiB RSS = %.1f KiB per connection", r.counter(RunReport.SERVER_PROCESSES),
                r.counter(RunReport.SERVER_RSS_BYTES) / 1073741824.0, r.counter(RunReport.SERVER_RSS_BYTES) / 1024.0 / connections);
        return String.format(Locale.ROOT, "%s%s (with %d connected; JVMs included)", clients, servers, connections);
    }

    private static String generatorLine(RunReport r) {
        double cpu = r.cpuPercent();
        if (cpu < 0) {
            return null;
        }
        long heap = r.counter(RunReport.HEAP_BYTES);
        double perClient = r.heapPerClient();
        return String.format(Locale.ROOT, "CPU %.0f%% of one core%s%s%s%s", cpu,
                r.hasCounter(RunReport.CORES) ? " (" + r.counter(RunReport.CORES) + " cores)" : " (all processes)",
                heap > 0 ? String.format(Locale.ROOT, ", heap %.1f MiB after the ramp", heap / 1048576.0) : "",
                perClient >= 0 ? String.format(Locale.ROOT, " (%.1f KiB per client)", perClient / 1024.0) : "",
                r.info("embedded") != null ? ", embedded server included" : "");
    }

    /** What each merged input was, and what of it could not be merged. */
    private static void inputs(StringBuilder b, RunReport r) {
        b.append('\n');
        if (r.sideBySide()) {
            b.append("  The inputs ran side by side (same mode, same time, same length): clients and rates add up.\n");
        } else {
            b.append("  The inputs ran at different times or with different plans: their histograms and counts are merged,\n"
                    + "  but clients, rates, durations and generator figures are not added up; each input's are below.\n");
        }
        TextTable t = TextTable.forColumns(Help.defaultColorScheme(Help.Ansi.OFF),
                new Column(16, 2, Column.Overflow.SPAN), new Column(8, 1, Column.Overflow.SPAN), new Column(10, 1, Column.Overflow.SPAN),
                new Column(10, 1, Column.Overflow.SPAN), new Column(18, 1, Column.Overflow.SPAN), new Column(9, 1, Column.Overflow.SPAN),
                new Column(16, 1, Column.Overflow.SPAN), new Column(20, 1, Column.Overflow.WRAP));
        t.addRowValues("input", "mode", "measured", "clients", "ops/s (target)", "errors", "p99 (ms)", "generator");
        for (RunReport in : r.inputs()) {
            Histogram h = in.histogram(in.primaryMetric());
            long target = in.counter(RunReport.TARGET_RATE);
            double cpu = in.cpuPercent();
            t.addRowValues(String.valueOf(in.info(RunReport.SOURCE)) + (in.interrupted() ? " (interrupted)" : ""),
                    in.mode().isEmpty() ? "?" : in.mode(),
                    String.format(Locale.ROOT, "%.1f s", in.durationSeconds()),
                    in.hasCounter(RunReport.CLIENTS_TARGET) ? in.counter(RunReport.CLIENTS_PEAK) + "/" + in.counter(RunReport.CLIENTS_TARGET) : "-",
                    String.format(Locale.ROOT, "%.1f%s", in.throughput(), target > 0 ? " (" + target + ")" : ""),
                    Long.toString(in.errors()),
                    h == null ? "-" : millis(h.getValueAtPercentile(99)) + " " + in.primaryMetric().tag(),
                    cpu < 0 ? "-" : String.format(Locale.ROOT, "%.0f%% of %d cores", cpu, in.counter(RunReport.CORES)));
        }
        b.append(t);
    }

    /** A two-column table: a label, and a value that wraps under itself. */
    private static TextTable labelled() {
        TextTable t = TextTable.forColumns(Help.defaultColorScheme(Help.Ansi.OFF),
                new Column(LABEL_WIDTH, 2, Column.Overflow.SPAN), new Column(WIDTH - LABEL_WIDTH, 0, Column.Overflow.WRAP));
        t.indentWrappedLines = 0;
        return t;
    }

    /** A percentile's column label: p50, p99.9, p100. */
    public static String percentileLabel(double p) {
        return "p" + number(p);
    }

    /** Nanoseconds as milliseconds, with as many decimals as are meaningful. */
    public static String millis(double nanos) {
        double ms = nanos / 1e6;
        if (ms < 10) {
            return String.format(Locale.ROOT, "%.3f", ms);
        }
        if (ms < 1000) {
            return String.format(Locale.ROOT, "%.1f", ms);
        }
        return String.format(Locale.ROOT, "%.0f", ms);
    }

    /** A percentile level without trailing zeros: 50, 99.9, 99.99. */
    static String number(double p) {
        return new java.math.BigDecimal(Double.toString(p)).stripTrailingZeros().toPlainString();
    }
}
