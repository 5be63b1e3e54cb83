package dev.tether.loadtool.proxy;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The proxy's time: when faults strike and when delayed chunks are due. Handed in, so tests move a fake clock
 * instead of waiting for {@code cut every 5s}. A task runs on whatever thread the clock runs it on; the proxy hops
 * to each connection's event loop itself.
 */
interface FaultClock {
    /** Now, in nanoseconds from an arbitrary origin (as {@link System#nanoTime()}). */
    long nanoTime();

    /** Runs {@code task} once, {@code delayNanos} from now; silently dropped once the clock has shut down. */
    void schedule(Runnable task, long delayNanos);

    /** Real time, with tasks on {@code executor} (the proxy's event loops). */
    static FaultClock on(ScheduledExecutorService executor) {
        return new FaultClock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void schedule(Runnable task, long delayNanos) {
                try {
                    executor.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException closing) {
                    // The proxy is closing: nothing is left to strike or to deliver.
                }
            }
        };
    }
}
