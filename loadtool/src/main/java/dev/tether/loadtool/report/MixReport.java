package dev.tether.loadtool.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The per-entry figures of a run with a request mix ({@code loadtool run --mix FILE}): for each entry its
 * successes with their times as one histogram, and its failures by kind, so that a reader sees which request
 * is slow or failing. The times are the run's primary measure: {@code latency} (from the intended send time)
 * in the scheduled modes, {@code service} (from the actual send) in the closed model. Rendered as a table in
 * the text summary and the HTML page, and as {@code mix} in the JSON. Measured period only.
 *
 * @param source  the mix file's name
 * @param seed    the seed that chose the entries
 * @param metric  what the histograms measure: {@code latency} or {@code service}
 * @param entries in the file's order
 */
public record MixReport(String source, long seed, String metric, List<Entry> entries) {
    /** The percentiles the per-entry table shows (the JSON has all of {@link TextReport#PERCENTILES}). */
    private static final double[] TABLE_PERCENTILES = {50, 90, 99, 99.9, 100};

    /**
     * One entry.
     *
     * @param kind         {@code request} or {@code send}
     * @param weight       its weight in the file
     * @param times        its successes' times, nanoseconds
     * @param errors       its failures
     * @param errorsByKind its failures by kind (REQUEST_TIMEOUT, SERVER_ERROR, ...)
     */
    public record Entry(String name, String kind, long weight, Histogram times, long errors, Map<String, Long> errorsByKind) {
        public Entry {
            errorsByKind = Map.copyOf(errorsByKind);
        }

        /** Successes. */
        public long completed() {
            return times.getTotalCount();
        }
    }

    public MixReport {
        entries = List.copyOf(entries);
    }

    private long attempts() {
        long n = 0;
        for (Entry e : entries) {
            n += e.completed() + e.errors();
        }
        return n;
    }

    private static String share(long part, long whole) {
        return whole == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
    }

    private long totalWeight() {
        long w = 0;
        for (Entry e : entries) {
            w += e.weight();
        }
        return w;
    }

    /** The text summary's per-entry table, lines ending in {@code \n}; empty for {@code null}. */
    public static String text(MixReport mix) {
        if (mix == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%n  mix %s (seed %d): %s per entry, measured period%n", mix.source(), mix.seed(), mix.metric()));
        int nameWidth = 10;
        for (Entry e : mix.entries()) {
            nameWidth = Math.max(nameWidth, Math.min(e.name().length(), 24));
        }
        String nameColumn = "  %-" + nameWidth + "s";
        b.append(String.format(Locale.ROOT, nameColumn + " %-7s %6s %6s %10s %7s", "(ms)", "kind", "weight", "share", "count", "errors"));
        for (double p : TABLE_PERCENTILES) {
            b.append(String.format(Locale.ROOT, " %9s", TextReport.percentileLabel(p)));
        }
        b.append(String.format(Locale.ROOT, " %9s%n", "mean"));
        long attempts = mix.attempts();
        long weights = mix.totalWeight();
        for (Entry e : mix.entries()) {
            b.append(String.format(Locale.ROOT, nameColumn + " %-7s %6s %6s %10d %7d", e.name(), e.kind(),
                    share(e.weight(), weights), share(e.completed() + e.errors(), attempts), e.completed(), e.errors()));
            Histogram h = e.times();
            for (double p : TABLE_PERCENTILES) {
                b.append(String.format(Locale.ROOT, " %9s", e.completed() == 0 ? "-" : TextReport.millis(h.getValueAtPercentile(p))));
            }
            b.append(String.format(Locale.ROOT, " %9s%n", e.completed() == 0 ? "-" : TextReport.millis(h.getMean())));
        }
        b.append("  weight: the entry's share of the weights; share: its share of the operations sent; count: successes.\n");
        for (Entry e : mix.entries()) {
            if (!e.errorsByKind().isEmpty()) {
                b.append("  errors of ").append(e.name()).append(':');
                new java.util.TreeMap<>(e.errorsByKind()).forEach((k, v) -> b.append(' ').append(k).append(' ').append(v));
                b.append('\n');
            }
        }
        return b.toString();
    }

    /** The JSON {@code mix} object, or {@code null} for a run without a mix. */
    public static Map<String, Object> json(MixReport mix) {
        if (mix == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", mix.source());
        m.put("seed", mix.seed());
        m.put("metric", mix.metric());
        List<Object> entries = new ArrayList<>();
        for (Entry e : mix.entries()) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("name", e.name());
            j.put("kind", e.kind());
            j.put("weight", e.weight());
            j.put("completed", e.completed());
            j.put("errors", e.errors());
            j.put("errorsByKind", new java.util.TreeMap<>(e.errorsByKind()));
            j.put("histogram", JsonReport.histogram(e.times()));
            entries.add(j);
        }
        m.put("entries", entries);
        return m;
    }

    /** The HTML page's per-entry table (the slowest p99 marked); empty for {@code null}. */
    public static String html(MixReport mix) {
        if (mix == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        b.append("<h2>Request mix ").append(HtmlReport.esc(mix.source())).append(" (seed ").append(mix.seed()).append("): ")
                .append(HtmlReport.esc(mix.metric())).append(" per entry</h2>\n");
        b.append("<table><tr><th class=\"l\">entry</th><th class=\"l\">kind</th><th>weight</th><th>share</th><th>count</th><th>errors</th>");
        for (double p : TABLE_PERCENTILES) {
            b.append("<th>").append(TextReport.percentileLabel(p)).append(" (ms)</th>");
        }
        b.append("<th>mean (ms)</th></tr>\n");
        long slowest = -1;
        for (Entry e : mix.entries()) {
            if (e.completed() > 0) {
                slowest = Math.max(slowest, e.times().getValueAtPercentile(99));
            }
        }
        long attempts = mix.attempts();
        long weights = mix.totalWeight();
        for (Entry e : mix.entries()) {
            boolean slow = e.completed() > 0 && mix.entries().size() > 1 && e.times().getValueAtPercentile(99) == slowest;
            b.append(slow ? "<tr class=\"worse\" title=\"the highest p99 of the mix\">" : "<tr>")
                    .append("<td class=\"l\">").append(HtmlReport.esc(e.name())).append("</td><td class=\"l\">").append(e.kind())
                    .append("</td><td>").append(share(e.weight(), weights)).append("</td><td>").append(share(e.completed() + e.errors(), attempts))
                    .append("</td><td>").append(e.completed()).append("</td><td>").append(e.errors()).append("</td>");
            for (double p : TABLE_PERCENTILES) {
                b.append("<td>").append(e.completed() == 0 ? "-" : TextReport.millis(e.times().getValueAtPercentile(p))).append("</td>");
            }
            b.append("<td>").append(e.completed() == 0 ? "-" : TextReport.millis(e.times().getMean())).append("</td></tr>\n");
        }
        b.append("</table>\n");
        return b.toString();
    }
}
