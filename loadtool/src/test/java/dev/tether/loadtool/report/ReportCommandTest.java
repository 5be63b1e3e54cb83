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

    @Test
    void mergingTwoLogsAddsTheirCounts() throws Exception {
        Path a = Hlogs.write(dir.resolve("a.hlog"), 1_700_000_000_000L, 4, 100, 2.0);
        Path b = Hlogs.write(dir.resolve("b.hlog"), 1_700_000_000_500L, 3, 50, 8.0);
        Path json = dir.resolve("merged.json");
        Path html = dir.resolve("merged.html");

        int code = run("report", "--json", json.toString(), "--html", html.toString(), a.toString(), b.toString());

        assertThat(code).isEqualTo(ExitCodes.OK);
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(root.get("schema").asText()).isEqualTo(JsonReport.SCHEMA);
        assertThat(root.get("runs").asInt()).isEqualTo(2);
        assertThat(root.at("/histograms/latency/count").asLong()).isEqualTo(400 + 150);
        assertThat(root.at("/histograms/service/count").asLong()).isEqualTo(400 + 150);
        assertThat(root.at("/warmup/latency/count").asLong()).isEqualTo(14);
        assertThat(root.at("/throughput/completed").asLong()).isEqualTo(550);
        assertThat(root.at("/errors/byKind/REQUEST_TIMEOUT").asLong()).isEqualTo(4);
        assertThat(root.at("/clients/target").asLong()).isEqualTo(20);
        // Merged histograms, not averaged percentiles: 400 values of 2 ms and 150 of 8 ms.
        assertThat(root.at("/histograms/latency/percentiles/50").asDouble()).isBetween(1.99, 2.01);
        assertThat(root.at("/histograms/latency/percentiles/90").asDouble()).isBetween(7.99, 8.01);
        assertThat(Files.readString(html)).contains("<svg").contains("99.99%");
    }

    @Test
    void aBrokenThresholdExitsWithThree() throws Exception {
        Path a = Hlogs.write(dir.resolve("a.hlog"), 1_700_000_000_000L, 2, 100, 30.0);

        assertThat(run("report", "--slo", "p99<20ms", a.toString())).isEqualTo(ExitCodes.THRESHOLD_BROKEN);
        assertThat(run("report", "--slo", "p99<40ms", "--slo", "service.p50<20ms", a.toString())).isEqualTo(ExitCodes.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("FAIL p99<20ms").contains("PASS p99<40ms");
    }

    @Test
    void aThresholdNamingAnUnknownMetricIsAUsageError() throws Exception {
        Path a = Hlogs.write(dir.resolve("a.hlog"), 1_700_000_000_000L, 2, 100, 30.0);

        assertThat(run("report", "--slo", "latncy.p99<20ms", a.toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown metric 'latncy.p99'");
    }

    @Test
    void aMissingFileFailsTheRun() {
        assertThat(run("report", dir.resolve("nope.hlog").toString())).isEqualTo(ExitCodes.RUN_FAILED);
    }

    @Test
    void noFileIsAUsageError() {
        assertThat(run("report")).isEqualTo(ExitCodes.USAGE);
    }
}
