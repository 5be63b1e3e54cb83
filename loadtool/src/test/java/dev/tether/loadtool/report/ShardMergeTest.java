package dev.tether.loadtool.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.loadtool.ExitCodes;
import dev.tether.loadtool.LoadTool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ShardMergeTest {
    private static final long START = 1_795_977_000_000L;
    private static final int SECONDS = 5;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int report(String... args) {
        CommandLine cl = LoadTool.newCommandLine();
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        return cl.execute(args);
    }

    /** Known latencies, dealt to three shards the way their clients would produce them, and the oracle of all of them. */
    private final Histogram oracle = MetricRecorders.newHistogram();
    private final List<List<long[]>> perShardPerSecond = new ArrayList<>();

    private void deal(int shards) {
        Random random = new Random(42);
        for (int k = 0; k < shards; k++) {
            List<long[]> seconds = new ArrayList<>();
            for (int s = 0; s < SECONDS; s++) {
                // Shards differ on purpose: shard k is slower, so averaging their percentiles would be wrong.
                long[] values = new long[300 + 50 * k];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (long) ((1 + k * 3) * 1e6 * (0.5 + random.nextDouble() + (random.nextInt(100) == 0 ? 20 : 0)));
                    oracle.recordValue(values[i]);
                }
                seconds.add(values);
            }
            perShardPerSecond.add(seconds);
        }
    }

    private Path shardLog(String name, String plan, String shard, List<long[]> seconds, long errors) throws IOException {
        return shardLog(name, plan, shard, seconds, errors, 100);
    }

    private Path shardLog(String name, String plan, String shard, List<long[]> seconds, long errors, long clients) throws IOException {
        Path file = dir.resolve(name);
        try (HlogWriter w = new HlogWriter(file, START)) {
            Map<String, String> info = new TreeMap<>(Map.of(RunReport.MODE, "rate", ShardMerge.PLAN, plan));
            if (shard != null) {
                info.put(ShardMerge.SHARD, shard);
            }
            w.summary(info, Map.of());
            long completed = 0;
            for (int s = 0; s < seconds.size(); s++) {
                Histogram h = MetricRecorders.newHistogram();
                for (long v : seconds.get(s)) {
                    h.recordValue(v);
                }
                completed += h.getTotalCount();
                h.setStartTimeStamp(START + s * 1000L);
                h.setEndTimeStamp(START + (s + 1) * 1000L);
                w.interval(Metric.LATENCY, h, false);
            }
            w.summary(info, Map.of(RunReport.OPS_COMPLETED, completed, RunReport.DURATION_MILLIS, SECONDS * 1000L,
                    RunReport.CLIENTS_TARGET, clients, RunReport.CLIENTS_PEAK, clients, RunReport.ERRORS_PREFIX + "REQUEST_TIMEOUT", errors));
        }
        return file;
    }

    private List<Path> threeShards() throws IOException {
        deal(3);
        List<Path> logs = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            logs.add(shardLog("shard-" + k + ".hlog", "abc123", k + "/3", perShardPerSecond.get(k), k));
        }
        return logs;
    }

    @Test
    void mergedShardsHaveThePercentilesOfOneHistogramOfAllValues() throws Exception {
        List<Path> logs = threeShards();

        RunReport merged = HlogReader.read(logs);

        Histogram h = merged.histogram(Metric.LATENCY);
        assertThat(h.getTotalCount()).isEqualTo(oracle.getTotalCount());
        for (double p : new double[] {50, 75, 90, 99, 99.9, 99.99, 100}) {
            assertThat(h.getValueAtPercentile(p)).as("p%s", p).isEqualTo(oracle.getValueAtPercentile(p));
        }
        assertThat(merged.counter(RunReport.CLIENTS_TARGET)).isEqualTo(300);
        assertThat(merged.errors()).isEqualTo(0 + 1 + 2);
        assertThat(merged.counter(RunReport.OPS_COMPLETED)).isEqualTo(oracle.getTotalCount());
        // Time-aligned: second s of the merged timeline holds second s of every shard.
        List<Timeline.Point> points = merged.timeline().points();
        assertThat(points).hasSize(SECONDS);
        for (int s = 0; s < SECONDS; s++) {
            long expected = 0;
            for (List<long[]> shard : perShardPerSecond) {
                expected += shard.get(s).length;
            }
            assertThat(points.get(s).bucket().histogram(Metric.LATENCY).getTotalCount()).as("second %d", s).isEqualTo(expected);
        }
    }

    @Test
    void aThresholdOnTheMergeExitsAsItWouldOnOneRunOfAllValues() throws Exception {
        List<Path> logs = threeShards();
        List<long[]> all = new ArrayList<>();
        for (int s = 0; s < SECONDS; s++) {
            List<Long> values = new ArrayList<>();
            for (List<long[]> shard : perShardPerSecond) {
                for (long v : shard.get(s)) {
                    values.add(v);
                }
            }
            all.add(values.stream().mapToLong(Long::longValue).toArray());
        }
        Path single = shardLog("single.hlog", "whole", null, all, 3, 300);
        long p99 = oracle.getValueAtPercentile(99);
        String passing = "p99<" + (p99 / 1_000_000 + 1) + "ms";
        String breaking = "p99<" + (p99 / 1_000_000 - 1) + "ms";
        String[] shardArgs = logs.stream().map(Path::toString).toArray(String[]::new);

        for (String slo : List.of(passing, breaking, "errors<0.0001%", "errors<1%")) {
            int onOne = report(concat(new String[] {"report", "--slo", slo}, single.toString()));
            int onShards = report(concat(new String[] {"report", "--slo", slo}, shardArgs));
            assertThat(onShards).as(slo).isEqualTo(onOne);
        }
        assertThat(report(concat(new String[] {"report", "--slo", breaking}, shardArgs))).isEqualTo(ExitCodes.THRESHOLD_BROKEN);
        assertThat(report(concat(new String[] {"report", "--slo", passing}, shardArgs))).isEqualTo(ExitCodes.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("3 of 3 of plan abc123");
    }

    @Test
    void logsOfDifferentPlansAreRefusedNamingTheFiles() throws Exception {
        deal(2);
        Path a = shardLog("a.hlog", "plan-one", "0/2", perShardPerSecond.get(0), 0);
        Path b = shardLog("b.hlog", "plan-two", "1/2", perShardPerSecond.get(1), 0);

        assertThat(report("report", a.toString(), b.toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("not shards of one run").contains("b.hlog")
                .contains("plan plan-two").contains("plan plan-one");
    }

    @Test
    void theSameShardTwiceOrAnUnshardedLogAmongShardsIsRefused() throws Exception {
        deal(2);
        Path a = shardLog("a.hlog", "p", "0/2", perShardPerSecond.get(0), 0);
        Path again = shardLog("again.hlog", "p", "0/2", perShardPerSecond.get(1), 0);
        Path whole = shardLog("whole.hlog", "p", null, perShardPerSecond.get(1), 0);
        Path otherCount = shardLog("other.hlog", "p", "1/3", perShardPerSecond.get(1), 0);

        assertThatThrownBy(() -> ShardMerge.check(List.of(a, again))).hasMessageContaining("both shard 0/2");
        assertThatThrownBy(() -> ShardMerge.check(List.of(a, whole))).hasMessageContaining("whole.hlog is not a shard's log");
        assertThatThrownBy(() -> ShardMerge.check(List.of(a, otherCount))).hasMessageContaining("is shard 1/3");
    }

    @Test
    void aMissingShardIsMergedButNamed() throws Exception {
        deal(3);
        Path a = shardLog("a.hlog", "p", "0/3", perShardPerSecond.get(0), 0);
        Path c = shardLog("c.hlog", "p", "2/3", perShardPerSecond.get(2), 0);

        assertThat(ShardMerge.check(List.of(a, c))).isEqualTo("2 of 3 of plan p (missing: 1/3)");
        assertThat(report("report", a.toString(), c.toString())).isEqualTo(ExitCodes.OK);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("covers only part of the run");
    }

    @Test
    void unshardedLogsMergeUncheckedAsBefore() throws Exception {
        deal(2);
        Path a = shardLog("a.hlog", "p", null, perShardPerSecond.get(0), 0);
        Path b = shardLog("b.hlog", "q", null, perShardPerSecond.get(1), 0);

        assertThat(ShardMerge.check(List.of(a, b))).isNull();
    }

    private static String[] concat(String[] head, String... tail) {
        String[] all = new String[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }
}
