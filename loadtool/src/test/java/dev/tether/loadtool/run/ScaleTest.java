package dev.tether.loadtool.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.loadtool.report.Metric;
import dev.tether.loadtool.report.RunReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Thousands of connections in one JVM: opt-in with -Pslow-tests. */
@Tag("slow")
class ScaleTest {
    @Test
    void fiveThousandClientsConnectAndTakeRequestsWithoutErrors() {
        StringWriter out = new StringWriter();
        LoadPlan plan = LoadPlan.builder()
                .clients(5_000).connectRate(2_500).rate(5_000)
                .warmup(Duration.ofSeconds(1)).duration(Duration.ofSeconds(3))
                .build();

        RunResult result = LoadRun.create(plan, new PrintWriter(out, true), false, ResourceLimits.current()).execute();

        assertThat(result.outcome()).as(out.toString()).isEqualTo(RunResult.Outcome.COMPLETED);
        RunReport r = result.report();
        assertThat(r.counter(RunReport.CLIENTS_PEAK)).isEqualTo(5_000);
        assertThat(r.histogram(Metric.CONNECT).getTotalCount()).isEqualTo(5_000);
        assertThat(r.errors()).isZero();
        assertThat(r.counter(RunReport.OPS_COMPLETED)).isEqualTo(r.counter(RunReport.OPS_SCHEDULED)).isEqualTo(15_000);
    }
}
