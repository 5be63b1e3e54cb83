package dev.tether.loadtool.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class TimelineTest {
    private static Histogram values(long count, long nanos) {
        Histogram h = MetricRecorders.newHistogram();
        h.recordValueWithCount(nanos, count);
        return h;
    }

    @Test
    void bucketsDoubleInWidthInsteadOfGrowingWithoutBoundAndKeepEveryValue() {
        Timeline t = new Timeline();
        for (int s = 0; s < 1_500; s++) {
            t.add(Metric.LATENCY, s, values(10, 1_000_000L));
            t.gauge(RunReport.GAUGE_CONNECTED, s, s);
        }
        assertThat(t.bucketSeconds()).isEqualTo(4);
        assertThat(t.points()).hasSizeLessThanOrEqualTo(Timeline.MAX_BUCKETS);
        long total = 0;
        for (Timeline.Point p : t.points()) {
            total += p.bucket().histogram(Metric.LATENCY).getTotalCount();
        }
        assertThat(total).isEqualTo(15_000);
        Timeline.Point last = t.points().get(t.points().size() - 1);
        assertThat(last.bucket().gauge(RunReport.GAUGE_CONNECTED)).isEqualTo(1_499L); // the largest in the bucket
    }

    @Test
    void emptyIntervalsLeaveNoBucket() {
        Timeline t = new Timeline();
        t.add(Metric.PUSH, 3, MetricRecorders.newHistogram());
        assertThat(t.points()).isEmpty();
    }
}
