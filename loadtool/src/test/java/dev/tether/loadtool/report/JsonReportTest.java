package dev.tether.loadtool.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonReportTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    private static RunReport oneInterval() {
        RunReport r = new RunReport();
        r.info(RunReport.MODE, "rate");
        Histogram h = MetricRecorders.newHistogram();
        h.recordValueWithCount(3_000_000L, 10);
        r.addInterval(Metric.LATENCY, h, false, 0);
        return r;
    }

    private JsonNode written(RunReport r, List<Slo.Result> slos) throws Exception {
        Path file = dir.resolve("s.json");
        JsonReport.write(file, r, slos);
        SummarySchema.assertValid(file);
        return MAPPER.readTree(file.toFile());
    }

    @Test
    void aReportWithAlmostNothingStillHasEveryKey() throws Exception {
        JsonNode root = written(oneInterval(), List.of());

        assertThat(root.at("/clients/target").asLong()).isZero();
        assertThat(root.at("/throughput/opsPerSecond").isNumber()).isTrue();
        assertThat(root.at("/errors/total").asLong()).isZero();
        assertThat(root.at("/errors/byKind").isObject()).isTrue();
        assertThat(root.at("/generator/cpuPercentOfOneCore").isNull()).isTrue();
        assertThat(root.at("/parameters").isNull()).isTrue();
        assertThat(root.at("/inputs").size()).isEqualTo(1);
        for (Metric m : Metric.values()) {
            assertThat(root.at("/histograms/" + m.tag() + "/count").isIntegralNumber()).as(m.tag()).isTrue();
            assertThat(root.at("/warmup/" + m.tag() + "/percentilesMillis").size()).as(m.tag()).isEqualTo(TextReport.PERCENTILES.length);
        }
        assertThat(root.at("/histograms/latency/percentilesMillis/99.9").asDouble()).isBetween(2.99, 3.01);
    }

    @Test
    void theRunsPlanIsInTheSummary() throws Exception {
        RunReport r = oneInterval();
        r.parameters(new RunParameters("closed", 50, 1000, 0, 30_000, 5_000, 256, 4, 2_000, 500, 0, 10, "1.2.3",
                "loadtool run --mode closed --outstanding 4"));

        JsonNode p = written(r, List.of()).get("parameters");

        assertThat(p.get("mode").asText()).isEqualTo("closed");
        assertThat(p.get("clients").asInt()).isEqualTo(50);
        assertThat(p.get("payloadBytes").asInt()).isEqualTo(256);
        assertThat(p.get("outstanding").asInt()).isEqualTo(4);
        assertThat(p.get("requestTimeoutMillis").asLong()).isEqualTo(2_000);
        assertThat(p.get("durationMillis").asLong()).isEqualTo(30_000);
        assertThat(p.get("toolVersion").asText()).isEqualTo("1.2.3");
        assertThat(p.get("commandLine").asText()).isEqualTo("loadtool run --mode closed --outstanding 4");
    }

    @Test
    void anInterruptedRunNeverPassesEvenWhenEveryThresholdHeld() throws Exception {
        RunReport r = oneInterval();
        r.interrupted(true);
        List<Slo.Result> slos = List.of(Slo.parse("p99<1s").evaluate(r));
        assertThat(slos.get(0).passed()).isTrue();

        JsonNode root = written(r, slos);

        assertThat(root.get("interrupted").asBoolean()).isTrue();
        assertThat(root.get("passed").asBoolean()).isFalse();
        assertThat(root.at("/slo/0/value").asDouble()).isBetween(2.99, 3.01);
        assertThat(root.at("/slo/0/unit").asText()).isEqualTo("ms");
    }

    @Test
    void theSchemaCatchesAMissingKeyAWrongUnitAndAnUnknownField() throws Exception {
        // The validator is not vacuous: a summary that breaks the contract is refused.
        ObjectNode good = (ObjectNode) MAPPER.valueToTree(JsonReport.toMap(oneInterval(), List.of()));
        assertThat(SummarySchema.violations(good.toString())).isEmpty();

        ObjectNode missing = good.deepCopy();
        missing.remove("interrupted");
        assertThat(SummarySchema.violations(missing.toString())).isNotEmpty();

        ObjectNode percent = good.deepCopy();
        ((ObjectNode) percent.get("errors")).put("fraction", 12.5);
        assertThat(SummarySchema.violations(percent.toString())).isNotEmpty();

        ObjectNode extra = good.deepCopy();
        ((ObjectNode) extra.get("throughput")).put("rate", 1);
        assertThat(SummarySchema.violations(extra.toString())).isNotEmpty();

        ObjectNode version = good.deepCopy();
        version.put("schema", "tether-loadtool-summary/1");
        assertThat(SummarySchema.violations(version.toString())).isNotEmpty();
    }
}
