package dev.tether.loadtool.report;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * Writes a run as an HdrHistogram interval log ({@code .hlog}): one line per metric and interval,
 * tagged with {@link Metric#tag()} ({@code warmup.} in front for warm-up intervals), values in
 * nanoseconds. The measured intervals of the mode's primary histogram (latency in the default rate mode)
 * are written a second time without a tag, because HdrHistogram's {@code HistogramLogProcessor -i FILE}
 * without {@code -tag} reads only untagged intervals: the plain command a wrk2 user types works.
 * {@code HistogramLogProcessor -tag service} (or any tag) reads the rest. The run's parameters, counters,
 * info and gauges go in {@code #tether ...} comment lines, which those tools skip and {@link HlogReader}
 * reads, so {@code loadtool report} can rebuild the whole summary.
 */
public final class HlogWriter implements AutoCloseable {
    /** Comment prefix of Tether's own lines. */
    static final String PREFIX = "tether ";
    /** Tag prefix of warm-up intervals. */
    public static final String WARMUP_TAG_PREFIX = "warmup.";
    /** The comment that names the histogram the untagged intervals copy ({@code #tether untagged=latency}). */
    static final String UNTAGGED = "untagged=";

    private final PrintStream out;
    private final HistogramLogWriter writer;
    private final long startMillis;
    private final Metric untagged;

    /**
     * Creates (or replaces) the file and writes the header; {@code startMillis} is the run's start (epoch ms).
     * The latency intervals are also written untagged.
     */
    public HlogWriter(Path file, long startMillis) throws IOException {
        this(file, startMillis, Metric.LATENCY);
    }

    /** As {@link #HlogWriter(Path, long)}, with the histogram whose measured intervals are also written untagged. */
    public HlogWriter(Path file, long startMillis, Metric untagged) throws IOException {
        this(Files.newOutputStream(file), startMillis, untagged);
    }

    HlogWriter(OutputStream stream, long startMillis, Metric untagged) {
        this.out = new PrintStream(new BufferedOutputStream(stream, 1 << 16), false, StandardCharsets.US_ASCII);
        this.writer = new HistogramLogWriter(out);
        this.startMillis = startMillis;
        this.untagged = untagged;
        writer.outputComment("Tether loadtool: HdrHistogram interval log, values in nanoseconds.");
        writer.outputComment("Tags: latency, service, connect, push, heartbeat; warmup.<tag> = warm-up intervals (not the result).");
        writer.outputComment("Untagged intervals repeat the measured '" + untagged.tag() + "' ones, for tools that read untagged intervals only.");
        writer.outputComment("Read with: java -cp HdrHistogram.jar org.HdrHistogram.HistogramLogProcessor -i FILE [-tag service]");
        out.printf(Locale.ROOT, "#%s%s%s%n", PREFIX, UNTAGGED, untagged.tag());
        writer.outputLogFormatVersion();
        writer.outputStartTime(startMillis);
        writer.outputBaseTime(startMillis);
        writer.setBaseTime(startMillis);
        writer.outputLegend();
    }

    /** Writes one interval histogram; empty ones are skipped. Timestamps come from the histogram (epoch ms). */
    public synchronized void interval(Metric metric, Histogram h, boolean warmup) {
        if (h.getTotalCount() == 0) {
            return;
        }
        String tag = h.getTag();
        h.setTag(warmup ? WARMUP_TAG_PREFIX + metric.tag() : metric.tag());
        writer.outputIntervalHistogram(h);
        if (metric == untagged && !warmup) {
            h.setTag(null);
            writer.outputIntervalHistogram(h);
        }
        h.setTag(tag);
    }

    /** Records a gauge value (connected clients, errors so far) at a moment, seconds since the start. */
    public synchronized void gauge(String name, long epochMillis, long value) {
        out.printf(Locale.ROOT, "#%sgauge %.3f %s=%d%n", PREFIX, (epochMillis - startMillis) / 1000.0, name, value);
    }

    /** Writes the run's info strings and final counters. */
    public synchronized void summary(Map<String, String> info, Map<String, Long> counters) {
        info.forEach((k, v) -> out.printf(Locale.ROOT, "#%sinfo %s=%s%n", PREFIX, k, oneLine(v)));
        counters.forEach((k, v) -> out.printf(Locale.ROOT, "#%scounter %s=%d%n", PREFIX, k, v));
    }

    /** Writes the run's parameters, whether it was interrupted, its info strings and its final counters. */
    public synchronized void summary(RunReport report) {
        if (report.parameters() != null) {
            report.parameters().toText().forEach((k, v) -> out.printf(Locale.ROOT, "#%sparam %s=%s%n", PREFIX, k, oneLine(v)));
        }
        out.printf(Locale.ROOT, "#%sinterrupted=%s%n", PREFIX, report.interrupted());
        if (report.failure() != null) {
            out.printf(Locale.ROOT, "#%sfailure=%s%n", PREFIX, oneLine(report.failure()));
        }
        summary(report.info(), report.counters());
        MixReport.hlogLines(report.mix()).forEach(l -> out.printf(Locale.ROOT, "#%s%s%n", PREFIX, l));
    }

    private static String oneLine(String v) {
        // The .hlog is ASCII: anything else in a command line or target becomes '?'.
        return v.replace('\n', ' ').replace('\r', ' ');
    }

    @Override
    public synchronized void close() {
        out.flush();
        writer.close();
    }
}
