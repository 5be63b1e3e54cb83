package dev.tether.loadtool.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class SloTest {
    private static RunReport report() {
        RunReport r = new RunReport();
        Histogram lat = MetricRecorders.newHistogram();
        for (int i = 1; i <= 100; i++) {
            lat.recordValue(i * 1_000_000L); // 1..100 ms
        }
        lat.setStartTimeStamp(0);
        r.addInterval(Metric.LATENCY, lat, false, 0);
        Histogram connect = MetricRecorders.newHistogram();
        connect.recordValue(150_000_000L);
        r.addInterval(Metric.CONNECT, connect, false, 0);
        r.counter(RunReport.OPS_COMPLETED, 1000);
        r.counter(RunReport.CLIENTS_TARGET, 10);
        r.counter(RunReport.CLIENTS_PEAK, 9);
        r.counter(RunReport.DURATION_MILLIS, 2000);
        r.counter(RunReport.ERRORS_PREFIX + "REQUEST_TIMEOUT", 1);
        return r;
    }

    private static boolean passes(String threshold) {
        return Slo.parse(threshold).evaluate(report()).passed();
    }

    @Test
    void latencyPercentilesOfAnyHistogram() {
        assertThat(passes("p99<100ms")).isTrue();
        assertThat(passes("p99<99ms")).isFalse();
        assertThat(passes("p50<=50.1ms")).isTrue(); // 3 significant digits: 50 ms reads as 50.0159 ms
        assertThat(passes("p50<49.9ms")).isFalse();
        assertThat(passes("latency.p99.9 < 101ms")).isTrue();
        assertThat(passes("max<1s")).isTrue();
        assertThat(passes("mean>40ms")).isTrue();
        assertThat(passes("connect.p99<200ms")).isTrue();
        assertThat(passes("connect.p99<100ms")).isFalse();
    }

    @Test
    void countsRatesAndShares() {
        // 1 error out of 1000 completed + 10 connects + 1 error.
        assertThat(passes("errors<0.1%")).isTrue();
        assertThat(passes("errors<0.09%")).isFalse();
        assertThat(passes("errors.rate<0.001")).isTrue();
        assertThat(passes("errors.rate<0.0009")).isFalse();
        assertThat(passes("errors.rate<0.1%")).isTrue();
        assertThat(passes("errors.count<1")).isFalse();
        assertThat(passes("errors.count<=1")).isTrue();
        assertThat(passes("rate>499")).isTrue();
        assertThat(passes("rate>500")).isFalse();
        assertThat(passes("connected>=90%")).isTrue();
        assertThat(passes("connected>=10")).isFalse();
        assertThat(passes("reconnects<1")).isTrue();
        assertThat(passes("late<1%")).isTrue();
    }

    @Test
    void aHistogramWithNoValuesBreaksTheThreshold() {
        Slo.Result r = Slo.parse("push.p50<5ms").evaluate(report());
        assertThat(r.passed()).isFalse();
        assertThat(r.actual()).contains("no push values");
    }

    @Test
    void unknownMetricsAndBadValuesAreRejectedWithTheFix() {
        assertThatThrownBy(() -> Slo.parse("latncy<20ms")).hasMessageContaining("unknown metric 'latncy'").hasMessageContaining("p99");
        assertThatThrownBy(() -> Slo.parse("pushes.p99<20ms")).hasMessageContaining("unknown metric");
        assertThatThrownBy(() -> Slo.parse("p99<20")).hasMessageContaining("with its unit");
        assertThatThrownBy(() -> Slo.parse("p99=20ms")).hasMessageContaining("not a threshold");
        assertThatThrownBy(() -> Slo.parse("p101<20ms")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> Slo.parse("errors<lots%")).hasMessageContaining("not a number");
    }

    @Test
    void aBareNumberOnTheErrorRateIsRefusedWithEachWayToSayIt() {
        // k6 users read errors<0.1 as a rate, others as a count: neither is guessed.
        assertThatThrownBy(() -> Slo.parse("errors<0.1"))
                .hasMessageContaining("errors<0.1%").hasMessageContaining("errors.rate<0.1").hasMessageContaining("errors.count<0.1");
    }

    @Test
    void thresholdsThatCanNeverHoldAreRefused() {
        assertThatThrownBy(() -> Slo.parse("connected>=120%")).hasMessageContaining("at most 100%");
        assertThatThrownBy(() -> Slo.parse("connected>100%")).hasMessageContaining("can never hold");
        assertThatThrownBy(() -> Slo.parse("errors.rate<0")).hasMessageContaining("can never hold");
        assertThatThrownBy(() -> Slo.parse("errors.rate<5")).hasMessageContaining("at most 1").hasMessageContaining("5%");
        assertThatThrownBy(() -> Slo.parse("p99<0ms")).hasMessageContaining("can never hold");
        assertThatThrownBy(() -> Slo.parse("late<0%")).hasMessageContaining("can never hold");
        assertThat(Slo.parse("connected>=100%")).isNotNull();
        assertThat(Slo.parse("errors<=0%")).isNotNull();
    }

    @Test
    void aThresholdTheModeCannotRecordIsRefusedBeforeTheRun() {
        List<Slo> slos = List.of(Slo.parse("p99<20ms"), Slo.parse("push.p99<5ms"), Slo.parse("late<1%"));
        assertThatThrownBy(() -> Slo.validate(slos, "rate"))
                .hasMessageContaining("'push.p99<5ms': mode rate records no push values (push is recorded in mode push)")
                .hasMessageNotContaining("late");
        assertThatThrownBy(() -> Slo.validate(slos, "closed"))
                .hasMessageContaining("'p99<20ms': mode closed records no latency values (latency is recorded in mode rate, send)")
                .hasMessageContaining("'late<1%': mode closed has no schedule");
        assertThatThrownBy(() -> Slo.validate(List.of(Slo.parse("rate>10")), "idle")).hasMessageContaining("completes no operations");
        Slo.validate(List.of(Slo.parse("p99<20ms"), Slo.parse("service.p99<5ms"), Slo.parse("errors<1%"), Slo.parse("late<1%")), "rate");
        Slo.validate(List.of(Slo.parse("push.p50<5ms"), Slo.parse("connect.p99<1s"), Slo.parse("rate>10")), "push");
        Slo.validate(List.of(Slo.parse("heartbeat.max<1s"), Slo.parse("connected>=100%")), "idle");
    }

    @Test
    void everyExampleTheErrorMessageGivesIsAccepted() {
        // The message lists what is accepted; each example in it must parse, or the message lies.
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("e\\.g\\. ([^)]*)\\)").matcher(Slo.ACCEPTED);
        int examples = 0;
        while (m.find()) {
            for (String example : m.group(1).split(", ")) {
                assertThat(Slo.parse(example)).as(example).isNotNull();
                examples++;
            }
        }
        assertThat(examples).isGreaterThanOrEqualTo(4);
        assertThatThrownBy(() -> Slo.parse("latncy<20ms")).hasMessageContaining(Slo.ACCEPTED);
    }

    @Test
    void theResultSaysWhatWasMeasured() {
        assertThat(Slo.parse("p99<20ms").evaluate(report()).toString()).isEqualTo("FAIL p99<20ms (actual 99.0ms)");
    }
}
