package dev.tether.loadtool.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class HtmlReportTest {
    @Test
    void oneSelfContainedPageWithThePercentilePlotTimeChartsAndTable() {
        RunReport r = new RunReport();
        r.info(RunReport.MODE, "rate");
        for (int s = 0; s < 5; s++) {
            Histogram h = MetricRecorders.newHistogram();
            for (int i = 1; i <= 1_000; i++) {
                h.recordValue(i * 10_000L);
            }
            r.addInterval(Metric.LATENCY, h, false, s);
            r.timeline().gauge(RunReport.GAUGE_CONNECTED, s, 100);
        }
        r.counter(RunReport.OPS_COMPLETED, 5_000);
        r.counter(RunReport.DURATION_MILLIS, 5_000);

        String html = HtmlReport.render(r, List.of(Slo.parse("p99<20ms").evaluate(r)));

        assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
        // No scripts, no stylesheets or images fetched: the only URL is the SVG namespace.
        assertThat(html).doesNotContain("<script").doesNotContain("src=").doesNotContain("href=");
        assertThat(html.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http");
        // The percentile axis is logarithmic in 1/(1-p), labelled like HdrHistogram's plots.
        assertThat(html).contains("latency (ms) by percentile").contains(">90%<").contains(">99.99%<").contains(">99.9999%<");
        assertThat(html).contains("connected clients").contains("throughput");
        assertThat(html).contains("<td class=\"l\" title=").contains("PASS p99&lt;20ms");
    }

    @Test
    void aNiceStepIsOneTwoOrFiveTimesAPowerOfTen() {
        assertThat(HtmlReport.niceStep(0.7)).isEqualTo(1);
        assertThat(HtmlReport.niceStep(13)).isEqualTo(20);
        assertThat(HtmlReport.niceStep(420)).isEqualTo(500);
    }
}
