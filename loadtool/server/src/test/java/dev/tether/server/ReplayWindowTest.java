package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The replay window against its bounds, its edges, and a plain deque as the oracle. */
class ReplayWindowTest {
    private static final long SECOND = 1_000_000_000L;
    private final List<OutboundPush> created = new ArrayList<>();

    private OutboundPush push(int size) {
        OutboundPush p = OutboundPush.encode(ByteBufAllocator.DEFAULT, null, 1, new byte[size]);
        created.add(p);
        return p;
    }

    @AfterEach
    void everyReferenceTheWindowTookIsGivenBack() {
        for (OutboundPush p : created) {
            assertThat(p.refCnt()).isEqualTo(1); // only the creator's
            p.release();
        }
    }

    @Test
    void sequencesCountFromZeroAndAnAckDropsEverythingBelowIt() {
        ReplayWindow w = new ReplayWindow(100, 1 << 20, 60 * SECOND);
        OutboundPush a = push(3);
        assertThat(w.add(a, 0)).isEqualTo(0);
        assertThat(w.add(push(3), 0)).isEqualTo(1);
        assertThat(w.add(push(3), 0)).isEqualTo(2);
        assertThat(a.refCnt()).isEqualTo(2);
        assertThat(w.lo()).isZero();
        assertThat(w.next()).isEqualTo(3);
        assertThat(w.get(0)).isSameAs(a);
        assertThat(w.payloadBytes()).isEqualTo(9);
        assertThat(w.chargedBytes()).isEqualTo(9 + 3 * ReplayWindow.ENTRY_BYTES);

        assertThat(w.acknowledge(0)).isZero(); // below lo: nothing
        assertThat(w.acknowledge(1)).isEqualTo(1); // "next expected" 1: sequence 0 received
        assertThat(a.refCnt()).isEqualTo(1);
        assertThat(w.lo()).isEqualTo(1);
        assertThat(w.acknowledge(1)).isZero(); // again: nothing
        assertThatThrownBy(() -> w.get(0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(w.acknowledge(3)).isEqualTo(2);
        assertThat(w.size()).isZero();
        assertThat(w.lo()).isEqualTo(3).isEqualTo(w.next());
        assertThat(w.chargedBytes()).isZero();
        assertThatThrownBy(() -> w.get(3)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void overTheCountTheOldestGoButNeverOnesNotYetWritten() {
        ReplayWindow w = new ReplayWindow(3, 1 << 20, 60 * SECOND);
        for (int i = 0; i < 5; i++) {
            w.add(push(1), 0);
        }
        assertThat(w.trim(1, 0)).isEqualTo(1); // only sequence 0 was written: only it may go
        assertThat(w.lo()).isEqualTo(1);
        assertThat(w.trim(Long.MAX_VALUE, 0)).isEqualTo(1); // detached: back to the bound
        assertThat(w.lo()).isEqualTo(2);
        assertThat(w.size()).isEqualTo(3);
        assertThat(w.trim(Long.MAX_VALUE, 0)).isZero();
        w.clear();
    }

    @Test
    void overTheBytesTheOldestGoButTheNewestStaysEvenIfItAloneIsLarger() {
        ReplayWindow w = new ReplayWindow(100, 10, 60 * SECOND);
        w.add(push(4), 0);
        w.add(push(4), 0);
        assertThat(w.trim(Long.MAX_VALUE, 0)).isZero(); // 8 bytes
        w.add(push(4), 0);
        assertThat(w.trim(Long.MAX_VALUE, 0)).isEqualTo(1); // 12 > 10
        assertThat(w.payloadBytes()).isEqualTo(8);
        w.add(push(50), 0);
        assertThat(w.trim(Long.MAX_VALUE, 0)).isEqualTo(2);
        assertThat(w.size()).isEqualTo(1);
        assertThat(w.lo()).isEqualTo(3);
        assertThat(w.payloadBytes()).isEqualTo(50);
        w.clear();
    }

    @Test
    void pushesOlderThanTheAgeBoundGoTheNewestToo() {
        ReplayWindow w = new ReplayWindow(100, 1 << 20, 10 * SECOND);
        w.add(push(1), 0);
        w.add(push(1), 5 * SECOND);
        assertThat(w.trim(Long.MAX_VALUE, 10 * SECOND - 1)).isZero();
        assertThat(w.trim(Long.MAX_VALUE, 10 * SECOND)).isEqualTo(1);
        assertThat(w.trim(Long.MAX_VALUE, 15 * SECOND - 1)).isZero();
        assertThat(w.trim(2, 15 * SECOND)).isEqualTo(1); // written, and old: gone
        assertThat(w.size()).isZero();
        assertThat(w.next()).isEqualTo(2);
        w.add(push(1), 15 * SECOND);
        assertThat(w.trim(2, 100 * SECOND)).isZero(); // not written yet: a live connection's queue stays
        assertThat(w.clear()).isEqualTo(1);
    }

    @Test
    void behavesLikeADequeThroughGrowthWrapAroundAndShrinking() {
        Random random = new Random(11);
        ReplayWindow w = new ReplayWindow(50, 1 << 20, Long.MAX_VALUE);
        ArrayDeque<OutboundPush> oracle = new ArrayDeque<>();
        long oracleLo = 0;
        for (int step = 0; step < 5_000; step++) {
            int op = random.nextInt(10);
            if (op < 6) {
                OutboundPush p = push(random.nextInt(5));
                assertThat(w.add(p, 0)).isEqualTo(oracleLo + oracle.size());
                oracle.addLast(p);
            } else if (op < 8) {
                long upTo = oracleLo + random.nextInt(oracle.size() + 1);
                w.acknowledge(upTo);
                while (oracleLo < upTo) {
                    oracle.removeFirst();
                    oracleLo++;
                }
            } else {
                w.trim(Long.MAX_VALUE, 0);
                while (oracle.size() > 50) {
                    oracle.removeFirst();
                    oracleLo++;
                }
            }
            assertThat(w.lo()).isEqualTo(oracleLo);
            assertThat(w.size()).isEqualTo(oracle.size());
            long seq = oracleLo;
            for (OutboundPush p : oracle) {
                assertThat(w.get(seq++)).isSameAs(p);
            }
        }
        assertThat(w.clear()).isEqualTo(oracle.size());
    }
}
