package dev.tether.loadtool.run;

import dev.tether.loadtool.report.RunReport;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Puts what an {@link OutageRecorder} saw into a {@link RunReport}: counters under {@code outage.}, a one-line
 * account of each episode (info {@code outages}), and per-second gauges on the timeline for the plot of the wave.
 */
final class OutageReport {
    static final String INFO = RunReport.OUTAGES;
    static final String EPISODES = RunReport.OUTAGE_EPISODES;
    static final String RECOVERED = RunReport.OUTAGE_RECOVERED;
    static final String DISCONNECTS = RunReport.OUTAGE_DISCONNECTS;
    static final String DRAINS = RunReport.OUTAGE_DRAINS;
    static final String ATTEMPTS = RunReport.OUTAGE_ATTEMPTS;
    static final String RECONNECTS = RunReport.OUTAGE_RECONNECTS;
    static final String ALL_BACK_MILLIS = RunReport.OUTAGE_ALL_BACK_MILLIS;
    static final String PEAK_RATE = RunReport.OUTAGE_PEAK_RATE;
    static final String DOWN_AT_END = RunReport.OUTAGE_DOWN_AT_END;
    static final String GAUGE_DISCONNECTS = RunReport.GAUGE_DISCONNECTS;
    static final String GAUGE_ATTEMPTS = RunReport.GAUGE_RECONNECT_ATTEMPTS;
    static final String GAUGE_RECONNECTS = RunReport.GAUGE_RECONNECTS;

    private OutageReport() {
    }

    /** Writes the counters, the episodes and the per-second series; nothing when there was no outage. */
    static void write(OutageRecorder outages, RunReport report) {
        if (outages == null) {
            return;
        }
        List<OutageRecorder.Episode> episodes = outages.episodes();
        if (episodes.isEmpty()) {
            return;
        }
        long disconnects = 0;
        long attempts = 0;
        long reconnects = 0;
        long recovered = 0;
        long longest = 0;
        long peak = 0;
        StringBuilder text = new StringBuilder();
        for (OutageRecorder.Episode e : episodes) {
            disconnects += e.disconnects();
            attempts += e.attempts();
            reconnects += e.reconnects();
            peak = Math.max(peak, e.peakReconnectsPerSecond());
            if (e.recovered()) {
                recovered++;
                longest = Math.max(longest, e.allBackNanos());
            }
            if (text.length() > 0) {
                text.append("; ");
            }
            text.append(describe(e));
        }
        report.counter(EPISODES, episodes.size());
        report.counter(RECOVERED, recovered);
        report.counter(DISCONNECTS, disconnects);
        report.counter(DRAINS, outages.drains());
        report.counter(ATTEMPTS, attempts);
        report.counter(RECONNECTS, reconnects);
        report.counter(PEAK_RATE, peak);
        report.counter(DOWN_AT_END, outages.down());
        if (recovered > 0) {
            report.counter(ALL_BACK_MILLIS, longest / 1_000_000);
        }
        report.info(INFO, text.toString());
        for (Map.Entry<Long, long[]> s : outages.perSecond().entrySet()) {
            double at = s.getKey();
            long[] n = s.getValue();
            report.timeline().gauge(GAUGE_DISCONNECTS, at, n[OutageRecorder.DISCONNECTS]);
            report.timeline().gauge(GAUGE_ATTEMPTS, at, n[OutageRecorder.ATTEMPTS]);
            report.timeline().gauge(GAUGE_RECONNECTS, at, n[OutageRecorder.RECONNECTS]);
        }
    }

    /** e.g. {@code at 20.0 s: 1000 lost (0 drained), all back in 3.41 s, 2210 attempts, peak 610 reconnects/s}. */
    static String describe(OutageRecorder.Episode e) {
        return String.format(Locale.ROOT, "at %.1f s: %d lost (%d drained), %s, %d attempts, peak %d reconnects/s",
                e.startSeconds(), e.disconnects(), e.drains(),
                e.recovered() ? String.format(Locale.ROOT, "all back in %.2f s", e.allBackNanos() / 1e9) : "not all back by the end",
                e.attempts(), e.peakReconnectsPerSecond());
    }
}
