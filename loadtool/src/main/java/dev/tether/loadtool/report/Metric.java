package dev.tether.loadtool.report;

import java.util.Locale;

/**
 * The histograms a load run keeps, one HdrHistogram each, all in nanoseconds. The {@link #tag()} names
 * the histogram in {@code .hlog} files ({@code Tag=latency,...}) and prefixes it in {@code --slo}
 * thresholds ({@code connect.p99<200ms}).
 */
public enum Metric {
    /** Request latency measured from the request's intended send time (coordinated omission corrected). */
    LATENCY("latency", "intended send time to response (corrected for coordinated omission)"),
    /** Request service time: actual send to response, uncorrected. */
    SERVICE("service", "actual send to response (uncorrected)"),
    /** TCP connect plus handshake: {@code connect()} called until WELCOME arrived. */
    CONNECT("connect", "TCP connect + handshake"),
    /** Push latency: the server's timestamp in the push to its receipt (wall clocks). */
    PUSH("push", "server timestamp to receipt"),
    /** Heartbeat round trip reported by the clients. */
    HEARTBEAT("heartbeat", "heartbeat round trip"),
    /** How long a client was disconnected: it left CONNECTED (lost or drained) until it was connected again. */
    RECOVERY("recovery", "disconnected until reconnected, per client and outage");

    private final String tag;
    private final String description;

    Metric(String tag, String description) {
        this.tag = tag;
        this.description = description;
    }

    /** The name used in {@code .hlog} tags, JSON keys and {@code --slo} prefixes. */
    public String tag() {
        return tag;
    }

    /** One line saying what the histogram measures. */
    public String description() {
        return description;
    }

    /** The metric with this tag, or {@code null}. */
    public static Metric forTag(String tag) {
        if (tag == null) {
            return null;
        }
        String t = tag.toLowerCase(Locale.ROOT);
        for (Metric m : values()) {
            if (m.tag.equals(t)) {
                return m;
            }
        }
        return null;
    }
}
