package dev.tether.loadtool.run;

import dev.tether.loadtool.report.RunReport;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The setup phase of a run with a request mix that has {@code once} entries ({@link RequestMix#setup()}): after
 * the ramp and before the warm-up, every connected client sends its setup entries in the order of the file, each
 * once its previous one was answered (join a room, then say things in it). All clients do so at the same time.
 * Nothing of this phase is timed in the result; successes and failures are counted ({@code setup.ok},
 * {@code setup.failed}, {@code setup.errors.KIND}) and a client whose setup failed goes on with the timed load
 * anyway, so a failure shows in the counters rather than stopping the run.
 *
 * <p>A client that loses its connection later is not set up again: what the server forgot about it (its rooms)
 * stays forgotten, and the pushes it no longer gets show in the push count.
 */
final class MixSetup {
    /** Counter: setup messages answered (requests) or written (sends). */
    static final String OK = "setup.ok";
    /** Counter: setup messages that failed, or were not sent because their client was not connected. */
    static final String FAILED = "setup.failed";
    /** Counter prefix: failed setup messages by kind (the run's error kinds, or {@code NOT_CONNECTED}). */
    static final String ERRORS_PREFIX = "setup.errors.";
    /** Counter: how long the phase took, in milliseconds. */
    static final String MILLIS = "setup.millis";

    private final RequestMix mix;
    private final int firstClient;
    private final RunMetrics metrics;
    private final LongSupplier wallMillis;
    private final LongAdder ok = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> kinds = new ConcurrentHashMap<>();
    private long tookNanos;

    /**
     * @param firstClient the number of connection 0's client in the whole plan (placeholders as in the timed load)
     * @param wallMillis  the wall clock for {@code ${time}}
     */
    MixSetup(RequestMix mix, int firstClient, RunMetrics metrics, LongSupplier wallMillis) {
        this.mix = mix;
        this.firstClient = firstClient;
        this.metrics = metrics;
        this.wallMillis = wallMillis;
    }

    /**
     * Sends every client's setup entries and waits until all are answered, the run is stopped or {@code timeoutNanos}
     * (on the real clock: the answers arrive on it) has passed; what is still unanswered then counts as failed.
     */
    void run(LoadClients clients, long timeoutNanos, BooleanSupplier stopped) {
        long start = System.nanoTime();
        CompletableFuture<?>[] done = new CompletableFuture<?>[clients.size()];
        for (int i = 0; i < done.length; i++) {
            done[i] = client(clients.connection(i), firstClient + (long) i);
        }
        long deadline = start + timeoutNanos;
        for (CompletableFuture<?> f : done) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || stopped.getAsBoolean()) {
                break;
            }
            try {
                f.get(left, TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                // Counted by the chain itself, or below as unanswered.
            }
        }
        for (CompletableFuture<?> f : done) {
            // complete() wins only over a chain still under way: its remaining entries then count as failed once.
            f.complete(null);
        }
        tookNanos = System.nanoTime() - start;
    }

    /** One client's setup entries, one after the other; completes when the last one ended. */
    private CompletableFuture<Void> client(LoadConnection connection, long client) {
        CompletableFuture<Void> whole = new CompletableFuture<>();
        next(connection, client, 0, whole);
        return whole;
    }

    private void next(LoadConnection connection, long client, int index, CompletableFuture<Void> whole) {
        if (index == mix.setup().size()) {
            whole.complete(null);
            return;
        }
        if (whole.isDone()) {
            fail(mix.setup().size() - index, "SETUP_TIMEOUT"); // the phase ended before these were sent
            return;
        }
        if (!connection.connected()) {
            fail(mix.setup().size() - index, "NOT_CONNECTED");
            whole.complete(null);
            return;
        }
        CompletableFuture<?> f;
        try {
            byte[] payload = mix.setupPayload(index, client, wallMillis.getAsLong());
            f = mix.setup().get(index).kind() == RequestMix.Kind.SEND ? connection.send(payload) : connection.request(payload);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((v, error) -> {
            if (error == null) {
                ok.increment();
            } else {
                fail(1, metrics.kindOf(error));
            }
            next(connection, client, index + 1, whole);
        });
    }

    private void fail(long n, String kind) {
        failed.add(n);
        kinds.computeIfAbsent(kind, k -> new LongAdder()).add(n);
    }

    /** Setup messages answered or written. */
    long ok() {
        return ok.sum();
    }

    /** Setup messages that failed or were never sent. */
    long failed() {
        return failed.sum();
    }

    /** The failures by kind. */
    Map<String, Long> failures() {
        Map<String, Long> m = new TreeMap<>();
        kinds.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    /** For the live output: "setup: 1000 clients x 1 entry: 1000 ok, 0 failed in 0.4 s". */
    String summary(int clients) {
        int n = mix.setup().size();
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "Setup: %d clients x %d setup entr%s: %d ok, %d failed in %.1f s",
                clients, n, n == 1 ? "y" : "ies", ok(), failed(), tookNanos / 1e9));
        failures().forEach((k, v) -> b.append(b.indexOf("(") < 0 ? " (" : ", ").append(k).append(' ').append(v));
        return b.append(b.indexOf("(") < 0 ? "." : ").").toString();
    }

    /** Puts the counters into the report. */
    void report(RunReport report) {
        report.counter(OK, ok());
        report.counter(FAILED, failed());
        report.counter(MILLIS, TimeUnit.NANOSECONDS.toMillis(tookNanos));
        failures().forEach((k, v) -> report.counter(ERRORS_PREFIX + k, v));
    }
}
