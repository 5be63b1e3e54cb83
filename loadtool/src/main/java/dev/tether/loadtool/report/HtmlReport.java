package dev.tether.loadtool.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * One self-contained HTML file ({@code --html FILE}): inline SVG charts, no scripts, no network. It
 * holds the latency-by-percentile plot (log-scale percentile axis, as HdrHistogram's plotter draws it),
 * throughput, latency and connected clients over time, and the summary table.
 */
public final class HtmlReport {
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"};
    private static final int W = 900;
    private static final int H = 320;
    private static final int LEFT = 70;
    private static final int RIGHT = 150;
    private static final int TOP = 30;
    private static final int BOTTOM = 45;
    /** The percentile axis ends at 99.9999%, i.e. 1/(1-p) = 10^6. */
    private static final double MAX_X = 6;

    private HtmlReport() {
    }

    record Series(String name, double[] xs, double[] ys) {
    }

    record Tick(double at, String label) {
    }

    /** Writes the report to a file (replacing it). */
    public static void write(Path file, RunReport r, List<Slo.Result> slos) throws IOException {
        Files.writeString(file, render(r, slos), StandardCharsets.UTF_8);
    }

    /** The whole HTML document. */
    public static String render(RunReport r, List<Slo.Result> slos) {
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Tether load report</title>\n<style>")
                .append("body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f2f2f2}")
                .append("td.l,th.l{text-align:left}pre{background:#f8f8f8;padding:8px;overflow-x:auto}.warn{color:#b00}")
                .append("svg{display:block;margin:8px 0 24px 0}</style></head><body>\n");
        b.append("<h1>Tether load report</h1>\n<p>").append(esc(TextReport.modeLine(r)));
        if (r.info(RunReport.TARGET) != null) {
            b.append(" &mdash; target ").append(esc(r.info(RunReport.TARGET)));
        }
        b.append("</p>\n");
        for (String w : r.warnings()) {
            b.append("<p class=\"warn\">Warning: ").append(esc(w)).append("</p>\n");
        }
        table(b, r);
        b.append("<h2>Latency by percentile</h2>\n");
        b.append(percentileChart(r, "latency (ms) by percentile", Metric.LATENCY, Metric.SERVICE, Metric.PUSH, Metric.HEARTBEAT));
        if (r.histogram(Metric.CONNECT) != null) {
            b.append(percentileChart(r, "connect time (ms) by percentile: TCP + handshake", Metric.CONNECT));
        }
        timeCharts(b, r);
        b.append("<h2>Summary</h2>\n<pre>").append(esc(TextReport.render(r, slos))).append("</pre>\n");
        b.append("</body></html>\n");
        return b.toString();
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
        List<Series> series = new ArrayList<>();
        for (Metric m : metrics) {
            Histogram h = r.histogram(m);
            if (h == null || h.getTotalCount() == 0) {
                continue;
            }
            List<double[]> pts = new ArrayList<>();
            for (HistogramIterationValue v : h.percentiles(5)) {
                double p = v.getPercentileLevelIteratedTo() / 100.0;
                double x = p >= 1 ? MAX_X : Math.min(MAX_X, Math.log10(1 / (1 - p)));
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
            series.add(new Series(m.tag(), xs, ys));
        }
        List<Tick> ticks = List.of(new Tick(0, "0%"), new Tick(1, "90%"), new Tick(2, "99%"), new Tick(3, "99.9%"),
                new Tick(4, "99.99%"), new Tick(5, "99.999%"), new Tick(6, "99.9999%"));
        if (series.isEmpty()) {
            return "";
        }
        return chart(title, series, 0, MAX_X, ticks, "percentile", "ms");
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
        boolean hasConnected = false;
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
        }
        double end = xs[n - 1] + points.get(n - 1).widthSeconds();
        List<Tick> ticks = timeTicks(end);
        b.append("<h2>Over time</h2>\n");
        b.append(chart("throughput: " + primary.tag() + " values per second (completed operations)",
                List.of(new Series(primary.tag() + "/s", xs, rate)), 0, end, ticks, "seconds since start", "per second"));
        b.append(chart(primary.tag() + " (ms) over time", List.of(new Series("p50", xs, p50), new Series("p99", xs, p99),
                new Series("max", xs, max)), 0, end, ticks, "seconds since start", "ms"));
        if (hasConnected) {
            b.append(chart("connected clients", List.of(new Series("connected", xs, connected)), 0, end, ticks, "seconds since start", "clients"));
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
        double pw = W - LEFT - RIGHT;
        double ph = H - TOP - BOTTOM;
        double xr = x1 - x0 <= 0 ? 1 : x1 - x0;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-size=\"12\">%n", W, H, W, H));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-weight=\"bold\">%s</text>%n", LEFT, esc(title)));
        b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#999\"/>%n", LEFT, TOP, pw, ph));
        for (double y = 0; y <= y1 + 1e-9; y += yStep) {
            double py = TOP + ph - y / y1 * ph;
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>", LEFT, LEFT + pw, py, py));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT - 6, py + 4, fmt(y)));
        }
        for (Tick t : xTicks) {
            double px = LEFT + (t.at() - x0) / xr * pw;
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>", px, px, TOP, TOP + ph));
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>%n", px, TOP + ph + 16, esc(t.label())));
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", LEFT + pw / 2, H - 6, esc(xLabel)));
        b.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%.1f\" transform=\"rotate(-90 14 %.1f)\" text-anchor=\"middle\">%s</text>%n",
                TOP + ph / 2, TOP + ph / 2, esc(yLabel)));
        int i = 0;
        for (Series s : series) {
            String color = COLORS[i % COLORS.length];
            StringBuilder path = new StringBuilder();
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
            }
            b.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\"/>%n", path.toString().trim(), color));
            double ly = TOP + 14 + 18 * i;
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"3\"/>", LEFT + pw + 12, LEFT + pw + 32, ly - 4, ly - 4, color));
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\">%s</text>%n", LEFT + pw + 38, ly, esc(s.name())));
            i++;
        }
        b.append("</svg>\n");
        return b.toString();
    }

    static double niceStep(double raw) {
        if (raw <= 0 || Double.isNaN(raw)) {
            return 1;
        }
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / mag;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
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
