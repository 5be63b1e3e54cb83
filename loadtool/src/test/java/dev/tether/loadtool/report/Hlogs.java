package dev.tether.loadtool.report;

import java.io.IOException;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;

/** Writes small interval logs with known contents for the report tests. */
final class Hlogs {
    private Hlogs() {
    }

    /**
     * A log of {@code seconds} one-second intervals, each with {@code perSecond} latency values of
     * {@code latencyMillis} and service values of half that, one warm-up interval, and run counters;
     * mode rate at {@code perSecond}/s, not interrupted.
     */
    static Path write(Path file, long startMillis, int seconds, int perSecond, double latencyMillis) throws IOException {
        return write(file, startMillis, seconds, perSecond, latencyMillis, perSecond, false);
    }

    /** As above, with the planned rate and whether the run was interrupted. */
    static Path write(Path file, long startMillis, int seconds, int perSecond, double latencyMillis, long plannedRate,
                      boolean interrupted) throws IOException {
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
                w.gauge(RunReport.GAUGE_ERRORS, startMillis + s * 1000L, s == seconds ? 2 : 0);
            }
            RunReport r = new RunReport();
            r.info(RunReport.MODE, "rate");
            r.info(RunReport.STARTED, java.time.Instant.ofEpochMilli(startMillis).toString());
            r.parameters(new RunParameters("rate", 10, 100, plannedRate, seconds * 1000L, 1000, 64, 1, 10_000, 0, 0, 10,
                    "test", "loadtool run --rate " + plannedRate + " --duration " + seconds + "s"));
            r.interrupted(interrupted);
            r.counter(RunReport.OPS_COMPLETED, (long) seconds * perSecond);
            r.counter(RunReport.DURATION_MILLIS, seconds * 1000L);
            r.counter(RunReport.WARMUP_MILLIS, 1000L);
            r.counter(RunReport.CLIENTS_TARGET, 10L);
            r.counter(RunReport.CLIENTS_PEAK, 10L);
            r.counter(RunReport.TARGET_RATE, plannedRate);
            r.counter(RunReport.TARGET_CONNECT_RATE, 100L);
            r.counter(RunReport.CORES, 2L);
            r.counter(RunReport.CPU_MILLIS, 500L);
            r.counter(RunReport.WALL_MILLIS, seconds * 1000L);
            r.counter(RunReport.ERRORS_PREFIX + "REQUEST_TIMEOUT", 2L);
            w.summary(r);
        }
        return file;
    }
}
