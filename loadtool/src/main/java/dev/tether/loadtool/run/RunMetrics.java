package dev.tether.loadtool.run;

import dev.tether.loadtool.ConnectionOptions;
import dev.tether.loadtool.report.Metric;
import dev.tether.loadtool.report.MetricRecorders;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import javax.net.ssl.SSLException;

/**
 * What a run records, from any thread: histograms, split into warm-up and result by the moment an
 * operation was intended (or, for pushes and heartbeats, received), and counters.
 */
final class RunMetrics {
    final MetricRecorders result = new MetricRecorders();
    final MetricRecorders warmup = new MetricRecorders();
    final LongAdder completed = new LongAdder();
    final LongAdder warmupCompleted = new LongAdder();
    final LongAdder late = new LongAdder();
    final LongAdder pushes = new LongAdder();
    final LongAdder warmupPushes = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    /**
     * One-way sends over the whole run (warm-up included, like the clients' own statistics): handed to a client,
     * refused at once, acknowledged (or written, without resumption), failed after they were accepted.
     */
    final LongAdder sendsIssued = new LongAdder();
    final LongAdder sendsRefused = new LongAdder();
    final LongAdder sendsAcknowledged = new LongAdder();
    final LongAdder sendsFailed = new LongAdder();
    /** Pushes the push listeners saw over the whole run, with or without a server timestamp. */
    final LongAdder pushesReceived = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> errors = new ConcurrentHashMap<>();
    /** The first reason given for each kind of connect failure, in the operating system's words where it has them. */
    private final ConcurrentHashMap<String, String> connectFailureReasons = new ConcurrentHashMap<>();
    private final Function<Throwable, String> errorKind;
    private final long lateThresholdNanos;
    private volatile long measureStartNanos = Long.MAX_VALUE;
    /** Outage episodes, once the run has clients ({@link #recordOutages}); {@code null} before. */
    private volatile OutageRecorder outages;

    RunMetrics(Function<Throwable, String> errorKind, long lateThresholdNanos) {
        this.errorKind = errorKind;
        this.lateThresholdNanos = lateThresholdNanos;
    }

    /**
     * Starts recording outages of {@code clients} clients, seconds counted from {@code originNanos}; each client's
     * time away goes to the result's {@link Metric#RECOVERY} histogram (an outage counts whenever it happens).
     */
    OutageRecorder recordOutages(int clients, long originNanos) {
        outages = new OutageRecorder(clients, originNanos, nanos -> result.record(Metric.RECOVERY, nanos));
        return outages;
    }

    /** The outage recorder, or {@code null} before {@link #recordOutages}. */
    OutageRecorder outages() {
        return outages;
    }

    /** From this moment on (nanoTime), values are the result; before it, warm-up. */
    void measureFrom(long nanos) {
        measureStartNanos = nanos;
    }

    long measureStartNanos() {
        return measureStartNanos;
    }

    boolean measured(long nanos) {
        return nanos >= measureStartNanos;
    }

    MetricRecorders recorders(long nanos) {
        return nanos >= measureStartNanos ? result : warmup;
    }

    /** A request or send answered: latency from the intended time, service time from the actual send. */
    void completed(long intendedNanos, long sentNanos, long doneNanos, boolean corrected) {
        MetricRecorders r = recorders(intendedNanos);
        if (corrected) {
            r.record(Metric.LATENCY, doneNanos - intendedNanos);
        }
        r.record(Metric.SERVICE, doneNanos - sentNanos);
        (r == result ? completed : warmupCompleted).increment();
    }

    /** A push arrived at {@code receivedNanos}, {@code latencyNanos} after the server stamped it. */
    void pushed(long receivedNanos, long latencyNanos) {
        MetricRecorders r = recorders(receivedNanos);
        r.record(Metric.PUSH, latencyNanos);
        (r == result ? pushes : warmupPushes).increment();
    }

    /** A one-way send was handed to a client (whatever becomes of it, {@link #sendSettled} says later). */
    void sendIssued() {
        sendsIssued.increment();
    }

    /**
     * A send's future completed: acknowledged when {@code error} is null; refused (never accepted) when the client
     * turned it away at once (send buffer full, payload too large); else failed, explicitly, after it was accepted.
     */
    void sendSettled(Throwable error) {
        if (error == null) {
            sendsAcknowledged.increment();
            return;
        }
        Throwable c = unwrap(error);
        if (c instanceof dev.tether.client.SendBufferFullException || c instanceof IllegalArgumentException) {
            sendsRefused.increment();
        } else {
            sendsFailed.increment();
        }
    }

    /** An operation left the generator at {@code sentNanos}; counts it when it is later than the threshold. */
    void sent(long intendedNanos, long sentNanos) {
        if (sentNanos - intendedNanos > lateThresholdNanos && measured(intendedNanos)) {
            late.increment();
        }
    }

    /** An operation failed; counted by kind when it belongs to the result. */
    void failed(long intendedNanos, Throwable cause) {
        if (measured(intendedNanos)) {
            error(kindOf(cause));
        }
    }

    /** A client's first connect failed. */
    void connectFailed(Throwable cause) {
        connectFailures.increment();
        String kind = kindOf(cause);
        error(kind);
        connectFailureReasons.putIfAbsent(kind, reason(cause));
    }

    /** Why connects failed, each reason once, e.g. {@code Connection refused}; empty when none failed. */
    java.util.Collection<String> connectFailureReasons() {
        return new java.util.TreeSet<>(connectFailureReasons.values());
    }

    /**
     * The deepest cause's message, which for a socket error is the operating system's ({@code Connection refused},
     * {@code No route to host}), without Netty's decoration ({@code finishConnect(..) failed: }, the address); for a
     * TLS failure it is prefixed with {@code TLS: }, as the deepest message ({@code unable to find valid
     * certification path to requested target}) does not say that TLS is what failed.
     */
    static String reason(Throwable t) {
        Throwable c = t;
        boolean tls = c instanceof SSLException;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
            tls |= c instanceof SSLException;
        }
        String m = c.getMessage();
        if (m == null || m.isBlank()) {
            return (tls ? "TLS: " : "") + c.getClass().getSimpleName();
        }
        m = m.replaceFirst("^\\w+\\(\\.\\.\\) failed( with error\\(-?\\d+\\))?: ", "");
        return (tls ? "TLS: " : "") + m.replaceFirst(": [^ ]*:\\d+$", "") + ConnectionOptions.certificateHint(t);
    }

    void error(String kind) {
        errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    String kindOf(Throwable t) {
        return errorKind.apply(unwrap(t));
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException || c instanceof java.util.concurrent.ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    Map<String, Long> errors() {
        Map<String, Long> out = new TreeMap<>();
        errors.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    long errorTotal() {
        long sum = 0;
        for (LongAdder a : errors.values()) {
            sum += a.sum();
        }
        return sum;
    }

    long lateThresholdNanos() {
        return lateThresholdNanos;
    }
}
