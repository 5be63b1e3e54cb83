package dev.tether.loadtool.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RateScheduleTest {
    @Test
    void operationsAreEvenlySpacedAndSharedRoundRobin() {
        RateSchedule s = new RateSchedule(1_000, 1_000, 4); // 1 ms apart
        assertThat(s.intendedNanos(0)).isEqualTo(1_000);
        assertThat(s.intendedNanos(3)).isEqualTo(1_000 + 3_000_000);
        assertThat(s.intendedNanos(2, 1)).isEqualTo(s.intendedNanos(6));
        assertThat(s.clientOf(6)).isEqualTo(2);
    }

    @Test
    void countsOperationsInAWindowWithoutDrift() {
        RateSchedule s = new RateSchedule(0, 3_000, 7); // 333,333.33 ns apart
        assertThat(s.countBetween(0, 1_000_000_000L)).isEqualTo(3_000);
        assertThat(s.countBetween(2_000_000_000L, 12_000_000_000L)).isEqualTo(30_000);
        assertThat(s.firstAtOrAfter(s.intendedNanos(10))).isEqualTo(10);
        assertThat(s.firstAtOrAfter(s.intendedNanos(10) + 1)).isEqualTo(11);
    }

    @Test
    void pacerMakesDueExactlyTheOperationsWhoseTimeHasCome() {
        FakeClock clock = new FakeClock(0);
        RunMetrics metrics = new RunMetrics(t -> "x", 1);
        RateSchedule s = new RateSchedule(0, 1_000, 2);
        ScriptedConnection a = new ScriptedConnection(clock, t -> 1);
        ScriptedConnection b = new ScriptedConnection(clock, t -> 1);
        a.connected = false;
        b.connected = false;
        ClientSlot[] slots = {
                new ClientSlot(0, a, Mode.RATE, s, metrics, clock, new byte[0], 1),
                new ClientSlot(1, b, Mode.RATE, s, metrics, clock, new byte[0], 1)};
        RequestPacer pacer = new RequestPacer(s, slots, 10_000_000);
        assertThat(pacer.total()).isEqualTo(10);
        assertThat(pacer.advance(2_500_000)).isEqualTo(3_000_000);
        assertThat(slots[0].backlog()).isEqualTo(2); // ops 0 and 2
        assertThat(slots[1].backlog()).isEqualTo(1); // op 1
        assertThat(pacer.advance(50_000_000)).isEqualTo(Long.MAX_VALUE);
        assertThat(pacer.done()).isTrue();
        assertThat(slots[0].backlog() + slots[1].backlog()).isEqualTo(10);
    }

    @Test
    void rejectsANonPositiveRate() {
        assertThatThrownBy(() -> new RateSchedule(0, 0, 1)).hasMessageContaining("rate must be positive");
    }
}
