package dev.tether.loadtool.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * A run over time, for the HTML charts: per time bucket, a histogram of each metric (two significant
 * digits are plenty for a chart) and gauges such as connected clients. Buckets start one second wide
 * and double in width whenever there would be more than {@link #MAX_BUCKETS}, so memory stays bounded
 * however long the run.
 */
public final class Timeline {
    /** Most buckets kept; beyond this, adjacent buckets merge. */
    public static final int MAX_BUCKETS = 600;

    private long bucketSeconds = 1;
    private TreeMap<Long, Bucket> buckets = new TreeMap<>();
    private double measuredFrom = Double.NaN;
    private double warmupUntil = Double.NaN;

    /** One time bucket: histograms of the metrics seen in it, and the last value of each gauge. */
    public static final class Bucket {
        final Histogram[] histograms = new Histogram[Metric.values().length];
        final Map<String, Long> gauges = new TreeMap<>();

        /** The histogram of this metric in this bucket, or {@code null}. */
        public Histogram histogram(Metric m) {
            return histograms[m.ordinal()];
        }

        /** A gauge's last value in this bucket, or {@code null}. */
        public Long gauge(String name) {
            return gauges.get(name);
        }

        void add(Bucket other) {
            for (int i = 0; i < histograms.length; i++) {
                if (other.histograms[i] != null) {
                    histogram(i).add(other.histograms[i]);
                }
            }
            other.gauges.forEach((k, v) -> gauges.merge(k, v, Math::max));
        }

        Histogram histogram(int i) {
            if (histograms[i] == null) {
                histograms[i] = new Histogram(MetricRecorders.HIGHEST_TRACKABLE_NANOS, 2);
            }
            return histograms[i];
        }
    }

    /** A bucket with its start time, seconds since the run started. */
    public record Point(double startSeconds, double widthSeconds, Bucket bucket) {
    }

    /** Adds a measured interval histogram that started {@code startSeconds} after the run started. */
    public void add(Metric metric, double startSeconds, Histogram interval) {
        add(metric, startSeconds, interval, false);
    }

    /**
     * Adds an interval histogram that started {@code startSeconds} after the run started; warm-up intervals
     * are charted too, and the time before the first measured one is marked as ramp and warm-up. Connect
     * times are left out of that mark: they are recorded during the ramp, before the measured window.
     */
    public void add(Metric metric, double startSeconds, Histogram interval, boolean warmup) {
        if (interval.getTotalCount() == 0) {
            return;
        }
        bucketAt(startSeconds).histogram(metric.ordinal()).add(interval);
        if (warmup) {
            double end = startSeconds + Math.max(0, (interval.getEndTimeStamp() - interval.getStartTimeStamp()) / 1000.0);
            warmupUntil = Double.isNaN(warmupUntil) ? end : Math.max(warmupUntil, end);
        } else if (metric != Metric.CONNECT) {
            measuredFrom = Double.isNaN(measuredFrom) ? startSeconds : Math.min(measuredFrom, startSeconds);
        }
    }

    /**
     * Seconds since the start at which the measured window began (the first measured interval of any
     * histogram but connect), or NaN when nothing was measured. Before it: ramp and warm-up.
     */
    public double measuredFromSeconds() {
        return measuredFrom;
    }

    /** Whether any warm-up interval was charted. */
    public boolean hasWarmup() {
        return !Double.isNaN(warmupUntil);
    }

    /**
     * Adds another run's timeline to this one, aligned on each run's own start: histograms are added, gauges
     * of the same time summed (two machines with 100 clients each have 200 connected).
     */
    public void addAll(Timeline other) {
        for (Point p : other.points()) {
            Bucket target = bucketAt(p.startSeconds());
            for (int i = 0; i < p.bucket().histograms.length; i++) {
                if (p.bucket().histograms[i] != null) {
                    target.histogram(i).add(p.bucket().histograms[i]);
                }
            }
            p.bucket().gauges.forEach((k, v) -> target.gauges.merge(k, v, Long::sum));
        }
        if (!Double.isNaN(other.measuredFrom)) {
            measuredFrom = Double.isNaN(measuredFrom) ? other.measuredFrom : Math.min(measuredFrom, other.measuredFrom);
        }
        if (!Double.isNaN(other.warmupUntil)) {
            warmupUntil = Double.isNaN(warmupUntil) ? other.warmupUntil : Math.max(warmupUntil, other.warmupUntil);
        }
    }

    /**
     * Sets a gauge (for example connected clients) at a time; within one bucket the largest value is
     * kept, and when runs are merged the values of the same bucket add up via {@link #addGaugeSum}.
     */
    public void gauge(String name, double atSeconds, long value) {
        bucketAt(atSeconds).gauges.merge(name, value, Math::max);
    }

    /** Adds to a gauge (used when several runs are merged into one timeline). */
    public void addGaugeSum(String name, double atSeconds, long value) {
        bucketAt(atSeconds).gauges.merge(name, value, Long::sum);
    }

    /** The buckets in time order. */
    public List<Point> points() {
        List<Point> out = new ArrayList<>(buckets.size());
        for (Map.Entry<Long, Bucket> e : buckets.entrySet()) {
            out.add(new Point(e.getKey() * (double) bucketSeconds, bucketSeconds, e.getValue()));
        }
        return out;
    }

    /** The width of a bucket now, in seconds. */
    public long bucketSeconds() {
        return bucketSeconds;
    }

    private Bucket bucketAt(double seconds) {
        long index = (long) Math.floor(Math.max(0, seconds) / bucketSeconds);
        while (index - (buckets.isEmpty() ? index : buckets.firstKey()) >= MAX_BUCKETS) {
            coarsen();
            index = (long) Math.floor(Math.max(0, seconds) / bucketSeconds);
        }
        return buckets.computeIfAbsent(index, k -> new Bucket());
    }

    private void coarsen() {
        TreeMap<Long, Bucket> merged = new TreeMap<>();
        for (Map.Entry<Long, Bucket> e : buckets.entrySet()) {
            Bucket target = merged.get(e.getKey() / 2);
            if (target == null) {
                merged.put(e.getKey() / 2, e.getValue());
            } else {
                target.add(e.getValue());
            }
        }
        buckets = merged;
        bucketSeconds *= 2;
    }
}
