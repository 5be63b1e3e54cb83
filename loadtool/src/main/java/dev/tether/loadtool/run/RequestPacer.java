package dev.tether.loadtool.run;

/**
 * Walks the constant-rate {@link RateSchedule}: every operation whose intended time has come is made
 * due on the client that owns it. Time is handed in, so tests drive it with a fake clock.
 */
final class RequestPacer {
    private final RateSchedule schedule;
    private final ClientSlot[] slots;
    private final long endIndex;
    private long next;

    /** Paces operations intended before {@code endNanos}. */
    RequestPacer(RateSchedule schedule, ClientSlot[] slots, long endNanos) {
        if (slots.length != schedule.clients()) {
            throw new IllegalArgumentException("slots " + slots.length + " != schedule clients " + schedule.clients());
        }
        this.schedule = schedule;
        this.slots = slots;
        this.endIndex = schedule.firstAtOrAfter(endNanos);
    }

    /**
     * Makes due every operation intended at or before {@code nowNanos}; returns the intended time of the
     * next one, or {@link Long#MAX_VALUE} when the schedule is done.
     */
    long advance(long nowNanos) {
        while (next < endIndex) {
            long t = schedule.intendedNanos(next);
            if (t > nowNanos) {
                return t;
            }
            slots[schedule.clientOf(next)].due();
            next++;
        }
        return Long.MAX_VALUE;
    }

    /** How many operations have been made due so far. */
    long madeDue() {
        return next;
    }

    boolean done() {
        return next >= endIndex;
    }

    /** Operations the schedule holds in total. */
    long total() {
        return endIndex;
    }
}
