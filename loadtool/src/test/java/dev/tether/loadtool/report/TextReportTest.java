package dev.tether.loadtool.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class TextReportTest {
    private static RunReport report(String commandLine, boolean interrupted) {
        RunReport r = new RunReport();
        r.info(RunReport.MODE, "rate");
        r.info(RunReport.STARTED, "2026-11-29T15:55:31Z");
        r.parameters(new RunParameters("rate", 200, 2000, 2000, 10_000, 2_000, 64, 1, 10_000, 0, 0, 10, "1.0", commandLine));
        r.interrupted(interrupted);
        Histogram h = MetricRecorders.newHistogram();
        h.recordValueWithCount(1_000_000L, 100);
        r.addInterval(Metric.LATENCY, h, false, 0);
        r.counter(RunReport.DURATION_MILLIS, 10_000);
        r.counter(RunReport.OPS_COMPLETED, 100);
        return r;
    }

    @Test
    void theHeadSaysWhenWithWhatPlanCommandAndVersion() {
        String text = TextReport.render(report("loadtool run --rate 2000", false), List.of());

        assertThat(text).startsWith("Tether load run\n  started     2026-11-29T15:55:31Z\n");
        assertThat(text).contains("  plan        rate 2000/s, 200 clients (connect 2000/s), 64 B payload, 1 outstanding, 10s measured")
                .contains("  command     loadtool run --rate 2000\n").contains("  version     loadtool 1.0\n");
        assertThat(text).doesNotContain("INTERRUPTED");
    }

    @Test
    void longValuesWrapUnderTheirColumnWithinTheWidth() {
        String longCommand = "loadtool run" + " --slo p99<20ms".repeat(12);

        String text = TextReport.render(report(longCommand, false), List.of());

        for (String line : text.split("\n")) {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(TextReport.WIDTH);
        }
        int at = text.indexOf("  command     loadtool run --slo");
        String next = text.substring(text.indexOf('\n', at) + 1, text.indexOf('\n', text.indexOf('\n', at) + 1));
        assertThat(next).matches(" {14}\\S.*"); // under the value, not under the label
    }

    @Test
    void anInterruptedRunSaysSoFirst() {
        String text = TextReport.render(report("", true), List.of());

        assertThat(text.split("\n")[1]).startsWith("INTERRUPTED: the run was stopped before its plan ended");
        assertThat(text).contains("WARNING: the run was interrupted");
        assertThat(text).doesNotContain("  command ");
    }
}
