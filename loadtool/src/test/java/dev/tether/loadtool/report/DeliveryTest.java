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

/** The delivery figures from the counters a run writes to every output, and the rule that nothing is lost uncounted. */
class DeliveryTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    /** 1000 sends accepted by 10 clients with resumption, the embedded server known. */
    private static Delivery sends(long acknowledged, long failed, long awaiting, long serverReceived) {
        return new Delivery(1000, 3, acknowledged, failed, awaiting, 12, 0, 0, serverReceived, 12,
                0, 0, 0, 0, 0, 0, 30, 0, 30, 0, 10, 0, 0, 0);
    }

    private static RunReport report(String mode, Delivery d) {
        RunReport r = new RunReport();
        r.info(RunReport.MODE, mode);
        r.info(RunReport.STARTED, "2026-11-29T20:00:00Z");
        Histogram h = MetricRecorders.newHistogram();
        h.recordValueWithCount(2_000_000L, 100);
        r.addInterval(Metric.LATENCY, h, false, 0);
        r.counter(RunReport.CLIENTS_TARGET, 10);
        r.counter(RunReport.DURATION_MILLIS, 1000);
        if (d != null) {
            d.writeTo(r);
        }
        return r;
    }

    @Test
    void everyAcceptedSendIsAcknowledgedFailedOrAwaiting() {
        Delivery d = sends(990, 4, 6, 996);

        assertThat(d.sendsUnaccounted()).isZero();
        assertThat(d.balanced()).isTrue();
        assertThat(d.problems()).isEmpty();
    }

    @Test
    void aSendInNoneOfTheThreeIsLostWithoutACountAndSaidLoudly() {
        Delivery lost = sends(990, 4, 1, 996);
        Delivery twice = sends(990, 4, 9, 999);

        assertThat(lost.sendsUnaccounted()).isEqualTo(5);
        assertThat(lost.balanced()).isFalse();
        assertThat(lost.problems()).singleElement().asString()
                .startsWith("DELIVERY NOT ACCOUNTED FOR: 1000 sends accepted, but 990 acknowledged + 4 failed + 1 awaiting = 995")
                .contains("5 sends lost without a count");
        assertThat(twice.sendsUnaccounted()).isEqualTo(-3);
        assertThat(twice.problems()).singleElement().asString().contains("3 sends counted twice");
    }

    @Test
    void anAcknowledgedSendTheServerNeverReceivedIsBrokenDelivery() {
        Delivery d = sends(990, 4, 6, 985);

        assertThat(d.acknowledgedButNotReceived()).isEqualTo(5);
        assertThat(d.problems()).singleElement().asString()
                .isEqualTo("DELIVERY BROKEN: 990 sends were acknowledged but the server received only 985: 5 acknowledged sends never reached it");
        // Without resumption a completed send was only written: the server may never have read it, and that is no bug.
        Delivery written = new Delivery(1000, 0, 1000, 0, 0, 0, 0, 0, 980, -1, 0, 0, 0, 0, -1, -1, 0, 0, -1, -1, 0, 0, 10, 0);
        assertThat(written.acknowledgedButNotReceived()).isEqualTo(-1);
        assertThat(written.problems()).isEmpty();
    }

    @Test
    void theCountersSurviveTheLogAndAddUpAcrossShards() throws Exception {
        Delivery d = sends(990, 4, 6, 996);
        RunReport r = report("send", d);
        Path file = dir.resolve("a.hlog");
        try (HlogWriter w = new HlogWriter(file, 1_000L)) {
            Histogram h = MetricRecorders.newHistogram();
            h.recordValue(1_000_000L);
            h.setStartTimeStamp(1_000L);
            h.setEndTimeStamp(2_000L);
            w.interval(Metric.LATENCY, h, false);
            w.summary(r);
        }

        RunReport read = HlogReader.readOne(file);

        assertThat(Delivery.of(read)).isEqualTo(d);
        RunReport both = RunReport.merge(List.of(read, report("send", d)));
        Delivery sum = Delivery.of(both);
        assertThat(sum.sendsAccepted()).isEqualTo(2000);
        assertThat(sum.sendsAwaiting()).isEqualTo(12);
        assertThat(sum.balanced()).isTrue();
    }

    @Test
    void aRemoteServersFiguresAreUnknownNotZero() throws Exception {
        Delivery remote = new Delivery(10, 0, 10, 0, 0, 0, 0, 0, -1, -1, 0, 0, 0, 0, -1, -1, 0, 0, -1, -1, 1, 0, 0, 0);
        RunReport r = report("send", remote);

        assertThat(r.hasCounter(Delivery.SERVER_SENDS_RECEIVED)).isFalse();
        assertThat(Delivery.of(r)).isEqualTo(remote);
        JsonNode json = MAPPER.valueToTree(JsonReport.toMap(r, List.of()));
        assertThat(json.at("/delivery/sends/serverReceived").isNull()).isTrue();
        assertThat(json.at("/delivery/sends/acknowledged").asLong()).isEqualTo(10);
        assertThat(TextReport.render(r, List.of())).doesNotContain("on server");
    }

    @Test
    void theJsonSummaryCarriesDeliveryAndTheSchemaChecksIt() throws Exception {
        Path file = dir.resolve("s.json");
        JsonReport.write(file, report("send", sends(990, 4, 1, 996)), List.of());
        SummarySchema.assertValid(file);
        JsonNode root = MAPPER.readTree(file.toFile());

        assertThat(root.at("/delivery/sends/accepted").asLong()).isEqualTo(1000);
        assertThat(root.at("/delivery/sends/refused").asLong()).isEqualTo(3);
        assertThat(root.at("/delivery/sends/awaitingAtEnd").asLong()).isEqualTo(1);
        assertThat(root.at("/delivery/sends/unaccounted").asLong()).isEqualTo(5);
        assertThat(root.at("/delivery/sends/balanced").asBoolean()).isFalse();
        assertThat(root.at("/delivery/sends/serverReceived").asLong()).isEqualTo(996);
        assertThat(root.at("/delivery/resumption/on").asLong()).isEqualTo(10);
        assertThat(root.at("/delivery/resumes/succeeded").asLong()).isEqualTo(30);
        assertThat(root.at("/delivery/problems/0").asText()).startsWith("DELIVERY NOT ACCOUNTED FOR");
        assertThat(root.at("/warnings/0").asText()).startsWith("DELIVERY NOT ACCOUNTED FOR");
        assertThat(Delivery.fromJson(root.get("delivery"))).isEqualTo(sends(990, 4, 1, 996));

        // A run that counted nothing has null, and a summary of schema revision 2.0 (no key) is still valid.
        ObjectNode none = (ObjectNode) MAPPER.valueToTree(JsonReport.toMap(report("rate", null), List.of()));
        assertThat(none.get("delivery").isNull()).isTrue();
        assertThat(SummarySchema.violations(none.toString())).isEmpty();
        none.remove("delivery");
        assertThat(SummarySchema.violations(none.toString())).isEmpty();
        // The schema is not vacuous about the new object either.
        ObjectNode wrong = (ObjectNode) root.deepCopy();
        ((ObjectNode) wrong.at("/delivery/sends")).remove("unaccounted");
        assertThat(SummarySchema.violations(wrong.toString())).isNotEmpty();
    }

    @Test
    void theTextSummarySaysWhatBecameOfEverySendAndPushAndShoutsWhenOneIsLost() {
        String ok = oneLine(TextReport.render(report("send", sends(990, 4, 6, 996)), List.of()));
        assertThat(ok).contains("sends 1000 accepted: 990 acknowledged, 4 failed (lost, said so), 6 awaiting at the end;"
                + " 12 retransmitted, 0 resent after session loss (possibly duplicated); 3 refused at once (not accepted)");
        assertThat(ok).contains("on server 996 sends received by the server's application, 12 duplicates dropped");
        assertThat(ok).contains("resumption on for 10 of 10 clients; 30 resumes succeeded, 0 failed (new session) (server: 30 resumed, 0 refused)");
        assertThat(ok).doesNotContain("DELIVERY").doesNotContain("pushes ");

        String lost = TextReport.render(report("send", sends(990, 4, 1, 996)), List.of());
        assertThat(lost.lines().skip(1).findFirst().orElseThrow()).startsWith("DELIVERY NOT ACCOUNTED FOR");
        assertThat(oneLine(lost)).contains("1 awaiting at the end, 5 UNACCOUNTED;").contains("WARNING: DELIVERY NOT ACCOUNTED FOR");

        Delivery pushes = new Delivery(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5000, 40, 3, 2, 43, 2, 20, 1, 20, 1, 10, 0, 0, 0);
        String push = oneLine(TextReport.render(report("push", pushes), List.of()));
        assertThat(push).contains("pushes 5000 received, 40 of them replayed after a resume, 3 duplicates dropped, 2 known missing"
                + " (server: 43 replayed, 2 dropped from replay windows)");
        assertThat(push).doesNotContain(" sends ");
    }

    /** The summary with its wrapped lines joined, so that assertions do not depend on where the table wraps. */
    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ");
    }

    @Test
    void theHtmlReportHasADeliveryTableAndABannerForALoss() {
        String ok = HtmlReport.render(report("send", sends(990, 4, 6, 996)), List.of());
        assertThat(ok).contains("<h2>Delivery</h2>").contains("1000 accepted: 990 acknowledged").doesNotContain("DELIVERY NOT");

        String lost = HtmlReport.render(report("send", sends(990, 4, 1, 996)), List.of());
        assertThat(lost).contains("<div class=\"banner\">DELIVERY NOT ACCOUNTED FOR").contains("<td class=\"l worse\">1000 accepted");
    }

    @Test
    void aComparisonSetsTheDeliveryFiguresSideBySide() {
        Comparison c = new Comparison(Comparison.fromReport("base.hlog", report("send", sends(990, 4, 6, 996))),
                Comparison.fromReport("new.hlog", report("send", sends(990, 4, 1, 996))));
        Comparison old = new Comparison(Comparison.fromReport("old.hlog", report("send", null)),
                Comparison.fromReport("new.hlog", report("send", sends(990, 4, 6, 996))));

        assertThat(c.render()).containsPattern("delivery\\s+base\\s+new\\s+new-base")
                .containsPattern("sends awaiting at end\\s+6\\s+1\\s+-5")
                .containsPattern("sends UNACCOUNTED\\s+0\\s+5\\s+\\+5");
        assertThat(old.render()).containsPattern("sends acknowledged\\s+-\\s+990\\s+-");
        assertThat(new Comparison(Comparison.fromReport("a", report("rate", null)), Comparison.fromReport("b", report("rate", null)))
                .render()).doesNotContain("delivery");
    }
}
