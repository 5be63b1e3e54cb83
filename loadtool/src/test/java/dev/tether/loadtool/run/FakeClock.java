package dev.tether.loadtool.run;

import java.util.ArrayList;
import java.util.List;

/**
 * A nanosecond clock the test moves by hand, or the code under test moves by sleeping on it. On the way to a
 * new time it fires, in order, the events that fall due (a scripted server's answers): a discrete-event
 * simulation, so a whole run takes fake seconds and real milliseconds.
 */
final class FakeClock implements RunClock {
    /** Something that happens at a time on this clock. */
    interface Events {
        /** When the next event is due, or {@link Long#MAX_VALUE}. */
        long nextAt();

        /** Fires every event due by {@link #now}. */
        void fireDue();
    }

    volatile long now;
    private final List<Events> events = new ArrayList<>();

    FakeClock(long start) {
        now = start;
    }

    void schedule(Events e) {
        events.add(e);
    }

    @Override
    public long getAsLong() {
        return now;
    }

    @Override
    public void sleep(long nanos) {
        advanceTo(now + nanos);
    }

    /** Moves to {@code target}, stopping at every event due on the way. */
    void advanceTo(long target) {
        while (true) {
            long next = Long.MAX_VALUE;
            for (Events e : events) {
                next = Math.min(next, e.nextAt());
            }
            if (next > target) {
                break;
            }
            now = Math.max(now, next);
            for (Events e : events) {
                e.fireDue();
            }
        }
        now = Math.max(now, target);
    }
}
