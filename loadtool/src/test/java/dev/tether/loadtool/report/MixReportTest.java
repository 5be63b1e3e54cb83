package dev.tether.loadtool.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MixReportTest {
    private static final long MS = 1_000_000;

    @TempDir
    Path dir;

    private static Histogram values(long nanos, long count) {
        Histogram h = MetricRecorders.newHistogram();
        if (count > 0) {
            h.recordValueWithCount(nanos, count);
        }
        return h;
    }

    /** 300 fast joins, 100 slow <history> requests with 2 timeouts, and a send that never succeeded. */
    private static RunReport report() {
        RunReport r = new RunReport();
        r.info(RunReport.MODE, "rate");
        r.addInterval(Metric.LATENCY, values(MS, 400), false, 0);
        r.mix(new MixReport("chat.mix", 9, "latency", List.of(
                new MixReport.Entry("join", "request", 3, values(MS, 300), 0, Map.of()),
                new MixReport.Entry("<history>", "request", 1, values(80 * MS, 98), 2, Map.of("REQUEST_TIMEOUT", 2L)),
                new MixReport.Entry("say", "send", 1, values(0, 0), 0, Map.of()))));
        return r;
    }

    @Test
    void theTextSummaryHasATableWithOneRowPerEntry() {
        String text = TextReport.render(report(), List.of());

        assertThat(text).contains("  mix chat.mix (seed 9): latency per entry, measured period\n");
        assertThat(text).containsPattern("\\n  join +request +60\\.0% +75\\.0% +300 +0 +1\\.000 +1\\.000 +1\\.000 +1\\.000 +1\\.000 +1\\.000\\n");
        assertThat(text).containsPattern("\\n  <history> +request +20\\.0% +25\\.0% +98 +2 +80\\.0 +80\\.0 +80\\.0 +80\\.0 +80\\.0 +80\\.0\\n");
        assertThat(text).containsPattern("\\n  say +send +20\\.0% +0\\.0% +0 +0 +- +- +- +- +- +-\\n");
        assertThat(text).contains("  errors of <history>: REQUEST_TIMEOUT 2\n");
        // Rows come after the run's own table.
        assertThat(text.indexOf("  latency ")).isLessThan(text.indexOf("  mix chat.mix"));
    }

    @Test
    void aRunWithoutAMixShowsNoTableAndNullInJson() throws Exception {
        RunReport r = new RunReport();
        r.info(RunReport.MODE, "rate");
        r.addInterval(Metric.LATENCY, values(MS, 1), false, 0);
        assertThat(TextReport.render(r, List.of())).doesNotContain("mix");
        assertThat(HtmlReport.render(r, List.of())).doesNotContain("Request mix");

        Path file = dir.resolve("plain.json");
        JsonReport.write(file, r, List.of());
        SummarySchema.assertValid(file);
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        assertThat(root.has("mix")).isTrue();
        assertThat(root.get("mix").isNull()).isTrue();
    }

    @Test
    void theJsonHasEachEntryWithItsHistogramAndFollowsTheSchema() throws Exception {
        Path file = dir.resolve("mix.json");
        JsonReport.write(file, report(), List.of());
        SummarySchema.assertValid(file);

        JsonNode mix = new ObjectMapper().readTree(file.toFile()).get("mix");
        assertThat(mix.get("file").asText()).isEqualTo("chat.mix");
        assertThat(mix.get("seed").asLong()).isEqualTo(9);
        assertThat(mix.get("metric").asText()).isEqualTo("latency");
        JsonNode history = mix.at("/entries/1");
        assertThat(history.get("name").asText()).isEqualTo("<history>");
        assertThat(history.get("weight").asLong()).isEqualTo(1);
        assertThat(history.get("completed").asLong()).isEqualTo(98);
        assertThat(history.get("errors").asLong()).isEqualTo(2);
        assertThat(history.at("/errorsByKind/REQUEST_TIMEOUT").asLong()).isEqualTo(2);
        assertThat(history.at("/histogram/count").asLong()).isEqualTo(98);
        assertThat(history.at("/histogram/percentilesMillis/99").asDouble()).isBetween(79.9, 80.1);
        assertThat(mix.at("/entries/2/histogram/count").asLong()).isZero();
        assertThat(mix.at("/entries/2/histogram/percentilesMillis/50").isNull()).isTrue();
    }

    @Test
    void theSchemaRefusesAMixEntryWithoutItsHistogram() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode root = mapper.valueToTree(JsonReport.toMap(report(), List.of()));
        assertThat(SummarySchema.violations(root.toString())).isEmpty();
        ((com.fasterxml.jackson.databind.node.ObjectNode) root.at("/mix/entries/0")).remove("histogram");
        assertThat(SummarySchema.violations(root.toString())).isNotEmpty();
    }

    @Test
    void theHtmlPageMarksTheSlowestEntryAndEscapesNames() {
        String html = HtmlReport.render(report(), List.of());

        assertThat(html).contains("<h2>Request mix chat.mix (seed 9): latency per entry</h2>");
        assertThat(html).contains("<tr class=\"worse\" title=\"the highest p99 of the mix\"><td class=\"l\">&lt;history&gt;</td>");
        assertThat(html).contains("<tr><td class=\"l\">join</td><td class=\"l\">request</td><td>60.0%</td><td>75.0%</td><td>300</td><td>0</td>");
        assertThat(html).doesNotContain("<history>").doesNotContain("<script");
    }

    @Test
    void theMixTravelsInTheHlogSoReportAndProcessesKeepIt() throws Exception {
        RunReport r = report();
        Path file = dir.resolve("run.hlog");
        try (HlogWriter w = new HlogWriter(file, System.currentTimeMillis())) {
            Histogram h = values(MS, 400);
            h.setStartTimeStamp(System.currentTimeMillis());
            h.setEndTimeStamp(h.getStartTimeStamp() + 1000);
            w.interval(Metric.LATENCY, h, false);
            w.summary(r);
        }

        MixReport read = HlogReader.readOne(file).mix();

        assertThat(read.source()).isEqualTo("chat.mix");
        assertThat(read.seed()).isEqualTo(9);
        assertThat(read.metric()).isEqualTo("latency");
        assertThat(read.entries()).extracting(MixReport.Entry::name).containsExactly("join", "<history>", "say");
        assertThat(read.entries()).extracting(MixReport.Entry::kind).containsExactly("request", "request", "send");
        assertThat(read.entries()).extracting(MixReport.Entry::weight).containsExactly(3L, 1L, 1L);
        assertThat(read.entries()).extracting(MixReport.Entry::completed).containsExactly(300L, 98L, 0L);
        assertThat(read.entries()).extracting(MixReport.Entry::errors).containsExactly(0L, 2L, 0L);
        assertThat(read.entries().get(1).errorsByKind()).containsExactly(Map.entry("REQUEST_TIMEOUT", 2L));
        assertThat(read.entries().get(1).times().getValueAtPercentile(99)).isEqualTo(r.mix().entries().get(1).times().getValueAtPercentile(99));
        // HdrHistogram's own tools see no extra series: the mix rides in comment lines.
        assertThat(java.nio.file.Files.readAllLines(file)).filteredOn(l -> l.contains("mixentry"))
                .hasSize(3).allMatch(l -> l.startsWith("#tether mixentry "));
        assertThat(HlogReader.readOne(file).counter("hlog.skippedIntervals")).isZero();
    }

    @Test
    void aLogWithoutAMixOrWithADamagedOneReadsWithoutIt() {
        assertThat(MixReport.fromHlogLines(List.of())).isNull();
        assertThat(MixReport.fromHlogLines(List.of("mix 1 latency a.mix", "mixentry a request 1 0 - !!notbase64"))).isNull();
        assertThat(MixReport.fromHlogLines(List.of("mixentry a request 1 0 - AAAA"))).isNull();
    }

    @Test
    void shardsOfOneMixMergeEntryByEntryAndDifferentMixesDoNot() {
        RunReport a = report();
        RunReport b = report();

        MixReport merged = RunReport.merge(List.of(a, b)).mix();

        assertThat(merged.entries()).extracting(MixReport.Entry::completed).containsExactly(600L, 196L, 0L);
        assertThat(merged.entries()).extracting(MixReport.Entry::errors).containsExactly(0L, 4L, 0L);
        assertThat(merged.entries().get(1).errorsByKind()).containsExactly(Map.entry("REQUEST_TIMEOUT", 4L));
        assertThat(a.mix().entries().get(0).completed()).isEqualTo(300); // the inputs are left as they were

        RunReport otherSeed = report();
        otherSeed.mix(new MixReport("chat.mix", 10, "latency", a.mix().entries()));
        assertThat(RunReport.merge(List.of(a, otherSeed)).mix()).isNull();
        RunReport none = new RunReport();
        none.info(RunReport.MODE, "rate");
        none.addInterval(Metric.LATENCY, values(MS, 1), false, 0);
        assertThat(RunReport.merge(List.of(a, none)).mix()).isNull();
    }
}
