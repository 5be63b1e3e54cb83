package dev.tether.loadtool.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.loadtool.ExitCodes;
import dev.tether.loadtool.LoadTool;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReportCommandTest {
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        CommandLine cl = LoadTool.newCommandLine();
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        return cl.execute(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private JsonNode json(Path file) throws Exception {
        SummarySchema.assertValid(file);
        return new ObjectMapper().readTree(file.toFile());
    }

    @Test
    void shardsThatRanSideBySideAddTheirHistogramsClientsAndRates() throws Exception {
        Path a = Hlogs.write(dir.resolve("a.hlog"), T0, 4, 100, 2.0);
        Path b = Hlogs.write(dir.resolve("b.hlog"), T0 + 500, 4, 50, 8.0);
        Path json = dir.resolve("merged.json");
        Path html = dir.resolve("merged.html");

        int code = run("report", "--json", json.toString(), "--html", html.toString(), a.toString(), b.toString());

        assertThat(code).as(err()).isEqualTo(ExitCodes.OK);
        JsonNode root = json(json);
        assertThat(root.get("schema").asText()).isEqualTo(JsonReport.SCHEMA);
        assertThat(root.get("runs").asInt()).isEqualTo(2);
        assertThat(root.get("sideBySide").asBoolean()).isTrue();
        // The untagged copy of the latency series is not counted twice.
        assertThat(root.at("/histograms/latency/count").asLong()).isEqualTo(400 + 200);
        assertThat(root.at("/histograms/service/count").asLong()).isEqualTo(400 + 200);
        assertThat(root.at("/warmup/latency/count").asLong()).isEqualTo(14);
        assertThat(root.at("/throughput/completed").asLong()).isEqualTo(600);
        assertThat(root.at("/throughput/targetOpsPerSecond").asLong()).isEqualTo(150);
        assertThat(root.at("/throughput/opsPerSecond").asDouble()).isEqualTo(150.0);
        assertThat(root.at("/errors/byKind/REQUEST_TIMEOUT").asLong()).isEqualTo(4);
        assertThat(root.at("/clients/target").asLong()).isEqualTo(20);
        // Generator figures are per process, never added: two processes may share a machine's cores.
        assertThat(root.at("/generator/cores").isNull()).isTrue();
        assertThat(root.at("/inputs/0/generator/cores").asLong()).isEqualTo(2);
        // Merged histograms, not averaged percentiles: 400 values of 2 ms and 200 of 8 ms.
        assertThat(root.at("/histograms/latency/percentilesMillis/50").asDouble()).isBetween(1.99, 2.01);
        assertThat(root.at("/histograms/latency/percentilesMillis/90").asDouble()).isBetween(7.99, 8.01);
        assertThat(out()).contains("ran side by side").doesNotContain("WARNING");
        assertThat(Files.readString(html)).contains("<svg").contains("99.99%");
    }

    @Test
    void runsOfDifferentLengthsAndRatesMergeHistogramsButKeepTheirPlansApart() throws Exception {
        // a: 10 s at its planned 100/s; b: 3 s at its planned 500/s, a day later.
        Path a = Hlogs.write(dir.resolve("a.hlog"), T0, 10, 100, 2.0, 100, false);
        Path b = Hlogs.write(dir.resolve("b.hlog"), T0 + 86_400_000L, 3, 500, 8.0, 500, false);
        Path json = dir.resolve("merged.json");

        int code = run("report", "--json", json.toString(), a.toString(), b.toString());

        assertThat(code).as(err()).isEqualTo(ExitCodes.OK);
        String text = out();
        // Each met its own plan: nothing could not keep up, and 600/s was never a target.
        assertThat(text).doesNotContain("could not keep up").doesNotContain("WARNING").doesNotContain("target 600");
        assertThat(text).contains("ran at different times or with different plans");
        assertThat(text).containsPattern("a\\.hlog\\s+rate\\s+10\\.0 s\\s+10/10\\s+100\\.0 \\(100\\)");
        assertThat(text).containsPattern("b\\.hlog\\s+rate\\s+3\\.0 s\\s+10/10\\s+500\\.0 \\(500\\)");
        JsonNode root = json(json);
        assertThat(root.get("sideBySide").asBoolean()).isFalse();
        assertThat(root.at("/histograms/latency/count").asLong()).isEqualTo(1000 + 1500);
        assertThat(root.at("/throughput/completed").asLong()).isEqualTo(2500);
        assertThat(root.at("/throughput/targetOpsPerSecond").isNull()).isTrue();
        assertThat(root.at("/throughput/opsPerSecond").isNull()).isTrue();
        assertThat(root.at("/clients/target").isNull()).isTrue();
        assertThat(root.at("/clients/targetConnectsPerSecond").isNull()).isTrue();
        assertThat(root.at("/generator/cores").isNull()).isTrue();
        assertThat(root.at("/inputs/1/targetOpsPerSecond").asLong()).isEqualTo(500);
        assertThat(root.at("/inputs/1/parameters/ratePerSecond").asDouble()).isEqualTo(500);
        assertThat(root.at("/inputs/0/opsPerSecond").asDouble()).isEqualTo(100.0);
    }

    @Test
    void aMergeOfRunsThatEachFellShortWarnsForEachWithItsName() throws Exception {
        Path a = Hlogs.write(dir.resolve("a.hlog"), T0, 4, 100, 2.0, 1000, false);
        Path b = Hlogs.write(dir.resolve("b.hlog"), T0 + 86_400_000L, 3, 500, 8.0, 500, false);

        assertThat(run("report", a.toString(), b.toString())).isEqualTo(ExitCodes.OK);
        assertThat(out()).contains("WARNING: a.hlog: achieved rate 100.0/s is below the target 1000/s")
                .doesNotContain("WARNING: b.hlog");
    }

    @Test
    void filesWithNoHistogramAreRefusedByName() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.hlog"), "");
        Path passwd = Files.writeString(dir.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n");
        Path summary = dir.resolve("summary.json");
        Path good = Hlogs.write(dir.resolve("good.hlog"), T0, 2, 10, 1.0);
        assertThat(run("report", "--json", summary.toString(), good.toString())).isEqualTo(ExitCodes.OK);

        for (Path bad : new Path[] {empty, passwd, summary}) {
            out.reset();
            err.reset();
            assertThat(run("report", good.toString(), bad.toString())).as(bad.toString()).isEqualTo(ExitCodes.RUN_FAILED);
            assertThat(err()).as(bad.toString()).contains("loadtool report: " + bad).containsAnyOf("holds no HdrHistogram interval",
                    "is not an HdrHistogram log");
            assertThat(out()).as(bad.toString()).doesNotContain("Tether load");
        }
    }

    @Test
    void anInterruptedRunIsMarkedAndNeverPasses() throws Exception {
        Path a = Hlogs.write(dir.resolve("a.hlog"), T0, 2, 100, 3.0, 100, true);
        Path json = dir.resolve("a.json");
        Path html = dir.resolve("a.html");

        int code = run("report", "--slo", "p99<40ms", "--json", json.toString(), "--html", html.toString(), a.toString());

        assertThat(code).isEqualTo(ExitCodes.THRESHOLD_BROKEN);
        assertThat(out()).contains("INTERRUPTED").contains("PASS p99<40ms");
        assertThat(err()).contains("interrupted");
        JsonNode root = json(json);
        assertThat(root.get("interrupted").asBoolean()).isTrue();
        assertThat(root.get("passed").asBoolean()).isFalse();
        assertThat(Files.readString(html)).contains("class=\"banner\">Interrupted");
    }

    @Test
    void theSummaryCarriesThePlanAndKeepsEveryKeyWhenZero() throws Exception {
        Path a = Hlogs.write(dir.resolve("a.hlog"), T0, 2, 100, 3.0, 250, false);
        Path json = dir.resolve("a.json");

        assertThat(run("report", "--json", json.toString(), a.toString())).isEqualTo(ExitCodes.OK);

        JsonNode root = json(json);
        assertThat(root.at("/parameters/ratePerSecond").asDouble()).isEqualTo(250);
        assertThat(root.at("/parameters/payloadBytes").asInt()).isEqualTo(64);
        assertThat(root.at("/parameters/commandLine").asText()).isEqualTo("loadtool run --rate 250 --duration 2s");
        assertThat(root.at("/interrupted").asBoolean()).isFalse();
        assertThat(root.at("/passed").asBoolean()).isTrue();
        // Nothing was pushed, and the keys are there all the same.
        assertThat(root.at("/histograms/push/count").asLong()).isZero();
        assertThat(root.at("/histograms/push/percentilesMillis/99").isNull()).isTrue();
        assertThat(root.at("/schedule/late").isNumber()).isTrue();
        assertThat(root.at("/errors/fraction").asDouble()).isBetween(0.0, 1.0);
        assertThat(out()).contains("loadtool run --rate 250 --duration 2s").contains("rate 250/s, 10 clients");
    }

    @Test
    void aThresholdTheRunsModeCannotRecordIsAUsageError() throws Exception {
        Path a = Hlogs.write(dir.resolve("a.hlog"), T0, 2, 100, 30.0);

        assertThat(run("report", "--slo", "push.p99<5ms", a.toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(err()).contains("mode rate records no push values");
    }

    @Test
    void aBrokenThresholdExitsWithThree() throws Exception {
        Path a = Hlogs.write(dir.resolve("a.hlog"), T0, 2, 100, 30.0);

        assertThat(run("report", "--slo", "p99<20ms", a.toString())).isEqualTo(ExitCodes.THRESHOLD_BROKEN);
        assertThat(run("report", "--slo", "p99<40ms", "--slo", "service.p50<20ms", a.toString())).isEqualTo(ExitCodes.OK);
        assertThat(out()).contains("FAIL p99<20ms").contains("PASS p99<40ms");
    }

    @Test
    void aThresholdNamingAnUnknownMetricIsAUsageError() throws Exception {
        Path a = Hlogs.write(dir.resolve("a.hlog"), T0, 2, 100, 30.0);

        assertThat(run("report", "--slo", "latncy.p99<20ms", a.toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(err()).contains("unknown metric 'latncy.p99'");
    }

    @Test
    void compareShowsEachPercentileOfBothRunsWithTheRatio() throws Exception {
        Path base = Hlogs.write(dir.resolve("base.hlog"), T0, 3, 100, 2.0);
        Path candidate = Hlogs.write(dir.resolve("new.hlog"), T0 + 86_400_000L, 3, 100, 8.0);
        Path html = dir.resolve("compare.html");

        int code = run("report", "--compare", "--html", html.toString(), base.toString(), candidate.toString());

        assertThat(code).as(err()).isEqualTo(ExitCodes.OK);
        String text = out();
        assertThat(text).contains("base  base.hlog").contains("new   new.hlog");
        assertThat(text).containsPattern("latency \\(ms\\)\\s+base\\s+new\\s+new/base");
        assertThat(text).containsPattern("p50\\s+2\\.00\\d\\s+8\\.00\\d\\s+4\\.00x  worse");
        assertThat(text).containsPattern("p99\\s+1\\.00\\d\\s+4\\.00\\d\\s+4\\.00x  worse"); // service: half of latency
        String page = Files.readString(html);
        assertThat(page).startsWith("<!DOCTYPE html>").doesNotContain("<script").contains(">base<").contains(">new<")
                .contains("class=\"worse\"");
    }

    @Test
    void compareReadsAJsonSummaryAgainstALog() throws Exception {
        Path base = Hlogs.write(dir.resolve("base.hlog"), T0, 3, 100, 4.0);
        Path baseJson = dir.resolve("base.json");
        assertThat(run("report", "--json", baseJson.toString(), base.toString())).isEqualTo(ExitCodes.OK);
        Path candidate = Hlogs.write(dir.resolve("new.hlog"), T0, 3, 100, 2.0);
        out.reset();

        assertThat(run("report", "--compare", baseJson.toString(), candidate.toString())).as(err()).isEqualTo(ExitCodes.OK);
        assertThat(out()).containsPattern("p50\\s+4\\.00\\d\\s+2\\.00\\d\\s+0\\.50x  better");
    }

    @Test
    void compareTakesExactlyTwoReadableRuns() throws Exception {
        Path a = Hlogs.write(dir.resolve("a.hlog"), T0, 2, 10, 1.0);
        Path notSummary = Files.writeString(dir.resolve("other.json"), "{\"hello\": 1}");

        assertThat(run("report", "--compare", a.toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(err()).contains("--compare takes two files").contains("Try 'loadtool report --help'.");
        err.reset();
        assertThat(run("report", "--compare", a.toString(), notSummary.toString())).isEqualTo(ExitCodes.RUN_FAILED);
        assertThat(err()).contains(notSummary + " is JSON but not a loadtool summary");
    }

    @Test
    void aMissingFileFailsTheRun() {
        assertThat(run("report", dir.resolve("nope.hlog").toString())).isEqualTo(ExitCodes.RUN_FAILED);
        assertThat(err()).contains("nope.hlog: no such file");
    }

    @Test
    void noFileIsAUsageError() {
        assertThat(run("report")).isEqualTo(ExitCodes.USAGE);
    }
}
