package dev.tether.loadtool.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConnectPacerTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Drives the pacer on a fake clock from {@code start}: connect times of {@code n} connects, the clock jumping to {@code stallTo} before connect {@code stallAt}. */
    private static List<Long> connects(ConnectPacer pacer, long start, int n, int stallAt, long stallTo) {
        List<Long> at = new ArrayList<>();
        long now = start;
        for (int i = 0; i < n; i++) {
            if (i == stallAt) {
                now = Math.max(now, stallTo);
            }
            now += pacer.delayNanos(now);
            pacer.taken();
            at.add(now);
        }
        return at;
    }

    @Test
    void onScheduleEachConnectWaitsOneInterval() {
        List<Long> at = connects(new ConnectPacer(0, 1_000), 0, 5, -1, 0);
        assertThat(at).containsExactly(0L, MS, 2 * MS, 3 * MS, 4 * MS);
    }

    @Test
    void afterAStallAtMostOneBurstGoesOutAtOnceThenItCatchesUpAtTwiceTheRateUntilBackOnSchedule() {
        // 1,000/s: one connect a millisecond; the generator stalls for 100 ms after 5 connects (due at 0-4 ms).
        List<Long> at = connects(new ConnectPacer(0, 1_000), 0, 400, 5, 105 * MS);
        long burst = at.stream().filter(t -> t == 105 * MS).count();
        // The 10 ms bucket at the catch-up pace (2,000/s): 21 connects at once (the one due now and twenty in hand),
        // not the 100 missed.
        assertThat(burst).isEqualTo((long) (ConnectPacer.MAX_BURST_NANOS * ConnectPacer.CATCH_UP / MS) + 1);
        int i = 5 + (int) burst;
        // Then one every half millisecond while behind the schedule (connect i is due at i ms)...
        for (; at.get(i) > i * MS; i++) {
            assertThat(at.get(i) - at.get(i - 1)).as("connect %d", i).isEqualTo(MS / 2);
        }
        // ...and back on it: every later connect exactly when due, as if there had been no stall.
        assertThat(i).isLessThan(300);
        for (; i < at.size(); i++) {
            assertThat(at.get(i)).as("connect %d", i).isEqualTo(i * MS);
        }
    }

    @Test
    void aSlowRateNeverBurstsMoreThanOneConnectAtTheCatchUpPace() {
        // 10/s: the bucket holds one catch-up interval (50 ms), so after a stall two connects go together at most,
        // then one every 50 ms until back on the schedule (connect i due at i x 100 ms).
        List<Long> at = connects(new ConnectPacer(0, 10), 0, 44, 2, 2_000 * MS);
        assertThat(at.subList(2, 7)).containsExactly(2_000 * MS, 2_000 * MS, 2_050 * MS, 2_100 * MS, 2_150 * MS);
        assertThat(at.get(43)).isEqualTo(4_300 * MS);
    }

    @Test
    void refusesANonPositiveRate() {
        assertThatThrownBy(() -> new ConnectPacer(0, 0)).hasMessageContaining("must be positive: 0.0");
    }
}
