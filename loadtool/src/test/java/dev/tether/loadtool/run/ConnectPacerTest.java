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
    void afterAStallAtMostOneBurstGoesOutAtOnceThenTheRateResumes() {
        // 1,000/s: one connect a millisecond; the generator stalls for half a second after 5 connects.
        List<Long> at = connects(new ConnectPacer(0, 1_000), 0, 40, 5, 505 * MS);
        long burst = at.stream().filter(t -> t == 505 * MS).count();
        // The 10 ms bucket: 11 connects at once (the one due now and ten in hand), not the 500 missed.
        assertThat(burst).isEqualTo(ConnectPacer.MAX_BURST_NANOS / MS + 1);
        for (int i = 5 + (int) burst; i < at.size(); i++) {
            assertThat(at.get(i) - at.get(i - 1)).as("connect %d", i).isEqualTo(MS);
        }
    }

    @Test
    void aSlowRateNeverBurstsMoreThanOneConnect() {
        // 10/s: the bucket holds one interval (100 ms), so after a stall two connects go together at most.
        List<Long> at = connects(new ConnectPacer(0, 10), 0, 6, 2, 2_000 * MS);
        assertThat(at.subList(2, 6)).containsExactly(2_000 * MS, 2_000 * MS, 2_100 * MS, 2_200 * MS);
    }

    @Test
    void refusesANonPositiveRate() {
        assertThatThrownBy(() -> new ConnectPacer(0, 0)).hasMessageContaining("must be positive: 0.0");
    }
}
