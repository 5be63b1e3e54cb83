package dev.tether.loadtool.report;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One HdrHistogram {@link Recorder} per {@link Metric}. Any thread may record (wait-free); one reporter
 * thread reads interval histograms without allocating, by handing back the histogram it got last time.
 */
public final class MetricRecorders {
    /** Values above this (one hour, in nanoseconds) are recorded as this. */
    public static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.HOURS.toNanos(1);
    /** Value precision: three significant decimal digits (0.1% error). */
    public static final int SIGNIFICANT_DIGITS = 3;

    private final Recorder[] recorders = new Recorder[Metric.values().length];
    private final Histogram[] recycled = new Histogram[Metric.values().length];

    public MetricRecorders() {
        for (int i = 0; i < recorders.length; i++) {
            recorders[i] = new Recorder(HIGHEST_TRACKABLE_NANOS, SIGNIFICANT_DIGITS);
        }
    }

    /** Records one value in nanoseconds; negative values (clock steps) count as zero. */
    public void record(Metric metric, long nanos) {
        long v = nanos < 0 ? 0 : Math.min(nanos, HIGHEST_TRACKABLE_NANOS);
        recorders[metric.ordinal()].recordValue(v);
    }

    /**
     * The values recorded since the last call for this metric, tagged with {@link Metric#tag()}. The
     * returned histogram is reused by the next call for the same metric: use it before calling again.
     * Only one thread may call this.
     */
    public Histogram interval(Metric metric) {
        int i = metric.ordinal();
        Histogram h = recorders[i].getIntervalHistogram(recycled[i]);
        h.setTag(metric.tag());
        recycled[i] = h;
        return h;
    }

    /** A new empty histogram with the recorders' range and precision. */
    public static Histogram newHistogram() {
        return new Histogram(HIGHEST_TRACKABLE_NANOS, SIGNIFICANT_DIGITS);
    }
}
