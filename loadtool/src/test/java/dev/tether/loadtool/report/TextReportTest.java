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

    @Test
    void clientsThatNeverConnectedInShardsAddUpByReasonThroughTheirLogs(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        List<java.nio.file.Path> logs = new java.util.ArrayList<>();
        long[][] never = {{2, 1}, {0, 4}}; // per shard: refused, still connecting
        for (int k = 0; k < 2; k++) {
            RunReport shard = report("loadtool run --shard " + k + "/2", false);
            shard.info(ShardMerge.PLAN, "p1");
            shard.info(ShardMerge.SHARD, k + "/2");
            shard.counter(RunReport.CLIENTS_TARGET, 100);
            shard.counter(RunReport.CLIENTS_PEAK, 100 - never[k][0] - never[k][1]);
            shard.counter(RunReport.RAMP_MILLIS, 1_000);
            shard.counter(RunReport.NEVER_CONNECTED, never[k][0] + never[k][1]);
            shard.counter(RunReport.NEVER_CONNECTED_PREFIX + "Connection refused", never[k][0]);
            shard.counter(RunReport.NEVER_CONNECTED_PREFIX + "still connecting, no failure seen", never[k][1]);
            java.nio.file.Path log = dir.resolve("s" + k + ".hlog");
            HlogWriter w = new HlogWriter(log, 1_000L);
            w.interval(Metric.LATENCY, shard.histogram(Metric.LATENCY), false);
            w.summary(shard);
            w.close();
            logs.add(log);
        }

        RunReport merged = HlogReader.read(logs);

        assertThat(merged.counter(RunReport.NEVER_CONNECTED)).isEqualTo(7);
        assertThat(merged.neverConnectedByReason()).containsExactly(
                java.util.Map.entry("still connecting, no failure seen", 5L), java.util.Map.entry("Connection refused", 2L));
        assertThat(merged.rampCompleted()).isFalse();
        assertThat(TextReport.render(merged, List.of()))
                .contains("unconnected 7 clients never connected: 5 still connecting, no failure seen, 2 Connection refused")
                .contains("incomplete (7 of 200 never connected): 193 connected in 1.00 s");
    }

    @Test
    void aRunWhereEveryClientConnectedSaysNothingOfNeverConnectedClients() {
        RunReport r = report("loadtool run", false);
        r.counter(RunReport.CLIENTS_TARGET, 200);
        r.counter(RunReport.CLIENTS_PEAK, 200);
        r.counter(RunReport.RAMP_MILLIS, 100);
        r.counter(RunReport.NEVER_CONNECTED, 0);

        assertThat(r.rampCompleted()).isTrue();
        assertThat(TextReport.render(r, List.of())).doesNotContain("unconnected").doesNotContain("incomplete");
        assertThat(r.warnings()).noneMatch(w -> w.contains("never connected"));
    }
}
