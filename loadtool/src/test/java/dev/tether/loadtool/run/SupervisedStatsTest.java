package dev.tether.loadtool.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.server.ServerStats;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;

class SupervisedStatsTest {
    /** Component i of A is 10 * (i + 1), of B i + 1: every component distinct, whatever ServerStats gains later. */
    private static final ServerStats A = stats(i -> 10L * (i + 1));
    private static final ServerStats B = stats(i -> i + 1L);

    @Test
    void aLineWrittenIsReadBackWhole() {
        StringWriter text = new StringWriter();
        SupervisedStats.write(A, new PrintWriter(text));
        String line = text.toString().strip();
        assertThat(line).startsWith(SupervisedStats.PREFIX).doesNotContain("\n");
        assertThat(SupervisedStats.parse(line)).isEqualTo(A);
    }

    @Test
    void otherLinesAndCutLinesAreNotStats() {
        assertThat(SupervisedStats.parse("12:00:01 conns=3 handshakes/s=0")).isNull();
        assertThat(SupervisedStats.parse(SupervisedStats.PREFIX + "\"stats\":{\"connections\":")).isNull();
        assertThat(SupervisedStats.parse(SupervisedStats.PREFIX + "\"other\":1}")).isNull();
    }

    @Test
    void theSumAddsEveryCounter() {
        assertThat(SupervisedStats.sum(List.of(A, B))).isEqualTo(stats(i -> 11L * (i + 1)));
        assertThat(SupervisedStats.sum(List.of())).isEqualTo(stats(i -> 0));
        assertThat(SupervisedStats.sum(List.of(A, B)).connections()).isEqualTo(A.connections() + B.connections());
    }

    @Test
    void anEndedServerKeepsItsTotalsButHoldsNothingOpen() {
        ServerStats ended = SupervisedStats.withoutConnections(A);
        assertThat(ended.connections()).isZero();
        assertThat(ended.handshakesTotal()).isEqualTo(A.handshakesTotal());
        RecordComponent[] parts = ServerStats.class.getRecordComponents();
        assertThat(ended).isEqualTo(stats(i -> parts[i].getType() == int.class ? 0 : 10L * (i + 1)));
    }

    private static ServerStats stats(IntToLongFunction value) {
        RecordComponent[] parts = ServerStats.class.getRecordComponents();
        Class<?>[] types = new Class<?>[parts.length];
        Object[] values = new Object[parts.length];
        for (int i = 0; i < parts.length; i++) {
            types[i] = parts[i].getType();
            long v = value.applyAsLong(i);
            values[i] = types[i] == int.class ? (Object) (int) v : (Object) v;
        }
        try {
            return ServerStats.class.getDeclaredConstructor(types).newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
