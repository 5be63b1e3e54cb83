package dev.tether.loadtool.run;

import dev.tether.client.ConnectionState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * Records outage episodes from the clients' state changes, on the run's clock. An episode opens when a connected
 * client leaves {@code CONNECTED} (connection lost, or a graceful drain) while no episode is open, and closes when
 * every client that left during it is connected again: its length is the time until every client was back. Per
 * second (since the origin) it counts disconnects, reconnect attempts (a client that was connected before starts
 * {@code CONNECTING}) and successful reconnects; an episode's peak reconnect rate is its busiest second. How long
 * each client was away goes to {@code downTime} in nanoseconds (the {@code recovery} histogram).
 *
 * <p>Thread-safe: the clients' event loops call {@link #changed}; the reporter reads.
 */
final class OutageRecorder {
    /** Counts of one second: disconnects, reconnect attempts, reconnects. */
    static final int DISCONNECTS = 0;
    static final int ATTEMPTS = 1;
    static final int RECONNECTS = 2;

    /** One outage: when it began (seconds since the origin) and what it took. {@code allBackNanos} is -1 while open. */
    record Episode(double startSeconds, long allBackNanos, long disconnects, long drains, long attempts, long reconnects,
                   long peakReconnectsPerSecond) {
        boolean recovered() {
            return allBackNanos >= 0;
        }
    }

    private final long origin;
    private final LongConsumer downTime;
    private final long[] downSince;
    private final boolean[] everConnected;
    private final TreeMap<Long, long[]> seconds = new TreeMap<>();
    private final List<Episode> closed = new ArrayList<>();
    private long drains;
    private int down;
    // The open episode, if any.
    private long episodeStart = Long.MIN_VALUE;
    private long epDisconnects;
    private long epDrains;
    private long epAttempts;
    private long epReconnects;
    private final TreeMap<Long, Long> epReconnectsPerSecond = new TreeMap<>();

    /**
     * @param clients  how many clients report
     * @param origin   the clock reading seconds are counted from
     * @param downTime receives each client's time away, in nanoseconds, when it is back
     */
    OutageRecorder(int clients, long origin, LongConsumer downTime) {
        this.origin = origin;
        this.downTime = downTime;
        this.downSince = new long[clients];
        this.everConnected = new boolean[clients];
        java.util.Arrays.fill(downSince, Long.MIN_VALUE);
    }

    /** Client {@code i} went from {@code previous} to {@code current} at {@code now} (the run's clock). */
    synchronized void changed(int i, ConnectionState previous, ConnectionState current, long now) {
        if (previous == ConnectionState.CONNECTED && current != ConnectionState.CONNECTED) {
            if (current == ConnectionState.CLOSED) {
                return; // closed by the run, not an outage
            }
            if (episodeStart == Long.MIN_VALUE) {
                episodeStart = now;
            }
            if (current == ConnectionState.DRAINING) {
                drains++;
                epDrains++;
            }
            second(now)[DISCONNECTS]++;
            epDisconnects++;
            if (downSince[i] == Long.MIN_VALUE) {
                downSince[i] = now;
                down++;
            }
        } else if (current == ConnectionState.CONNECTING && everConnected[i]) {
            second(now)[ATTEMPTS]++;
            if (episodeStart != Long.MIN_VALUE) {
                epAttempts++;
            }
        } else if (current == ConnectionState.CONNECTED && previous != ConnectionState.CONNECTED) {
            everConnected[i] = true;
            if (downSince[i] != Long.MIN_VALUE) {
                downTime.accept(now - downSince[i]);
                downSince[i] = Long.MIN_VALUE;
                down--;
                second(now)[RECONNECTS]++;
                epReconnects++;
                epReconnectsPerSecond.merge(secondOf(now), 1L, Long::sum);
                if (down == 0) {
                    closed.add(episode(now - episodeStart));
                    episodeStart = Long.MIN_VALUE;
                    epDisconnects = epDrains = epAttempts = epReconnects = 0;
                    epReconnectsPerSecond.clear();
                }
            }
        }
    }

    private Episode episode(long allBack) {
        long peak = 0;
        for (long n : epReconnectsPerSecond.values()) {
            peak = Math.max(peak, n);
        }
        return new Episode((episodeStart - origin) / 1e9, allBack, epDisconnects, epDrains, epAttempts, epReconnects, peak);
    }

    private long secondOf(long now) {
        return Math.floorDiv(now - origin, 1_000_000_000L);
    }

    private long[] second(long now) {
        return seconds.computeIfAbsent(secondOf(now), k -> new long[3]);
    }

    /** Every episode so far, the open one last (with {@code allBackNanos} -1). */
    synchronized List<Episode> episodes() {
        List<Episode> all = new ArrayList<>(closed);
        if (episodeStart != Long.MIN_VALUE) {
            all.add(episode(-1));
        }
        return all;
    }

    /** Per second since the origin: {@code {disconnects, attempts, reconnects}}; seconds with none are left out. */
    synchronized Map<Long, long[]> perSecond() {
        Map<Long, long[]> copy = new TreeMap<>();
        seconds.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    /** Graceful drains (GO_AWAY) so far. */
    synchronized long drains() {
        return drains;
    }

    /** Clients away now. */
    synchronized int down() {
        return down;
    }

    /** Reconnect attempts so far, over all episodes. */
    synchronized long attempts() {
        long n = 0;
        for (long[] s : seconds.values()) {
            n += s[ATTEMPTS];
        }
        return n;
    }

    /**
     * For the live line: the open episode ({@code  outage 2.1s: 40 down, 60 back}), or the empty string.
     */
    synchronized String live(long now) {
        if (episodeStart == Long.MIN_VALUE) {
            return "";
        }
        return String.format(Locale.ROOT, "  outage %.1fs: %d down, %d back", (now - episodeStart) / 1e9, down, epReconnects);
    }
}
