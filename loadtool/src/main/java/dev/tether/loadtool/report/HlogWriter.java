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
 * nanoseconds. HdrHistogram's own {@code HistogramLogReader} and {@code HistogramLogProcessor -tag latency}
 * read it. The run's counters, info and gauges go in {@code #tether ...} comment lines, which those tools
 * skip and {@link HlogReader} reads, so {@code loadtool report} can rebuild the whole summary.
 */
public final class HlogWriter implements AutoCloseable {
    /** Comment prefix of Tether's own lines. */
    static final String PREFIX = "tether ";
    /** Tag prefix of warm-up intervals. */
    public static final String WARMUP_TAG_PREFIX = "warmup.";

    private final PrintStream out;
    private final HistogramLogWriter writer;
    private final long startMillis;

    /** Creates (or replaces) the file and writes the header; {@code startMillis} is the run's start (epoch ms). */
    public HlogWriter(Path file, long startMillis) throws IOException {
        this(Files.newOutputStream(file), startMillis);
    }

    HlogWriter(OutputStream stream, long startMillis) {
        this.out = new PrintStream(new BufferedOutputStream(stream, 1 << 16), false, StandardCharsets.US_ASCII);
        this.writer = new HistogramLogWriter(out);
        this.startMillis = startMillis;
        writer.outputComment("Tether loadtool: HdrHistogram interval log, values in nanoseconds.");
        writer.outputComment("Tags: latency, service, connect, push, heartbeat; warmup.<tag> = warm-up intervals (not the result).");
        writer.outputComment("Read with: java -cp HdrHistogram.jar org.HdrHistogram.HistogramLogProcessor -i FILE -tag latency");
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
        h.setTag(tag);
    }

    /** Records a gauge value (connected clients, errors so far) at a moment, seconds since the start. */
    public synchronized void gauge(String name, long epochMillis, long value) {
        out.printf(Locale.ROOT, "#%sgauge %.3f %s=%d%n", PREFIX, (epochMillis - startMillis) / 1000.0, name, value);
    }

    /** Writes the run's info strings and final counters. */
    public synchronized void summary(Map<String, String> info, Map<String, Long> counters) {
        info.forEach((k, v) -> out.printf(Locale.ROOT, "#%sinfo %s=%s%n", PREFIX, k, v.replace('\n', ' ')));
        counters.forEach((k, v) -> out.printf(Locale.ROOT, "#%scounter %s=%d%n", PREFIX, k, v));
    }

    @Override
    public synchronized void close() {
        out.flush();
        writer.close();
    }
}
