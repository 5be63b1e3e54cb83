package dev.tether.loadtool.run;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The run's time: a nanosecond ticker ({@link #getAsLong()}, as {@link ClientPool} and {@link ClientSlot} take
 * it) and a way to wait on it. Handed to {@link LoadRun} so that tests drive a whole run on fake time: their
 * clock moves when the run waits, and answers the scripted server on the way.
 */
interface RunClock extends LongSupplier {
    /** Waits about {@code nanos} (less if interrupted; the caller re-checks the time). */
    void sleep(long nanos);

    /** {@link System#nanoTime()} and {@link LockSupport#parkNanos(long)}. */
    RunClock SYSTEM = new RunClock() {
        @Override
        public long getAsLong() {
            return System.nanoTime();
        }

        @Override
        public void sleep(long nanos) {
            LockSupport.parkNanos(nanos);
        }
    };
}
