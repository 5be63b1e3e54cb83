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
 * the text summary and the HTML page, as {@code mix} in the JSON, and in {@code #tether mix} comment lines of the
 * {@code .hlog}, from which {@code loadtool report} and {@code run --processes} rebuild and merge it. Measured period only.
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

    /** Comment lines (after {@code #tether }) that carry a mix in a {@code .hlog}: {@code mix SEED METRIC SOURCE}. */
    static final String HLOG_MIX = "mix ";
    /** One entry: {@code mixentry NAME KIND WEIGHT ERRORS KIND:N,... BASE64}, the histogram in HdrHistogram's compressed form. */
    static final String HLOG_ENTRY = "mixentry ";

    /**
     * The lines that carry a mix in an {@code .hlog}, without the {@code #tether } prefix; none for {@code null}. Its
     * histograms travel whole in comment lines (compressed, base64), not as tagged intervals, which HdrHistogram's own
     * tools would read as series of the run.
     */
    public static List<String> hlogLines(MixReport mix) {
        List<String> lines = new ArrayList<>();
        if (mix == null) {
            return lines;
        }
        lines.add(HLOG_MIX + mix.seed() + " " + mix.metric() + " " + mix.source().replace('\n', ' ').replace('\r', ' '));
        for (Entry e : mix.entries()) {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(e.times().getNeededByteBufferCapacity());
            int length = e.times().encodeIntoCompressedByteBuffer(buffer);
            StringBuilder kinds = new StringBuilder();
            new java.util.TreeMap<>(e.errorsByKind()).forEach((k, v) -> kinds.append(kinds.length() == 0 ? "" : ",").append(k).append(':').append(v));
            lines.add(HLOG_ENTRY + e.name() + " " + e.kind() + " " + e.weight() + " " + e.errors() + " "
                    + (kinds.length() == 0 ? "-" : kinds) + " " + java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length)));
        }
        return lines;
    }

    /**
     * The mix that {@link #hlogLines} wrote, from those lines (prefix removed, in order); {@code null} when there
     * are none or they are damaged (a damaged log loses its per-entry table, not its run).
     */
    public static MixReport fromHlogLines(List<String> lines) {
        if (lines.isEmpty() || !lines.get(0).startsWith(HLOG_MIX)) {
            return null;
        }
        try {
            String[] head = lines.get(0).substring(HLOG_MIX.length()).split(" ", 3);
            List<Entry> entries = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.substring(HLOG_ENTRY.length()).split(" ");
                Map<String, Long> kinds = new LinkedHashMap<>();
                if (!f[4].equals("-")) {
                    for (String kv : f[4].split(",")) {
                        int colon = kv.lastIndexOf(':');
                        kinds.put(kv.substring(0, colon), Long.parseLong(kv.substring(colon + 1)));
                    }
                }
                Histogram h = Histogram.decodeFromCompressedByteBuffer(
                        java.nio.ByteBuffer.wrap(java.util.Base64.getDecoder().decode(f[5])), 0);
                entries.add(new Entry(f[0], f[1], Long.parseLong(f[2]), h, Long.parseLong(f[3]), kinds));
            }
            return new MixReport(head[2], Long.parseLong(head[0]), head[1], entries);
        } catch (RuntimeException | java.util.zip.DataFormatException damaged) {
            return null;
        }
    }

    /**
     * Several runs' mixes as one: histograms added, counts summed, when every run had the same mix (file, seed,
     * metric, entries); {@code null} otherwise (a merge of runs with different mixes, or runs without one).
     */
    public static MixReport merge(List<MixReport> mixes) {
        MixReport first = mixes.isEmpty() ? null : mixes.get(0);
        for (MixReport m : mixes) {
            if (m == null || !m.sameShape(first)) {
                return null;
            }
        }
        if (first == null) {
            return null;
        }
        List<Entry> merged = new ArrayList<>();
        for (int i = 0; i < first.entries().size(); i++) {
            Entry e = first.entries().get(i);
            Histogram h = MetricRecorders.newHistogram();
            long errors = 0;
            Map<String, Long> kinds = new java.util.TreeMap<>();
            for (MixReport m : mixes) {
                Entry x = m.entries().get(i);
                h.add(x.times());
                errors += x.errors();
                x.errorsByKind().forEach((k, v) -> kinds.merge(k, v, Long::sum));
            }
            merged.add(new Entry(e.name(), e.kind(), e.weight(), h, errors, kinds));
        }
        return new MixReport(first.source(), first.seed(), first.metric(), merged);
    }

    private boolean sameShape(MixReport o) {
        if (!source.equals(o.source) || seed != o.seed || !metric.equals(o.metric) || entries.size() != o.entries.size()) {
            return false;
        }
        for (int i = 0; i < entries.size(); i++) {
            Entry a = entries.get(i);
            Entry b = o.entries.get(i);
            if (!a.name().equals(b.name()) || !a.kind().equals(b.kind()) || a.weight() != b.weight()) {
                return false;
            }
        }
        return true;
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
