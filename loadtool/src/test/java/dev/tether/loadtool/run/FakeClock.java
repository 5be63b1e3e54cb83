package dev.tether.loadtool.run;

import java.util.function.LongSupplier;

/** A nanosecond clock the test moves by hand. */
final class FakeClock implements LongSupplier {
    long now;

    FakeClock(long start) {
        now = start;
    }

    @Override
    public long getAsLong() {
        return now;
    }
}
