package dev.tether.client.internal;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;

/** Moves the frozen clock of an {@link EmbeddedChannel} the way a real event loop would see time pass. */
final class EmbeddedTime {
    private EmbeddedTime() {
    }

    /**
     * Moves the channel's clock forward, running each scheduled task at its own deadline (as an event loop
     * would) rather than all of them late at the end, so that tasks which reschedule themselves do not drift.
     */
    static void advance(EmbeddedChannel ch, long millis) {
        long remaining = TimeUnit.MILLISECONDS.toNanos(millis);
        long next = ch.runScheduledPendingTasks();
        while (next >= 0 && next <= remaining) {
            ch.advanceTimeBy(next, TimeUnit.NANOSECONDS);
            remaining -= next;
            next = ch.runScheduledPendingTasks();
        }
        ch.advanceTimeBy(remaining, TimeUnit.NANOSECONDS);
        ch.runScheduledPendingTasks();
    }
}
