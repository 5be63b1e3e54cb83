package dev.tether.loadtool.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** {@code recovery.*} thresholds: how long the clients were away in an outage. */
class RecoverySloTest {
    private static final long S = 1_000_000_000L;

    private static RunReport report() {
        RunReport r = new RunReport();
        Histogram away = MetricRecorders.newHistogram();
        for (int i = 1; i <= 100; i++) {
            away.recordValue(i * S / 10); // 0.1 .. 10 s
        }
        r.addInterval(Metric.RECOVERY, away, false, 0);
        return r;
    }

    @Test
    void recoveryPercentilesAreThresholds() {
        assertThat(Slo.parse("recovery.p99<15s").evaluate(report()).passed()).isTrue();
        assertThat(Slo.parse("recovery.p99<9s").evaluate(report()).passed()).isFalse();
        assertThat(Slo.parse("recovery.max<=10.1s").evaluate(report()).passed()).isTrue();
        assertThat(Slo.parse("recovery.p50<5s").evaluate(report()).actual()).startsWith("500").endsWith("ms"); // 5 s, to HdrHistogram's 3 digits
    }

    @Test
    void aRunWithoutOutageBreaksARecoveryThresholdAndSaysWhy() {
        Slo.Result r = Slo.parse("recovery.p99<15s").evaluate(new RunReport());
        assertThat(r.passed()).isFalse();
        assertThat(r.actual()).isEqualTo("no recovery values recorded");
    }

    @Test
    void recoveryNeedsADuration() {
        assertThatThrownBy(() -> Slo.parse("recovery.p99<15")).hasMessageContaining("not a duration");
        assertThat(Metric.forTag("recovery")).isEqualTo(Metric.RECOVERY);
    }

    @Test
    void mergedShardsAddTheirOutagesButTheTimeUntilAllBackIsTheSlowestShards() {
        RunReport a = new RunReport();
        a.counter(RunReport.OUTAGE_DISCONNECTS, 10);
        a.counter(RunReport.OUTAGE_ALL_BACK_MILLIS, 3_000);
        RunReport b = new RunReport();
        b.counter(RunReport.OUTAGE_DISCONNECTS, 12);
        b.counter(RunReport.OUTAGE_ALL_BACK_MILLIS, 4_500);
        RunReport merged = RunReport.merge(java.util.List.of(a, b));
        assertThat(merged.counter(RunReport.OUTAGE_DISCONNECTS)).isEqualTo(22);
        assertThat(merged.counter(RunReport.OUTAGE_ALL_BACK_MILLIS)).isEqualTo(4_500);
    }
}
