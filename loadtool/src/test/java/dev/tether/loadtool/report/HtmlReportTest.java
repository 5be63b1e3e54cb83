package dev.tether.loadtool.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class HtmlReportTest {
    /** Two seconds of warm-up, then five measured seconds of 1,000 values from 0.01 to 10 ms; 3 errors a second. */
    private static RunReport report() {
        RunReport r = new RunReport();
        r.info(RunReport.MODE, "rate");
        r.info(RunReport.STARTED, "2026-11-29T15:55:31Z");
        r.parameters(new RunParameters("rate", 100, 500, 1000, 5_000, 2_000, 64, 1, 10_000, 0, 0, 10, "9.9.9",
                "loadtool run --rate 1000 --clients 100"));
        for (int s = 0; s < 7; s++) {
            Histogram h = MetricRecorders.newHistogram();
            for (int i = 1; i <= 1_000; i++) {
                h.recordValue(i * 10_000L);
            }
            h.setStartTimeStamp(s * 1000L);
            h.setEndTimeStamp((s + 1) * 1000L);
            r.addInterval(Metric.LATENCY, h, s < 2, s);
            r.timeline().gauge(RunReport.GAUGE_CONNECTED, s, 100);
            r.timeline().gauge(RunReport.GAUGE_ERRORS, s, s < 2 ? 0 : 3L * (s - 1));
        }
        r.counter(RunReport.OPS_COMPLETED, 5_000);
        r.counter(RunReport.DURATION_MILLIS, 5_000);
        return r;
    }

    @Test
    void oneSelfContainedPageWithThePercentilePlotTimeChartsAndTable() {
        RunReport r = report();

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
    void thePageSaysWhenWithWhatAndHowTheRunWasMade() {
        String html = HtmlReport.render(report(), List.of());

        assertThat(html).contains("<dt>date</dt><dd>2026-11-29T15:55:31Z</dd>")
                .contains("<dt>tool</dt><dd>loadtool 9.9.9</dd>")
                .contains("<code>loadtool run --rate 1000 --clients 100</code>")
                .contains("<dt>ratePerSecond</dt><dd>1000.0</dd>")
                .contains("<dt>payloadBytes</dt><dd>64</dd>")
                .contains("<dt>requestTimeoutMillis</dt><dd>10000</dd>");
        assertThat(html).doesNotContain("class=\"banner\"");
    }

    @Test
    void anInterruptedRunHasABanner() {
        RunReport r = report();
        r.interrupted(true);

        assertThat(HtmlReport.render(r, List.of())).contains("<div class=\"banner\">Interrupted");
    }

    @Test
    void warmUpIsShadedApartFromTheMeasuredWindowOnEveryTimeChart() {
        String html = HtmlReport.render(report(), List.of());

        assertThat(html).contains("The measured window starts at 2 s");
        // throughput, latency, errors and connected clients: four time charts, each with the shaded start.
        assertThat(count(html, "class=\"warmup\"")).isEqualTo(4);
        assertThat(html).contains("ramp + warm-up (not in the result)");
    }

    @Test
    void errorsOverTimeAreTheStepsOfTheRunningCount() {
        String html = HtmlReport.render(report(), List.of());

        assertThat(html).contains("errors per second");
        // The gauge went 0, 0, 3, 6, 9, ...: three errors in each measured second.
        assertThat(html).contains("<title>at 4 s\nerrors/s: 3 per second</title>");
        assertThat(html).contains("<title>at 1 s\nerrors/s: 0 per second\n(ramp + warm-up (not in the result))</title>");
    }

    @Test
    void theDistributionBesideThePercentilePlotAccountsForEveryValue() {
        RunReport r = report();

        String html = HtmlReport.render(r, List.of());

        assertThat(html).contains("<div class=\"row\">").contains("latency: values by latency (ms)");
        String chart = html.substring(html.indexOf("latency: values by latency (ms)"));
        chart = chart.substring(0, chart.indexOf("</svg>"));
        Matcher m = Pattern.compile("ms: (\\d+) values</title>").matcher(chart);
        long total = 0;
        int bars = 0;
        while (m.find()) {
            total += Long.parseLong(m.group(1));
            bars++;
        }
        assertThat(bars).isBetween(40, 41);
        assertThat(total).isEqualTo(r.histogram(Metric.LATENCY).getTotalCount());
    }

    @Test
    void everyPlottedValueShowsOnHover() {
        String html = HtmlReport.render(report(), List.of());

        assertThat(html).containsPattern("<circle class=\"hit\"[^>]*><title>latency at p99\\.\\d+: 9\\.9\\d* ms</title>");
        assertThat(html).containsPattern("<title>at 3 s\np50: 5\\.0\\d* ms\np99: 9\\.9\\d* ms\nmax: 10\\.0\\d* ms</title>");
        assertThat(html).contains("<title>at 3 s\nconnected: 100 clients</title>");
    }

    @Test
    void aNiceStepIsOneTwoOrFiveTimesAPowerOfTen() {
        assertThat(HtmlReport.niceStep(0.7)).isEqualTo(1);
        assertThat(HtmlReport.niceStep(13)).isEqualTo(20);
        assertThat(HtmlReport.niceStep(420)).isEqualTo(500);
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
