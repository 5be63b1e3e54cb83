package dev.tether.loadtool.run;

import dev.tether.loadtool.report.RunReport;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
    /** Counter prefix: failed setup messages by kind (the run's error kinds, {@code NOT_CONNECTED} or {@code SETUP_TIMEOUT}). */
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
     * (on the real clock: the answers arrive on it) has passed; what is still unanswered or unsent then counts as
     * failed ({@code SETUP_TIMEOUT}), and an answer that comes later is ignored.
     */
    void run(LoadClients clients, long timeoutNanos, BooleanSupplier stopped) {
        long start = System.nanoTime();
        Chain[] chains = new Chain[clients.size()];
        for (int i = 0; i < chains.length; i++) {
            chains[i] = new Chain(clients.connection(i), firstClient + (long) i);
            chains[i].send(0);
        }
        long deadline = start + timeoutNanos;
        for (Chain c : chains) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || stopped.getAsBoolean()) {
                break;
            }
            try {
                c.done.get(left, TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                // Still under way: given up on below.
            }
        }
        for (Chain c : chains) {
            int at = c.at.getAndSet(GIVEN_UP);
            if (at < mix.setup().size()) {
                fail(mix.setup().size() - at, "SETUP_TIMEOUT");
            }
        }
        tookNanos = System.nanoTime() - start;
    }

    private static final int GIVEN_UP = Integer.MAX_VALUE;

    /** One client's setup entries, one after the other. */
    private final class Chain {
        final LoadConnection connection;
        final long client;
        /** The entry under way; {@link #GIVEN_UP} once the phase gave up (whoever moves it on counts the entry). */
        final AtomicInteger at = new AtomicInteger();
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Chain(LoadConnection connection, long client) {
            this.connection = connection;
            this.client = client;
        }

        void send(int index) {
            int n = mix.setup().size();
            if (index == n) {
                done.complete(null);
                return;
            }
            if (!connection.connected()) {
                if (at.compareAndSet(index, n)) {
                    fail(n - index, "NOT_CONNECTED");
                }
                done.complete(null);
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
                if (!at.compareAndSet(index, index + 1)) {
                    return; // the phase gave up on this client and counted the entry already
                }
                if (error == null) {
                    ok.increment();
                } else {
                    fail(1, metrics.kindOf(error));
                }
                send(index + 1);
            });
        }
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
