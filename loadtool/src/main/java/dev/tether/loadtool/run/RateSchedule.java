package dev.tether.loadtool.run;

/**
 * A constant-rate schedule: operation {@code k} (0-based, over all clients) is intended to start at
 * {@code start + k / rate}. Client {@code i} of {@code n} owns operations {@code i, i+n, i+2n, ...},
 * so every client runs at {@code rate / n} and the clients are evenly phase-shifted. Latency is
 * measured from these intended times (wrk2's correction for coordinated omission).
 */
final class RateSchedule {
    private final long startNanos;
    private final double intervalNanos;
    private final int clients;

    RateSchedule(long startNanos, double ratePerSecond, int clients) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive: " + ratePerSecond);
        }
        this.startNanos = startNanos;
        this.intervalNanos = 1e9 / ratePerSecond;
        this.clients = clients;
    }

    /** The intended start of operation {@code k}. */
    long intendedNanos(long k) {
        return startNanos + Math.round(k * intervalNanos);
    }

    /** The intended start of client {@code client}'s {@code j}-th operation. */
    long intendedNanos(int client, long j) {
        return intendedNanos(client + j * clients);
    }

    /** Which client owns operation {@code k}. */
    int clientOf(long k) {
        return (int) (k % clients);
    }

    /** The first operation whose intended time is at or after {@code nanos}. */
    long firstAtOrAfter(long nanos) {
        if (nanos <= startNanos) {
            return 0;
        }
        long k = (long) Math.ceil((nanos - startNanos) / intervalNanos);
        while (k > 0 && intendedNanos(k - 1) >= nanos) {
            k--;
        }
        while (intendedNanos(k) < nanos) {
            k++;
        }
        return k;
    }

    /** How many operations have intended times in {@code [from, to)}. */
    long countBetween(long fromNanos, long toNanos) {
        return Math.max(0, firstAtOrAfter(toNanos) - firstAtOrAfter(fromNanos));
    }

    int clients() {
        return clients;
    }
}
