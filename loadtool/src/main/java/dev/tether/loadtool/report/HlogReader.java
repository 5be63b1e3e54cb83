package dev.tether.loadtool.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/**
 * Reads one or many {@code .hlog} files into one {@link RunReport}: histograms of the same tag are
 * added (never percentiles averaged), counters summed, and each file's timeline aligned on its own
 * start, so runs from several machines merge into one result. Untagged histograms (logs written by
 * other HdrHistogram tools) count as {@link Metric#LATENCY}; unknown tags are skipped and counted.
 */
public final class HlogReader {
    private HlogReader() {
    }

    /** The merged report; the message of the exception names the file that could not be read. */
    public static RunReport read(List<Path> files) throws IOException {
        RunReport report = new RunReport();
        Map<String, TreeMap<Long, Long>> gauges = new TreeMap<>();
        long skipped = 0;
        boolean first = true;
        for (Path file : files) {
            Map<String, Long> counters = new LinkedHashMap<>();
            Map<String, String> info = new LinkedHashMap<>();
            Map<String, TreeMap<Long, Long>> fileGauges = new TreeMap<>();
            readComments(file, counters, info, fileGauges);
            // Within a file a gauge keeps its largest value per second; across files (machines) they add up.
            fileGauges.forEach((name, series) -> series.forEach((sec, v) ->
                    gauges.computeIfAbsent(name, k -> new TreeMap<>()).merge(sec, v, Long::sum)));
            if (!info.containsKey(RunReport.SOURCE)) {
                info.put(RunReport.SOURCE, file.getFileName().toString());
            }
            report.mergeCountersAndInfo(counters, info, first);
            first = false;
            skipped += readHistograms(file, report);
        }
        gauges.forEach((name, series) -> series.forEach((sec, v) -> report.timeline().gauge(name, sec, v)));
        if (skipped > 0) {
            report.counter("hlog.skippedIntervals", skipped);
        }
        return report;
    }

    private static long readHistograms(Path file, RunReport report) throws IOException {
        long skipped = 0;
        HistogramLogReader reader;
        try {
            reader = new HistogramLogReader(file.toFile());
        } catch (IOException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            while (reader.hasNext()) {
                EncodableHistogram e;
                try {
                    e = reader.nextIntervalHistogram();
                } catch (RuntimeException ex) {
                    throw new IOException(file + " is not an HdrHistogram log: " + ex.getMessage(), ex);
                }
                if (e == null) {
                    break;
                }
                if (!(e instanceof Histogram)) {
                    skipped++;
                    continue;
                }
                Histogram h = (Histogram) e;
                String tag = h.getTag();
                boolean warmup = tag != null && tag.startsWith(HlogWriter.WARMUP_TAG_PREFIX);
                Metric m = tag == null ? Metric.LATENCY
                        : Metric.forTag(warmup ? tag.substring(HlogWriter.WARMUP_TAG_PREFIX.length()) : tag);
                if (m == null) {
                    skipped++;
                    continue;
                }
                double start = h.getStartTimeStamp() / 1000.0 - reader.getStartTimeSec();
                report.addInterval(m, h, warmup, start);
            }
        } finally {
            reader.close();
        }
        return skipped;
    }

    private static void readComments(Path file, Map<String, Long> counters, Map<String, String> info,
                                     Map<String, TreeMap<Long, Long>> gauges) throws IOException {
        String prefix = "#" + HlogWriter.PREFIX;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.startsWith(prefix)) {
                    continue;
                }
                String rest = line.substring(prefix.length());
                try {
                    if (rest.startsWith("counter ")) {
                        String kv = rest.substring(8);
                        int eq = kv.indexOf('=');
                        counters.merge(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1).trim()), Long::sum);
                    } else if (rest.startsWith("info ")) {
                        String kv = rest.substring(5);
                        int eq = kv.indexOf('=');
                        info.put(kv.substring(0, eq), kv.substring(eq + 1));
                    } else if (rest.startsWith("gauge ")) {
                        String[] parts = rest.substring(6).split(" ", 2);
                        long sec = (long) Math.floor(Double.parseDouble(parts[0]));
                        int eq = parts[1].indexOf('=');
                        gauges.computeIfAbsent(parts[1].substring(0, eq), k -> new TreeMap<>())
                                .merge(sec, Long.parseLong(parts[1].substring(eq + 1).trim()), Math::max);
                    }
                } catch (RuntimeException malformed) {
                    // A damaged comment line loses only itself; the histograms are what count.
                }
            }
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IOException(file + " is not an HdrHistogram log (not ASCII text)", e);
        }
    }
}
