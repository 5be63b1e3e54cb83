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
    void emptyIntervalsAreNotWritten() throws Exception {
        Path file = dir.resolve("e.hlog");
        try (HlogWriter w = new HlogWriter(file, 1_000)) {
            w.interval(Metric.PUSH, MetricRecorders.newHistogram(), false);
        }
        assertThat(Files.readString(file)).doesNotContain("Tag=push");
    }
}
