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

    /** Adds an interval histogram that started {@code startSeconds} after the run started. */
    public void add(Metric metric, double startSeconds, Histogram interval) {
        if (interval.getTotalCount() == 0) {
            return;
        }
        bucketAt(startSeconds).histogram(metric.ordinal()).add(interval);
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
