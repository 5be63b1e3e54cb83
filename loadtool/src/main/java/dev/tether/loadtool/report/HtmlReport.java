package dev.tether.loadtool.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * One self-contained HTML file ({@code --html FILE}): inline SVG, no scripts, nothing fetched, so it opens
 * offline and from a CI artifact store. It holds the run's date, version, command line and parameters; an
 * banner when the run was interrupted; the latency-by-percentile plot (log-scale percentile axis, as
 * HdrHistogram's plotter draws it) beside the latency distribution; throughput, latency, errors and
 * connected clients over time, with ramp and warm-up shaded apart from the measured window; and the
 * summary. Every plotted value shows on hover through SVG {@code <title>} tooltips, which browsers display
 * without any script.
 *
 * <p>The charts are hand-written SVG rather than an inlined charting library: four chart shapes (lines on
 * a time axis, lines on the percentile axis, bars, a shaded band) fit in this one class, the output is
 * checked by tests as text, and the page stays free of scripts.
 */
public final class HtmlReport {
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"};
    private static final int W = 900;
    private static final int HALF_W = 560;
    private static final int H = 320;
    private static final int LEFT = 70;
    private static final int RIGHT = 150;
    private static final int TOP = 30;
    private static final int BOTTOM = 45;
    /** The percentile axis ends at 99.9999%, i.e. 1/(1-p) = 10^6. */
    private static final double MAX_X = 6;
    /** Bars of the latency distribution. */
    private static final int BINS = 40;
    private static final List<Tick> PERCENTILE_TICKS = List.of(new Tick(0, "0%"), new Tick(1, "90%"), new Tick(2, "99%"),
            new Tick(3, "99.9%"), new Tick(4, "99.99%"), new Tick(5, "99.999%"), new Tick(6, "99.9999%"));

    private HtmlReport() {
    }

    /** One line of a chart; {@code labels}, when not null, name each point for the hover text. */
    record Series(String name, double[] xs, double[] ys) {
    }

    record Tick(double at, String label) {
    }

    /** A shaded stretch of the x axis with its label (ramp and warm-up). */
    record Band(double from, double to, String label) {
    }

    /** Writes the report to a file (replacing it). */
    public static void write(Path file, RunReport r, List<Slo.Result> slos) throws IOException {
        Files.writeString(file, render(r, slos), StandardCharsets.UTF_8);
    }

    /** The whole HTML document. */
    public static String render(RunReport r, List<Slo.Result> slos) {
        StringBuilder b = new StringBuilder(64 * 1024);
        head(b, "Tether load report");
        b.append("<h1>Tether load report</h1>\n");
        if (r.interrupted()) {
            b.append("<div class=\"banner\">Interrupted: the run was stopped (Ctrl-C or SIGTERM) before its plan ended. "
                    + "The figures cover only the time it ran, and no threshold passes.</div>\n");
        }
        b.append("<p>").append(esc(TextReport.modeLine(r)));
        if (r.info(RunReport.TARGET) != null) {
            b.append(" &mdash; target ").append(esc(r.info(RunReport.TARGET)));
        }
        b.append("</p>\n");
        about(b, r);
        Delivery delivery = Delivery.of(r);
        if (delivery != null) {
            for (String p : delivery.problems()) {
                b.append("<div class=\"banner\">").append(esc(p)).append("</div>\n");
            }
        }
        for (String w : r.warnings()) {
            b.append("<p class=\"warn\">Warning: ").append(esc(w)).append("</p>\n");
        }
        table(b, r);
        b.append(MixReport.html(r.mix()));
        if (delivery != null) {
            delivery(b, delivery, r.mode());
        }
        b.append("<h2>Latency by percentile and its distribution</h2>\n<div class=\"row\">\n");
        b.append(percentileChart(r, "latency (ms) by percentile", HALF_W, Metric.LATENCY, Metric.SERVICE, Metric.PUSH, Metric.HEARTBEAT));
        Metric primary = r.primaryMetric();
        b.append(distributionChart(r.histogram(primary), primary.tag() + ": values by latency (ms)", HALF_W));
        b.append("</div>\n");
        if (r.histogram(Metric.CONNECT) != null) {
            b.append("<div class=\"row\">\n")
                    .append(percentileChart(r, "connect time (ms) by percentile: TCP + handshake", HALF_W, Metric.CONNECT))
                    .append(distributionChart(r.histogram(Metric.CONNECT), "connect: values by time (ms)", HALF_W))
                    .append("</div>\n");
        }
        timeCharts(b, r);
        b.append("<h2>Summary</h2>\n<pre>").append(esc(TextReport.render(r, slos))).append("</pre>\n");
        b.append("</body></html>\n");
        return b.toString();
    }

    /** A comparison of two runs: the ratio table and, per histogram, both percentile curves on one plot. */
    public static String renderComparison(Comparison c) {
        StringBuilder b = new StringBuilder(32 * 1024);
        head(b, "Tether run comparison");
        b.append("<h1>Tether run comparison</h1>\n");
        for (Comparison.Run run : List.of(c.base(), c.candidate())) {
            if (run.interrupted()) {
                b.append("<div class=\"banner\">").append(esc(run.source())).append(" was interrupted before its plan ended.</div>\n");
            }
        }
        b.append("<table><tr><th class=\"l\"></th><th class=\"l\">file</th><th class=\"l\">plan</th></tr>\n");
        b.append("<tr><td class=\"l\">base</td><td class=\"l\">").append(esc(c.base().source())).append("</td><td class=\"l\">")
                .append(esc(c.base().describe())).append("</td></tr>\n");
        b.append("<tr><td class=\"l\">new</td><td class=\"l\">").append(esc(c.candidate().source())).append("</td><td class=\"l\">")
                .append(esc(c.candidate().describe())).append("</td></tr>\n</table>\n");
        for (Metric m : c.common()) {
            b.append("<h2>").append(m.tag()).append("</h2>\n<div class=\"row\">\n");
            List<Series> series = new ArrayList<>();
            series.add(percentileSeries("base", c.base(), m));
            series.add(percentileSeries("new", c.candidate(), m));
            b.append(chart(m.tag() + " (ms) by percentile", series, 0, MAX_X, PERCENTILE_TICKS, "percentile", "ms", null, false, HALF_W));
            b.append("<table><tr><th class=\"l\">ms</th><th>base</th><th>new</th><th>new/base</th></tr>\n");
            double[] a = c.base().percentiles().get(m);
            double[] n = c.candidate().percentiles().get(m);
            for (int i = 0; i < a.length; i++) {
                double ratio = Comparison.ratio(a[i], n[i]);
                String cls = Double.isNaN(ratio) ? "" : ratio >= Comparison.WORSE ? " class=\"worse\"" : ratio <= Comparison.BETTER ? " class=\"better\"" : "";
                b.append("<tr><td class=\"l\">").append(TextReport.percentileLabel(TextReport.PERCENTILES[i])).append("</td><td>")
                        .append(ms(a[i])).append("</td><td>").append(ms(n[i])).append("</td><td").append(cls).append('>')
                        .append(esc(Comparison.ratioText(ratio))).append("</td></tr>\n");
            }
            b.append("</table>\n</div>\n");
        }
        b.append("<h2>Text</h2>\n<pre>").append(esc(c.render())).append("</pre>\n</body></html>\n");
        return b.toString();
    }

    private static Series percentileSeries(String name, Comparison.Run run, Metric m) {
        Histogram h = run.histograms().get(m);
        if (h != null) {
            return percentileCurve(name, h);
        }
        double[] values = run.percentiles().get(m);
        double[] xs = new double[values.length];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = percentileX(TextReport.PERCENTILES[i] / 100.0);
        }
        return new Series(name, xs, values.clone());
    }

    private static void head(StringBuilder b, String title) {
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title)).append("</title>\n<style>")
                .append("body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f2f2f2}")
                .append("td.l,th.l{text-align:left}pre{background:#f8f8f8;padding:8px;overflow-x:auto}.warn{color:#b00}")
                .append(".banner{background:#fde2e1;border:2px solid #b00;color:#700;padding:10px 14px;font-weight:bold;margin:12px 0}")
                .append(".row{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}")
                .append("dl{display:grid;grid-template-columns:max-content auto;gap:2px 14px}dt{color:#555}dd{margin:0}")
                .append("code{background:#f2f2f2;padding:1px 4px}.worse{background:#fde2e1}.better{background:#e2f5e1}")
                .append(".hit{fill:#000;fill-opacity:0}.hit:hover{fill-opacity:.08}circle.hit:hover{fill-opacity:.6}")
                .append("svg{display:block;margin:8px 0 24px 0}</style></head><body>\n");
    }

    /** When, with what and how the run was made. */
    private static void about(StringBuilder b, RunReport r) {
        b.append("<dl>\n");
        dl(b, "date", r.info(RunReport.STARTED) == null ? "unknown" : r.info(RunReport.STARTED));
        RunParameters p = r.parameters();
        if (p != null) {
            dl(b, "tool", "loadtool " + p.toolVersion());
            if (!p.commandLine().isEmpty()) {
                b.append("<dt>command line</dt><dd><code>").append(esc(p.commandLine())).append("</code></dd>\n");
            }
            for (Map.Entry<String, Object> e : JsonReport.parameters(p).entrySet()) {
                if (!e.getKey().equals("commandLine") && !e.getKey().equals("toolVersion")) {
                    dl(b, e.getKey(), String.valueOf(e.getValue()));
                }
            }
        } else if (r.runs() > 1) {
            dl(b, "runs", r.runs() + " merged: " + (r.info(RunReport.SOURCE) == null ? "" : r.info(RunReport.SOURCE)));
            for (RunReport in : r.inputs()) {
                dl(b, String.valueOf(in.info(RunReport.SOURCE)), (in.parameters() == null ? in.mode() : in.parameters().describe())
                        + (in.interrupted() ? " (interrupted)" : ""));
            }
        }
        b.append("</dl>\n");
    }

    private static void dl(StringBuilder b, String term, String value) {
        b.append("<dt>").append(esc(term)).append("</dt><dd>").append(esc(value)).append("</dd>\n");
    }

    /** What became of the sends and pushes, one row each, the unaccounted ones marked. */
    private static void delivery(StringBuilder b, Delivery d, String mode) {
        java.util.Map<String, String> lines = d.lines(mode);
        if (lines.isEmpty()) {
            return;
        }
        b.append("<h2>Delivery</h2>\n<table>\n");
        lines.forEach((label, text) -> b.append("<tr><th class=\"l\">").append(esc(label)).append("</th><td class=\"l")
                .append(label.equals("sends") && !d.balanced() ? " worse" : "").append("\">").append(esc(text)).append("</td></tr>\n"));
        b.append("</table>\n");
    }

    private static void table(StringBuilder b, RunReport r) {
        b.append("<table><tr><th class=\"l\">ms</th><th>count</th>");
        for (double p : TextReport.PERCENTILES) {
            b.append("<th>").append(TextReport.percentileLabel(p)).append("</th>");
        }
        b.append("<th>mean</th></tr>\n");
        for (Metric m : Metric.values()) {
            Histogram h = r.histogram(m);
            if (h == null) {
                continue;
            }
            b.append("<tr><td class=\"l\" title=\"").append(esc(m.description())).append("\">").append(m.tag())
                    .append("</td><td>").append(h.getTotalCount()).append("</td>");
            for (double p : TextReport.PERCENTILES) {
                b.append("<td>").append(TextReport.millis(h.getValueAtPercentile(p))).append("</td>");
            }
            b.append("<td>").append(TextReport.millis(h.getMean())).append("</td></tr>\n");
        }
        b.append("</table>\n");
    }

    static String percentileChart(RunReport r, String title, Metric... metrics) {
        return percentileChart(r, title, W, metrics);
    }

    private static String percentileChart(RunReport r, String title, int width, Metric... metrics) {
        List<Series> series = new ArrayList<>();
        for (Metric m : metrics) {
            Histogram h = r.histogram(m);
            if (h != null && h.getTotalCount() > 0) {
                series.add(percentileCurve(m.tag(), h));
            }
        }
        if (series.isEmpty()) {
            return "";
        }
        return chart(title, series, 0, MAX_X, PERCENTILE_TICKS, "percentile", "ms", null, false, width);
    }

    private static double percentileX(double p) {
        return p >= 1 ? MAX_X : Math.min(MAX_X, Math.log10(1 / (1 - p)));
    }

    private static Series percentileCurve(String name, Histogram h) {
        List<double[]> pts = new ArrayList<>();
        for (HistogramIterationValue v : h.percentiles(5)) {
            double x = percentileX(v.getPercentileLevelIteratedTo() / 100.0);
            pts.add(new double[] {x, v.getValueIteratedTo() / 1e6});
            if (x >= MAX_X) {
                break;
            }
        }
        double[] xs = new double[pts.size()];
        double[] ys = new double[pts.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = pts.get(i)[0];
            ys[i] = pts.get(i)[1];
        }
        return new Series(name, xs, ys);
    }

    /**
     * The distribution of a histogram's values as bars: {@value #BINS} bins of equal width on a log scale
     * between its minimum and its 99.9th percentile (latencies span decades), and one last bar for
     * everything above (the tail, which would otherwise squash the rest). Each bar shows its range and
     * count on hover; each recorded value is in exactly one bar.
     */
    static String distributionChart(Histogram h, String title, int width) {
        if (h == null || h.getTotalCount() == 0) {
            return "";
        }
        long lo = Math.max(1_000, h.getMinValue()); // 1 us: values below (clock steps recorded as 0) go to the first bar
        long cut = Math.max(lo * 2, h.getValueAtPercentile(99.9));
        long max = h.getMaxValue();
        double logSpan = Math.log((double) cut / lo);
        int bars = max > cut ? BINS + 1 : BINS;
        long[] counts = new long[bars];
        double[] from = new double[bars];
        double[] to = new double[bars];
        for (int i = 0; i < BINS; i++) {
            from[i] = lo * Math.exp(logSpan * i / BINS) / 1e6;
            to[i] = lo * Math.exp(logSpan * (i + 1) / BINS) / 1e6;
        }
        if (bars > BINS) {
            from[BINS] = cut / 1e6;
            to[BINS] = max / 1e6;
        }
        for (HistogramIterationValue v : h.recordedValues()) {
            long value = v.getValueIteratedTo();
            int i = value > cut ? bars - 1
                    : (int) Math.min(BINS - 1, Math.max(0, Math.floor(Math.log((double) Math.max(value, lo) / lo) / logSpan * BINS)));
            counts[i] += v.getCountAtValueIteratedTo();
        }
        long top = 1;
        for (long c : counts) {
            top = Math.max(top, c);
        }
        double yStep = niceStep(top / 5.0);
        double y1 = Math.max(yStep, Math.ceil(top / yStep) * yStep);
        double pw = width - LEFT - 20;
        double ph = H - TOP - BOTTOM;
        StringBuilder b = new StringBuilder();
        frame(b, title, width, pw, ph, 0, y1, yStep, List.of(), bars > BINS ? "ms, log scale (last bar: above p99.9, up to the max)" : "ms, log scale", "values");
        double bw = pw / bars;
        for (int i = 0; i < bars; i++) {
            double bh = counts[i] / y1 * ph;
            double x = LEFT + i * bw;
            b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
                    x + 0.5, TOP + ph - bh, Math.max(0.5, bw - 1), bh, i >= BINS ? COLORS[1] : COLORS[0]));
            b.append(String.format(Locale.ROOT, "<rect class=\"hit\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%.1f\"><title>%s</title></rect>%n",
                    x, TOP, bw, ph, esc(String.format(Locale.ROOT, "%.4g to %.4g ms: %d values", from[i], to[i], counts[i]))));
            if (i % 10 == 0 || i == bars - 1) {
                b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>%n",
                        x + bw / 2, TOP + ph + 16, fmt(Double.parseDouble(String.format(Locale.ROOT, "%.3g", from[i])))));
            }
        }
        b.append("</svg>\n");
        return b.toString();
    }

    private static void timeCharts(StringBuilder b, RunReport r) {
        List<Timeline.Point> points = r.timeline().points();
        if (points.isEmpty()) {
            return;
        }
        Metric primary = r.primaryMetric();
        int n = points.size();
        double[] xs = new double[n];
        double[] rate = new double[n];
        double[] p50 = new double[n];
        double[] p99 = new double[n];
        double[] max = new double[n];
        double[] connected = new double[n];
        double[] errorRate = new double[n];
        double[] disconnects = new double[n];
        double[] attempts = new double[n];
        double[] reconnects = new double[n];
        boolean hasConnected = false;
        boolean hasErrors = false;
        boolean hasOutage = false;
        Long previousErrors = 0L;
        for (int i = 0; i < n; i++) {
            Timeline.Point p = points.get(i);
            xs[i] = p.startSeconds();
            Histogram h = p.bucket().histogram(primary);
            long count = h == null ? 0 : h.getTotalCount();
            rate[i] = count / p.widthSeconds();
            p50[i] = count == 0 ? Double.NaN : h.getValueAtPercentile(50) / 1e6;
            p99[i] = count == 0 ? Double.NaN : h.getValueAtPercentile(99) / 1e6;
            max[i] = count == 0 ? Double.NaN : h.getMaxValue() / 1e6;
            Long c = p.bucket().gauge(RunReport.GAUGE_CONNECTED);
            connected[i] = c == null ? Double.NaN : c;
            hasConnected |= c != null;
            // The errors gauge counts errors so far; its step per bucket is the errors of that bucket.
            Long e = p.bucket().gauge(RunReport.GAUGE_ERRORS);
            errorRate[i] = e == null ? Double.NaN : Math.max(0, e - previousErrors) / p.widthSeconds();
            hasErrors |= e != null;
            previousErrors = e == null ? previousErrors : e;
            Long d = p.bucket().gauge(RunReport.GAUGE_DISCONNECTS);
            Long a = p.bucket().gauge(RunReport.GAUGE_RECONNECT_ATTEMPTS);
            Long c2 = p.bucket().gauge(RunReport.GAUGE_RECONNECTS);
            disconnects[i] = d == null ? 0 : d;
            attempts[i] = a == null ? 0 : a;
            reconnects[i] = c2 == null ? 0 : c2;
            hasOutage |= d != null;
        }
        double end = xs[n - 1] + points.get(n - 1).widthSeconds();
        List<Tick> ticks = timeTicks(end);
        double measuredFrom = r.timeline().measuredFromSeconds();
        Band band = !Double.isNaN(measuredFrom) && measuredFrom > 0
                ? new Band(0, measuredFrom, r.timeline().hasWarmup() ? "ramp + warm-up (not in the result)" : "ramp (not in the result)") : null;
        b.append("<h2>Over time</h2>\n");
        if (band != null) {
            b.append("<p>The shaded start is the ramp").append(r.timeline().hasWarmup() ? " and the warm-up" : "")
                    .append(": charted, but not part of the result. The measured window starts at ").append(fmt(Math.round(measuredFrom * 10) / 10.0))
                    .append(" s (to the second: charts are drawn from one-second intervals).</p>\n");
        }
        b.append(chart("throughput: " + primary.tag() + " values per second (completed operations)",
                List.of(new Series(primary.tag() + "/s", xs, rate)), 0, end, ticks, "seconds since start", "per second", band, true, W));
        b.append(chart(primary.tag() + " (ms) over time", List.of(new Series("p50", xs, p50), new Series("p99", xs, p99),
                new Series("max", xs, max)), 0, end, ticks, "seconds since start", "ms", band, true, W));
        if (hasErrors) {
            b.append(chart("errors per second", List.of(new Series("errors/s", xs, errorRate)), 0, end, ticks, "seconds since start",
                    "per second", band, true, W));
        }
        if (hasOutage) {
            b.append(chart("the outage wave: disconnects, reconnect attempts and reconnects per second",
                    List.of(new Series("disconnects", xs, disconnects), new Series("attempts", xs, attempts),
                            new Series("reconnects", xs, reconnects)), 0, end, ticks, "seconds since start", "per second", band, true, W));
        }
        if (hasConnected) {
            b.append(chart("connected clients", List.of(new Series("connected", xs, connected)), 0, end, ticks, "seconds since start",
                    "clients", band, true, W));
        }
    }

    private static List<Tick> timeTicks(double end) {
        double step = niceStep(end / 8);
        List<Tick> ticks = new ArrayList<>();
        for (double t = 0; t <= end + 1e-9; t += step) {
            ticks.add(new Tick(t, fmt(t)));
        }
        return ticks;
    }

    static String chart(String title, List<Series> series, double x0, double x1, List<Tick> xTicks, String xLabel, String yLabel) {
        return chart(title, series, x0, x1, xTicks, xLabel, yLabel, null, false, W);
    }

    /**
     * A line chart. {@code band} shades a stretch of the x axis. With {@code columns}, every series shares
     * the x values of the first, and each x gets an invisible column whose hover text lists every series'
     * value there; otherwise each point gets its own hover dot.
     */
    static String chart(String title, List<Series> series, double x0, double x1, List<Tick> xTicks, String xLabel, String yLabel,
                        Band band, boolean columns, int width) {
        double yMax = 0;
        for (Series s : series) {
            for (double y : s.ys()) {
                if (!Double.isNaN(y)) {
                    yMax = Math.max(yMax, y);
                }
            }
        }
        double yStep = niceStep(yMax <= 0 ? 1 : yMax / 5);
        double y1 = Math.max(yStep, Math.ceil(yMax / yStep) * yStep);
        double pw = width - LEFT - RIGHT;
        double ph = H - TOP - BOTTOM;
        double xr = x1 - x0 <= 0 ? 1 : x1 - x0;
        StringBuilder b = new StringBuilder();
        frame(b, title, width, pw, ph, 0, y1, yStep, xTicks.stream().map(t -> new Tick(LEFT + (t.at() - x0) / xr * pw, t.label())).toList(),
                xLabel, yLabel);
        if (band != null) {
            double bx0 = LEFT + (Math.max(x0, band.from()) - x0) / xr * pw;
            double bx1 = LEFT + (Math.min(x1, band.to()) - x0) / xr * pw;
            b.append(String.format(Locale.ROOT, "<rect class=\"warmup\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"#999\" fill-opacity=\"0.15\"/>",
                    bx0, TOP, Math.max(0, bx1 - bx0), ph));
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#555\">%s</text>%n", bx0 + 4, TOP + 14, esc(band.label())));
        }
        int i = 0;
        for (Series s : series) {
            String color = COLORS[i % COLORS.length];
            StringBuilder path = new StringBuilder();
            StringBuilder dots = new StringBuilder();
            boolean pen = false;
            for (int k = 0; k < s.xs().length; k++) {
                double y = s.ys()[k];
                if (Double.isNaN(y)) {
                    pen = false;
                    continue;
                }
                double px = LEFT + (s.xs()[k] - x0) / xr * pw;
                double py = TOP + ph - y / y1 * ph;
                path.append(pen ? " L" : " M").append(String.format(Locale.ROOT, "%.1f %.1f", px, py));
                pen = true;
                if (!columns) {
                    dots.append(String.format(Locale.ROOT, "<circle class=\"hit\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"><title>%s</title></circle>",
                            px, py, color, esc(s.name() + " " + xValue(xLabel, s.xs()[k]) + ": " + fmt(y) + " " + yLabel)));
                }
            }
            b.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\"/>%n", path.toString().trim(), color));
            b.append(dots).append(dots.length() > 0 ? "\n" : "");
            double ly = TOP + 14 + 18 * i;
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"3\"/>", LEFT + pw + 12, LEFT + pw + 32, ly - 4, ly - 4, color));
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\">%s</text>%n", LEFT + pw + 38, ly, esc(s.name())));
            i++;
        }
        if (columns && !series.isEmpty()) {
            double[] xs = series.get(0).xs();
            for (int k = 0; k < xs.length; k++) {
                double left = k == 0 ? x0 : (xs[k - 1] + xs[k]) / 2;
                double right = k == xs.length - 1 ? x1 : (xs[k] + xs[k + 1]) / 2;
                StringBuilder tip = new StringBuilder(xValue(xLabel, xs[k]));
                for (Series s : series) {
                    double y = k < s.ys().length ? s.ys()[k] : Double.NaN;
                    tip.append('\n').append(s.name()).append(": ").append(Double.isNaN(y) ? "-" : fmt(y) + " " + yLabel);
                }
                if (band != null && xs[k] < band.to()) {
                    tip.append("\n(").append(band.label()).append(')');
                }
                b.append(String.format(Locale.ROOT, "<rect class=\"hit\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%.1f\"><title>%s</title></rect>%n",
                        LEFT + (left - x0) / xr * pw, TOP, Math.max(0.5, (right - left) / xr * pw), ph, esc(tip.toString())));
            }
        }
        b.append("</svg>\n");
        return b.toString();
    }

    /** The SVG head, title, plot frame, y grid and labels, x ticks at pixel positions, and axis labels. */
    private static void frame(StringBuilder b, String title, int width, double pw, double ph, double y0, double y1, double yStep,
                              List<Tick> xTicksPx, String xLabel, String yLabel) {
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-size=\"12\">%n", width, H, width, H));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-weight=\"bold\">%s</text>%n", LEFT, esc(title)));
        b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#999\"/>%n", LEFT, TOP, pw, ph));
        for (double y = y0; y <= y1 + 1e-9; y += yStep) {
            double py = TOP + ph - (y - y0) / (y1 - y0) * ph;
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>", LEFT, LEFT + pw, py, py));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT - 6, py + 4, fmt(y)));
        }
        for (Tick t : xTicksPx) {
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>", t.at(), t.at(), TOP, TOP + ph));
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>%n", t.at(), TOP + ph + 16, esc(t.label())));
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", LEFT + pw / 2, H - 6, esc(xLabel)));
        b.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%.1f\" transform=\"rotate(-90 14 %.1f)\" text-anchor=\"middle\">%s</text>%n",
                TOP + ph / 2, TOP + ph / 2, esc(yLabel)));
    }

    /** An x value as the hover text names it: {@code at 12 s}, {@code at p99.9}. */
    private static String xValue(String xLabel, double x) {
        if (xLabel.equals("percentile")) {
            double p = x >= MAX_X ? 100 : 100 * (1 - Math.pow(10, -x));
            return "at p" + TextReport.number(Double.parseDouble(String.format(Locale.ROOT, "%.4f", p)));
        }
        return "at " + fmt(x) + " s";
    }

    static double niceStep(double raw) {
        if (raw <= 0 || Double.isNaN(raw)) {
            return 1;
        }
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / mag;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : TextReport.millis(v * 1e6);
    }

    private static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return TextReport.number(Double.parseDouble(String.format(Locale.ROOT, "%.4g", v)));
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
