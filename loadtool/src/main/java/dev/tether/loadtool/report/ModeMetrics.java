package dev.tether.loadtool.report;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What a run mode can record, as the reports know modes (by name, as {@code .hlog} files carry them): the
 * histograms it fills, and whether it has a throughput and a schedule of intended send times.
 * {@link Slo#validate} asks it which thresholds a run can ever meet.
 *
 * @param mode       the mode's name on the command line
 * @param histograms every histogram the mode can fill ({@code recovery} in every mode: any run can see an outage)
 * @param throughput whether operations complete (every mode but idle)
 * @param scheduled  whether operations follow a constant-rate schedule (so some can be late)
 */
public record ModeMetrics(String mode, Set<Metric> histograms, boolean throughput, boolean scheduled) {

    private static final List<ModeMetrics> ALL = List.of(
            new ModeMetrics("rate",
                    EnumSet.of(Metric.LATENCY, Metric.SERVICE, Metric.CONNECT, Metric.HEARTBEAT, Metric.RECOVERY), true, true),
            new ModeMetrics("closed", EnumSet.of(Metric.SERVICE, Metric.CONNECT, Metric.HEARTBEAT, Metric.RECOVERY), true, false),
            new ModeMetrics("send",
                    EnumSet.of(Metric.LATENCY, Metric.SERVICE, Metric.CONNECT, Metric.HEARTBEAT, Metric.RECOVERY), true, true),
            new ModeMetrics("push", EnumSet.of(Metric.PUSH, Metric.CONNECT, Metric.HEARTBEAT, Metric.RECOVERY), true, false),
            new ModeMetrics("idle", EnumSet.of(Metric.CONNECT, Metric.HEARTBEAT, Metric.RECOVERY), false, false));

    public ModeMetrics {
        histograms = Set.copyOf(histograms);
    }

    /** The mode with this name (case-insensitive), or {@code null}. */
    public static ModeMetrics of(String mode) {
        for (ModeMetrics m : ALL) {
            if (m.mode.equalsIgnoreCase(mode == null ? "" : mode.trim())) {
                return m;
            }
        }
        return null;
    }

    /** Whether the mode fills this histogram. */
    public boolean records(Metric metric) {
        return histograms.contains(metric);
    }

    /** The modes that fill a histogram, for messages: "rate, send". */
    static String modesRecording(Metric metric) {
        StringBuilder b = new StringBuilder();
        for (ModeMetrics m : ALL) {
            if (m.records(metric)) {
                b.append(b.length() == 0 ? "" : ", ").append(m.mode);
            }
        }
        return b.toString();
    }
}
