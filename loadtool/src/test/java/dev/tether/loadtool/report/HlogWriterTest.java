package dev.tether.loadtool.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogProcessor;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HlogWriterTest {
    @TempDir
    Path dir;

    @Test
    void hdrHistogramsOwnReaderReadsEveryTaggedIntervalBack() throws Exception {
        Path file = Hlogs.write(dir.resolve("a.hlog"), 1_700_000_000_000L, 5, 100, 3.0);

        Map<String, Long> counts = new HashMap<>();
        long maxLatency = 0;
        HistogramLogReader reader = new HistogramLogReader(file.toFile());
        EncodableHistogram e;
        while ((e = reader.nextIntervalHistogram()) != null) {
            Histogram h = (Histogram) e;
            counts.merge(h.getTag(), h.getTotalCount(), Long::sum);
            if ("latency".equals(h.getTag())) {
                maxLatency = Math.max(maxLatency, h.getMaxValue());
                assertThat(h.getStartTimeStamp()).isGreaterThanOrEqualTo(1_700_000_001_000L);
            }
        }
        assertThat(reader.getStartTimeSec()).isEqualTo(1_700_000_000.0);
        reader.close();
        assertThat(counts).containsEntry("latency", 500L).containsEntry("service", 500L).containsEntry("warmup.latency", 7L);
        assertThat(maxLatency).isBetween(2_997_000L, 3_003_000L);
    }

    @Test
    void hdrHistogramsLogProcessorSummarizesOneTag() throws Exception {
        Path file = Hlogs.write(dir.resolve("a.hlog"), 1_700_000_000_000L, 3, 10, 3.0);
        Path out = dir.resolve("processed");

        PrintStream saved = System.out;
        ByteArrayOutputStream ignored = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(ignored, true, StandardCharsets.UTF_8));
            new HistogramLogProcessor(new String[] {"-i", file.toString(), "-o", out.toString(), "-tag", "latency"}).run();
        } finally {
            System.setOut(saved);
        }
        // The .hgrm percentile distribution: values in ms, total count at the end.
        String hgrm = Files.readString(Path.of(out + ".hgrm"));
        assertThat(hgrm).contains("#[Max     =        3.00").contains("Total count    =           30]");
    }

    @Test
    void theMeasuredLatencyIsAlsoWrittenUntaggedSoThePlainLogProcessorCommandWorks() throws Exception {
        // What a wrk2 user types first: HistogramLogProcessor -i FILE, no -tag. It reads untagged intervals only.
        Path file = Hlogs.write(dir.resolve("r.hlog"), 1_700_000_000_000L, 3, 10, 3.0);
        Path out = dir.resolve("plain");

        processLog("-i", file.toString(), "-o", out.toString());

        String hgrm = Files.readString(Path.of(out + ".hgrm"));
        // The 30 measured latency values, not the 7 warm-up ones nor the service values.
        assertThat(hgrm).contains("#[Max     =        3.00").contains("Total count    =           30]");
    }

    @Test
    void anotherModesPrimaryHistogramIsTheUntaggedOneAndIsReadBackOnce() throws Exception {
        Path file = dir.resolve("closed.hlog");
        try (HlogWriter w = new HlogWriter(file, 1_000, Metric.SERVICE)) {
            Histogram h = MetricRecorders.newHistogram();
            h.recordValueWithCount(2_000_000L, 40);
            h.setStartTimeStamp(2_000);
            h.setEndTimeStamp(3_000);
            w.interval(Metric.SERVICE, h, false);
            w.interval(Metric.SERVICE, h, true);
        }
        Map<String, Long> counts = new HashMap<>();
        HistogramLogReader reader = new HistogramLogReader(file.toFile());
        EncodableHistogram e;
        while ((e = reader.nextIntervalHistogram()) != null) {
            counts.merge(String.valueOf(e.getTag()), ((Histogram) e).getTotalCount(), Long::sum);
        }
        reader.close();
        assertThat(counts).containsEntry("null", 40L).containsEntry("service", 40L).containsEntry("warmup.service", 40L);

        RunReport r = HlogReader.readOne(file);
        assertThat(r.histogram(Metric.SERVICE).getTotalCount()).isEqualTo(40);
        assertThat(r.histogram(Metric.LATENCY)).isNull();
    }

    @Test
    void untaggedIntervalsOfOtherToolsCountAsLatency() throws Exception {
        Path file = dir.resolve("other.hlog");
        try (PrintStream ps = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.US_ASCII)) {
            org.HdrHistogram.HistogramLogWriter w = new org.HdrHistogram.HistogramLogWriter(ps);
            w.outputLogFormatVersion();
            w.outputStartTime(1_000);
            w.outputLegend();
            Histogram h = MetricRecorders.newHistogram();
            h.recordValueWithCount(5_000_000L, 12);
            h.setStartTimeStamp(1_000);
            h.setEndTimeStamp(2_000);
            w.outputIntervalHistogram(h);
        }
        assertThat(HlogReader.readOne(file).histogram(Metric.LATENCY).getTotalCount()).isEqualTo(12);
    }

    @Test
    void theParametersAndTheInterruptedFlagAreReadBack() throws Exception {
        Path file = Hlogs.write(dir.resolve("p.hlog"), 1_700_000_000_000L, 2, 10, 1.0, 40, true);

        RunReport r = HlogReader.readOne(file);

        assertThat(r.interrupted()).isTrue();
        assertThat(r.parameters()).isEqualTo(new RunParameters("rate", 10, 100, 40, 2000, 1000, 64, 1, 10_000, 0, 0, 10,
                "test", "loadtool run --rate 40 --duration 2s"));
    }

    private static void processLog(String... args) throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream ignored = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(ignored, true, StandardCharsets.UTF_8));
            new HistogramLogProcessor(args).run();
        } finally {
            System.setOut(saved);
        }
    }

    @Test
    void emptyIntervalsAreNotWritten() throws Exception {
        Path file = dir.resolve("e.hlog");
        try (HlogWriter w = new HlogWriter(file, 1_000)) {
            w.interval(Metric.PUSH, MetricRecorders.newHistogram(), false);
        }
        assertThat(Files.readString(file)).doesNotContain("Tag=push");
    }
}
