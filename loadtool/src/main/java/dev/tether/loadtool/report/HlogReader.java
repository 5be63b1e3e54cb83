package dev.tether.loadtool.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/**
 * Reads {@code .hlog} files: each into its own {@link RunReport} (histograms, timeline aligned on the file's
 * own start, parameters, counters), then {@link RunReport#merge} makes one report of them. Untagged
 * histograms count as {@link Metric#LATENCY} in logs written by other HdrHistogram tools, and are skipped
 * in Tether's own logs, where they repeat a tagged series. Unknown tags are skipped and counted. A file
 * that yields no histogram at all (an empty file, a text or JSON file) is refused with its name.
 */
public final class HlogReader {
    private HlogReader() {
    }

    /** The merged report; the message of the exception names the file that could not be read. */
    public static RunReport read(List<Path> files) throws IOException {
        List<RunReport> runs = new ArrayList<>();
        for (Path file : files) {
            runs.add(readOne(file));
        }
        return RunReport.merge(runs);
    }

    /** One file as one report. */
    public static RunReport readOne(Path file) throws IOException {
        RunReport report = new RunReport();
        Map<String, Long> counters = new LinkedHashMap<>();
        Map<String, String> info = new LinkedHashMap<>();
        Map<String, String> params = new LinkedHashMap<>();
        Map<String, TreeMap<Long, Long>> gauges = new TreeMap<>();
        List<String> mix = new ArrayList<>();
        Comments c = readComments(file, counters, info, params, gauges, mix);
        report.mix(MixReport.fromHlogLines(mix));
        gauges.forEach((name, series) -> series.forEach((sec, v) -> report.timeline().gauge(name, sec, v)));
        counters.forEach(report::counter);
        info.forEach(report::info);
        if (report.info(RunReport.SOURCE) == null) {
            report.info(RunReport.SOURCE, file.getFileName().toString());
        }
        report.parameters(RunParameters.fromText(params));
        report.interrupted(c.interrupted);
        report.failure(c.failure);
        if (report.info(RunReport.MODE) == null && report.parameters() != null) {
            report.info(RunReport.MODE, report.parameters().mode());
        }
        long skipped = readHistograms(file, report, c.untaggedIsCopy);
        if (!report.hasValues()) {
            if (startsWithBrace(file)) {
                throw new IOException(file + " holds no HdrHistogram interval: it is JSON; a JSON summary can be compared "
                        + "(loadtool report --compare BASE NEW) but not merged, which needs the .hlog files");
            }
            throw new IOException(file + " holds no HdrHistogram interval: it is not an interval log written by "
                    + "`loadtool run --hlog` or another HdrHistogram tool" + (skipped > 0 ? " (" + skipped + " unknown intervals skipped)" : ""));
        }
        if (skipped > 0) {
            report.counter("hlog.skippedIntervals", skipped);
        }
        return report;
    }

    private static boolean startsWithBrace(Path file) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            int c;
            while ((c = r.read()) >= 0 && Character.isWhitespace(c)) {
                // skip
            }
            return c == '{';
        }
    }

    private record Comments(boolean interrupted, String failure, boolean untaggedIsCopy) {
    }

    private static long readHistograms(Path file, RunReport report, boolean untaggedIsCopy) throws IOException {
        long skipped = 0;
        HistogramLogReader reader;
        try {
            reader = new HistogramLogReader(file.toFile());
        } catch (IOException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            while (true) {
                EncodableHistogram e;
                try {
                    if (!reader.hasNext()) {
                        break;
                    }
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
                if (tag == null && untaggedIsCopy) {
                    continue;
                }
                boolean warmup = tag != null && tag.startsWith(HlogWriter.WARMUP_TAG_PREFIX);
                Metric m = tag == null ? Metric.LATENCY
                        : Metric.forTag(warmup ? tag.substring(HlogWriter.WARMUP_TAG_PREFIX.length()) : tag);
                if (m == null) {
                    skipped++;
                    continue;
                }
                if (report.info(RunReport.STARTED) == null && reader.getStartTimeSec() > 0) {
                    report.info(RunReport.STARTED, Instant.ofEpochMilli((long) (reader.getStartTimeSec() * 1000)).toString());
                }
                double start = h.getStartTimeStamp() / 1000.0 - reader.getStartTimeSec();
                report.addInterval(m, h, warmup, start);
            }
        } finally {
            reader.close();
        }
        return skipped;
    }

    private static Comments readComments(Path file, Map<String, Long> counters, Map<String, String> info,
                                         Map<String, String> params, Map<String, TreeMap<Long, Long>> gauges,
                                         List<String> mix) throws IOException {
        String prefix = "#" + HlogWriter.PREFIX;
        boolean interrupted = false;
        String failure = null;
        boolean untaggedIsCopy = false;
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
                    } else if (rest.startsWith("param ")) {
                        String kv = rest.substring(6);
                        int eq = kv.indexOf('=');
                        params.put(kv.substring(0, eq), kv.substring(eq + 1));
                    } else if (rest.startsWith("interrupted=")) {
                        interrupted = Boolean.parseBoolean(rest.substring("interrupted=".length()).trim());
                    } else if (rest.startsWith("failure=")) {
                        failure = rest.substring("failure=".length());
                    } else if (rest.startsWith(HlogWriter.UNTAGGED)) {
                        untaggedIsCopy = true;
                    } else if (rest.startsWith(MixReport.HLOG_MIX) || rest.startsWith(MixReport.HLOG_ENTRY)) {
                        mix.add(rest);
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
        return new Comments(interrupted, failure, untaggedIsCopy);
    }
}
