package dev.tether.loadtool.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Two runs side by side ({@code loadtool report --compare BASE NEW}): each percentile of each histogram
 * both runs recorded, with the ratio new/base, and throughput and errors. A run is read from a {@code .hlog}
 * (whole histograms: the HTML plots full percentile curves) or from a JSON summary (the percentiles it
 * lists), so a summary kept from last week compares with today's log.
 */
public final class Comparison {
    /** A ratio at or above this (new slower by 10% or more) is marked in the text table. */
    static final double WORSE = 1.10;
    /** A ratio at or below this (new faster by 10% or more) is marked in the text table. */
    static final double BETTER = 1 / 1.10;

    /**
     * One side of a comparison.
     *
     * @param source       the file it came from
     * @param describe     its plan or mode in one line
     * @param percentiles  per histogram: the value in milliseconds at each of {@link TextReport#PERCENTILES}
     * @param counts       per histogram: values recorded
     * @param histograms   the whole histograms when read from a {@code .hlog}; empty from a JSON summary
     * @param opsPerSecond completed operations per second; NaN when not known
     * @param errorFraction errors over attempts, 0..1
     * @param interrupted  whether the run was cut short
     * @param delivery     what became of its sends and pushes; {@code null} when the run did not count it
     */
    public record Run(String source, String describe, Map<Metric, double[]> percentiles, Map<Metric, Long> counts,
                      Map<Metric, Histogram> histograms, double opsPerSecond, double errorFraction, boolean interrupted,
                      Delivery delivery) {
    }

    private final Run base;
    private final Run candidate;

    public Comparison(Run base, Run candidate) {
        this.base = base;
        this.candidate = candidate;
    }

    public Run base() {
        return base;
    }

    public Run candidate() {
        return candidate;
    }

    /** Reads a run from a {@code .hlog} or, when the file starts with '{', a JSON summary. */
    public static Run read(Path file) throws IOException {
        byte[] head = new byte[64];
        int n;
        try (var in = Files.newInputStream(file)) {
            n = in.read(head);
        }
        String start = n <= 0 ? "" : new String(head, 0, n, StandardCharsets.ISO_8859_1).stripLeading();
        return start.startsWith("{") ? fromJson(file) : fromReport(file.getFileName().toString(), HlogReader.readOne(file));
    }

    /** A run from a report (one run or a merge). */
    public static Run fromReport(String source, RunReport r) {
        Map<Metric, double[]> percentiles = new EnumMap<>(Metric.class);
        Map<Metric, Long> counts = new EnumMap<>(Metric.class);
        Map<Metric, Histogram> histograms = new EnumMap<>(Metric.class);
        for (Metric m : Metric.values()) {
            Histogram h = r.histogram(m);
            if (h == null || h.getTotalCount() == 0) {
                continue;
            }
            double[] values = new double[TextReport.PERCENTILES.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = h.getValueAtPercentile(TextReport.PERCENTILES[i]) / 1e6;
            }
            percentiles.put(m, values);
            counts.put(m, h.getTotalCount());
            histograms.put(m, h);
        }
        String describe = r.parameters() != null ? r.parameters().describe() : r.mode().isEmpty() ? "mode unknown" : r.mode();
        boolean timed = r.runs() == 1 || r.hasCounter(RunReport.DURATION_MILLIS);
        return new Run(source, describe, percentiles, counts, histograms, timed ? r.throughput() : Double.NaN,
                r.errorRate(), r.interrupted(), Delivery.of(r));
    }

    /** A run from a JSON summary written by {@code --json} (schema 1 or 2). */
    static Run fromJson(Path file) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + " is neither an HdrHistogram log nor a JSON summary: " + e.getMessage(), e);
        }
        String schema = root.path("schema").asText("");
        if (!schema.startsWith("tether-loadtool-summary/")) {
            throw new IOException(file + " is JSON but not a loadtool summary (no \"schema\": \"" + JsonReport.SCHEMA + "\")");
        }
        Map<Metric, double[]> percentiles = new EnumMap<>(Metric.class);
        Map<Metric, Long> counts = new EnumMap<>(Metric.class);
        for (Metric m : Metric.values()) {
            JsonNode h = root.path("histograms").path(m.tag());
            long count = h.path("count").asLong(0);
            JsonNode p = h.has("percentilesMillis") ? h.path("percentilesMillis") : h.path("percentiles");
            if (count == 0 || p.isMissingNode()) {
                continue;
            }
            double[] values = new double[TextReport.PERCENTILES.length];
            for (int i = 0; i < values.length; i++) {
                JsonNode v = p.path(TextReport.number(TextReport.PERCENTILES[i]));
                values[i] = v.isNumber() ? v.asDouble() : Double.NaN;
            }
            percentiles.put(m, values);
            counts.put(m, count);
        }
        if (percentiles.isEmpty()) {
            throw new IOException(file + " is a summary with no recorded histogram: nothing to compare");
        }
        JsonNode ops = root.path("throughput").path("opsPerSecond");
        JsonNode errors = root.path("errors");
        double fraction = errors.has("fraction") ? errors.path("fraction").asDouble() : errors.path("rate").asDouble(0);
        String describe = root.path("mode").asText(root.path("info").path("mode").asText("mode unknown"));
        JsonNode params = root.path("parameters");
        if (params.isObject()) {
            describe = params.path("mode").asText() + (params.path("ratePerSecond").asDouble() > 0
                    ? " " + TextReport.number(params.path("ratePerSecond").asDouble()) + "/s" : "")
                    + ", " + params.path("clients").asInt() + " clients, " + params.path("payloadBytes").asInt() + " B payload";
        }
        return new Run(file.getFileName().toString(), describe, percentiles, counts, Map.of(),
                ops.isNumber() ? ops.asDouble() : Double.NaN, fraction, root.path("interrupted").asBoolean(false),
                Delivery.fromJson(root.get("delivery")));
    }

    /** The histograms both runs recorded, in {@link Metric} order. */
    public List<Metric> common() {
        List<Metric> out = new ArrayList<>();
        for (Metric m : Metric.values()) {
            if (base.percentiles().containsKey(m) && candidate.percentiles().containsKey(m)) {
                out.add(m);
            }
        }
        return out;
    }

    /** new / base; NaN when either is unknown or the base is 0. */
    static double ratio(double base, double candidate) {
        return Double.isNaN(base) || Double.isNaN(candidate) || base == 0 ? Double.NaN : candidate / base;
    }

    /** A ratio as people read it: {@code 1.25x slower}, {@code 0.80x}; "-" when not defined. */
    static String ratioText(double ratio) {
        if (Double.isNaN(ratio)) {
            return "-";
        }
        String mark = ratio >= WORSE ? "  worse" : ratio <= BETTER ? "  better" : "";
        return String.format(Locale.ROOT, "%.2fx%s", ratio, mark);
    }

    /** The comparison as text: the two runs, then per histogram a table of percentiles with the ratio. */
    public String render() {
        StringBuilder b = new StringBuilder("Tether run comparison (ratio = new / base; for latency below 1 is better)\n");
        b.append(String.format(Locale.ROOT, "  base  %s: %s%s%n", base.source(), base.describe(), base.interrupted() ? " (INTERRUPTED)" : ""));
        b.append(String.format(Locale.ROOT, "  new   %s: %s%s%n", candidate.source(), candidate.describe(), candidate.interrupted() ? " (INTERRUPTED)" : ""));
        b.append('\n');
        b.append(String.format(Locale.ROOT, "  %-22s %12s %12s  %s%n", "", "base", "new", "new/base"));
        b.append(String.format(Locale.ROOT, "  %-22s %12s %12s  %s%n", "throughput (ops/s)", num(base.opsPerSecond()),
                num(candidate.opsPerSecond()), ratioText(ratio(base.opsPerSecond(), candidate.opsPerSecond())).replace("worse", "").replace("better", "").trim()));
        b.append(String.format(Locale.ROOT, "  %-22s %12s %12s  %s%n", "errors (% of attempts)", percent(base.errorFraction()),
                percent(candidate.errorFraction()), ratioText(ratio(base.errorFraction(), candidate.errorFraction()))));
        deliveryRows(b);
        List<Metric> common = common();
        for (Metric m : common) {
            b.append('\n');
            b.append(String.format(Locale.ROOT, "  %-22s %12s %12s  %s%n", m.tag() + " (ms)", "base", "new", "new/base"));
            b.append(String.format(Locale.ROOT, "  %-22s %12d %12d%n", "  count", base.counts().get(m), candidate.counts().get(m)));
            double[] a = base.percentiles().get(m);
            double[] c = candidate.percentiles().get(m);
            for (int i = 0; i < a.length; i++) {
                b.append(String.format(Locale.ROOT, "  %-22s %12s %12s  %s%n", "  " + TextReport.percentileLabel(TextReport.PERCENTILES[i]),
                        ms(a[i]), ms(c[i]), ratioText(ratio(a[i], c[i]))));
            }
        }
        if (common.isEmpty()) {
            b.append("\n  The two runs recorded no histogram in common: nothing to compare percentile by percentile.\n");
        }
        for (Metric m : Metric.values()) {
            boolean inBase = base.percentiles().containsKey(m);
            boolean inNew = candidate.percentiles().containsKey(m);
            if (inBase != inNew) {
                b.append("  ").append(m.tag()).append(" only in ").append(inBase ? "base" : "new").append('\n');
            }
        }
        return b.toString();
    }

    /**
     * The delivery figures of both runs, with the difference new - base (a ratio says little of counts that
     * should be 0); "-" for a run that did not count delivery. Nothing when neither did.
     */
    private void deliveryRows(StringBuilder b) {
        Map<String, Long> a = base.delivery() == null ? null : base.delivery().compared();
        Map<String, Long> c = candidate.delivery() == null ? null : candidate.delivery().compared();
        if (a == null && c == null) {
            return;
        }
        b.append('\n');
        b.append(String.format(Locale.ROOT, "  %-22s %12s %12s  %s%n", "delivery", "base", "new", "new-base"));
        for (String label : (a != null ? a : c).keySet()) {
            Long x = a == null ? null : a.get(label);
            Long y = c == null ? null : c.get(label);
            b.append(String.format(Locale.ROOT, "  %-22s %12s %12s  %s%n", "  " + label, x == null ? "-" : x.toString(),
                    y == null ? "-" : y.toString(), x == null || y == null ? "-" : String.format(Locale.ROOT, "%+d", y - x)));
        }
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : TextReport.millis(v * 1e6);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.3f%%", fraction * 100);
    }
}
