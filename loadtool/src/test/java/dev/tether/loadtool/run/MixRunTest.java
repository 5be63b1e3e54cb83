package dev.tether.loadtool.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.loadtool.ExitCodes;
import dev.tether.loadtool.LoadTool;
import dev.tether.loadtool.report.Metric;
import dev.tether.loadtool.report.MixReport;
import dev.tether.loadtool.report.RunReport;
import dev.tether.loadtool.report.SummarySchema;
import dev.tether.loadtool.report.TextReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs with a request mix against the reference server in this process, from Java and from the command line. */
class MixRunTest {
    /** The example the README points to: the tests run it, so it cannot rot. */
    private static final Path EXAMPLE = Path.of("examples", "chat.mix");

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int execute(String... args) {
        CommandLine cl = LoadTool.newCommandLine();
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        return cl.execute(args);
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theExampleMixRunsAgainstTheEmbeddedServerAndEveryEntryIsReported() {
        RequestMix mix = RequestMix.read(EXAMPLE, 3);
        LoadPlan plan = LoadPlan.builder()
                .clients(20).connectRate(1_000).rate(400).outstanding(4)
                .warmup(Duration.ofMillis(500)).duration(Duration.ofSeconds(2))
                .mix(mix)
                .build();
        StringWriter live = new StringWriter();

        RunResult result = LoadRun.create(plan, new PrintWriter(live, true), false, ResourceLimits.current()).execute();

        assertThat(result.outcome()).as(live.toString()).isEqualTo(RunResult.Outcome.COMPLETED);
        assertThat(live.toString()).contains("a mix of 5 entries from chat.mix (seed 3)");
        RunReport r = result.report();
        MixReport m = r.mix();
        assertThat(m.entries()).extracting(MixReport.Entry::name).containsExactly("join", "say", "history", "whoami", "ping");
        assertThat(m.entries()).extracting(MixReport.Entry::kind).containsExactly("request", "send", "request", "request", "request");
        // Every measured operation is one entry's: the entries add up to the run's own figures.
        long completed = m.entries().stream().mapToLong(MixReport.Entry::completed).sum();
        long errors = m.entries().stream().mapToLong(MixReport.Entry::errors).sum();
        assertThat(completed).isEqualTo(r.counter(RunReport.OPS_COMPLETED)).isEqualTo(r.histogram(Metric.LATENCY).getTotalCount());
        assertThat(completed + errors + r.counter(RunReport.OPS_UNFINISHED) + r.counter(RunReport.OPS_NOT_SENT))
                .isEqualTo(r.counter(RunReport.OPS_SCHEDULED)).isEqualTo(800);
        // 800 draws from weights 1:12:2:4:1: "say" (60%) dominates, every entry was sent.
        assertThat(m.entries().get(1).completed()).isBetween(400L, 560L);
        assertThat(m.entries()).allSatisfy(e -> assertThat(e.completed()).as(e.name()).isPositive());
        assertThat(TextReport.render(r, List.of())).contains("mix chat.mix (seed 3): latency per entry").contains("  whoami ");
    }

    @Test
    void runWithMixWritesTheEntriesToTextJsonAndHtml() throws Exception {
        Path json = dir.resolve("run.json");
        Path html = dir.resolve("run.html");
        Path hlog = dir.resolve("run.hlog");

        int code = execute("run", "--clients", "10", "--rate", "200", "--warmup", "0", "--duration", "1s",
                "--mix", EXAMPLE.toString(), "--seed", "5", "--json", json.toString(), "--html", html.toString(),
                "--hlog", hlog.toString());

        assertThat(code).as(output()).isEqualTo(ExitCodes.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("mix chat.mix (seed 5): latency per entry, measured period")
                .containsPattern("\\n  say +send +60\\.0% ");
        SummarySchema.assertValid(json);
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(root.at("/mix/file").asText()).isEqualTo("chat.mix");
        assertThat(root.at("/mix/seed").asLong()).isEqualTo(5);
        assertThat(root.at("/mix/metric").asText()).isEqualTo("latency");
        assertThat(root.at("/mix/entries").size()).isEqualTo(5);
        assertThat(root.at("/mix/entries/1/name").asText()).isEqualTo("say");
        assertThat(root.at("/mix/entries/1/kind").asText()).isEqualTo("send");
        assertThat(root.at("/mix/entries/1/weight").asLong()).isEqualTo(12);
        long sum = 0;
        for (JsonNode e : root.at("/mix/entries")) {
            sum += e.get("completed").asLong();
            assertThat(e.at("/histogram/count").asLong()).isEqualTo(e.get("completed").asLong());
        }
        assertThat(sum).isEqualTo(root.at("/throughput/completed").asLong());
        assertThat(Files.readString(html)).contains("<h2>Request mix chat.mix (seed 5): latency per entry</h2>")
                .contains("<td class=\"l\">history</td>");

        // loadtool report rebuilds the same per-entry table from the .hlog.
        String sayRow = out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("  say ")).findFirst().orElseThrow();
        out.reset();
        assertThat(execute("report", hlog.toString())).as(output()).isEqualTo(ExitCodes.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("mix chat.mix (seed 5): latency per entry").contains(sayRow + "\n");
    }

    @Test
    void aBadMixIsAUsageErrorNamingTheLineBeforeAnythingStarts() throws Exception {
        Path bad = dir.resolve("bad.mix");
        Files.writeString(bad, "# two mistakes\nok 1 request text:fine\nslow x request text:y\nfast 1 request text:${nope}\n");

        int code = execute("run", "--clients", "5", "--duration", "1s", "--mix", bad.toString());

        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(output()).contains("bad --mix file bad.mix:")
                .contains("bad.mix line 3: weight 'x' of entry 'slow' must be a whole number")
                .contains("bad.mix line 4: payload of entry 'fast': unknown placeholder ${nope} at character 6")
                .doesNotContain("started the reference server");
    }

    @Test
    void aMixNeedsAModeWithOperationsAndASeedNeedsAMix() {
        assertThat(execute("run", "--clients", "5", "--mode", "send", "--mix", EXAMPLE.toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(output()).contains("use it with mode rate or closed, not send");

        out.reset();
        err.reset();
        assertThat(execute("run", "--clients", "5", "--seed", "3")).isEqualTo(ExitCodes.USAGE);
        assertThat(output()).contains("--seed chooses among the entries of a request mix: it needs --mix FILE");

        out.reset();
        err.reset();
        assertThat(execute("run", "--mix", dir.resolve("none.mix").toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(output()).contains("--mix " + dir.resolve("none.mix") + ": no such file");
    }

    @Test
    void theClosedModelReportsServiceTimePerEntry() {
        LoadPlan plan = LoadPlan.builder()
                .mode(Mode.CLOSED).clients(4).connectRate(1_000).outstanding(2)
                .warmup(Duration.ZERO).duration(Duration.ofMillis(500))
                .mix(RequestMix.parse("a 1 request text:a${seq}\nb 1 request hex:ff", "two.mix", 1))
                .build();

        RunResult result = LoadRun.create(plan, new PrintWriter(new StringWriter(), true), false, ResourceLimits.current()).execute();

        assertThat(result.outcome()).isEqualTo(RunResult.Outcome.COMPLETED);
        MixReport m = result.report().mix();
        assertThat(m.metric()).isEqualTo("service");
        assertThat(m.entries().get(0).completed() + m.entries().get(1).completed())
                .isEqualTo(result.report().histogram(Metric.SERVICE).getTotalCount()).isPositive();
    }
}
