package dev.tether.loadtool.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/** Writes small interval logs with known contents for the report tests. */
final class Hlogs {
    private Hlogs() {
    }

    /**
     * A log of {@code seconds} one-second intervals, each with {@code perSecond} latency values of
     * {@code latencyMillis} and service values of half that, one warm-up interval, and run counters.
     */
    static Path write(Path file, long startMillis, int seconds, int perSecond, double latencyMillis) throws IOException {
        try (HlogWriter w = new HlogWriter(file, startMillis)) {
            Histogram warm = MetricRecorders.newHistogram();
            warm.recordValueWithCount(50_000_000L, 7);
            warm.setStartTimeStamp(startMillis);
            warm.setEndTimeStamp(startMillis + 1000);
            w.interval(Metric.LATENCY, warm, true);
            for (int s = 1; s <= seconds; s++) {
                Histogram lat = MetricRecorders.newHistogram();
                lat.recordValueWithCount((long) (latencyMillis * 1e6), perSecond);
                lat.setStartTimeStamp(startMillis + s * 1000L);
                lat.setEndTimeStamp(startMillis + (s + 1) * 1000L);
                w.interval(Metric.LATENCY, lat, false);
                Histogram svc = MetricRecorders.newHistogram();
                svc.recordValueWithCount((long) (latencyMillis * 0.5e6), perSecond);
                svc.setStartTimeStamp(startMillis + s * 1000L);
                svc.setEndTimeStamp(startMillis + (s + 1) * 1000L);
                w.interval(Metric.SERVICE, svc, false);
                w.gauge(RunReport.GAUGE_CONNECTED, startMillis + s * 1000L, 10);
            }
            Map<String, Long> counters = new TreeMap<>();
            counters.put(RunReport.OPS_COMPLETED, (long) seconds * perSecond);
            counters.put(RunReport.DURATION_MILLIS, seconds * 1000L);
            counters.put(RunReport.CLIENTS_TARGET, 10L);
            counters.put(RunReport.CLIENTS_PEAK, 10L);
            counters.put(RunReport.ERRORS_PREFIX + "REQUEST_TIMEOUT", 2L);
            w.summary(Map.of(RunReport.MODE, "rate"), counters);
        }
        return file;
    }
}
