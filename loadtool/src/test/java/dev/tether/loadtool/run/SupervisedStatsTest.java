package dev.tether.loadtool.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.server.ServerStats;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class SupervisedStatsTest {
    private static final ServerStats A = new ServerStats(3, 10, 20, 30, 40, 50, 60, 1, 2, 3, 4, 5, 6, 7);
    private static final ServerStats B = new ServerStats(4, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13);

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
        assertThat(SupervisedStats.sum(List.of(A, B))).isEqualTo(new ServerStats(7, 11, 22, 33, 44, 55, 66, 8, 10, 12, 14, 16, 18, 20));
        assertThat(SupervisedStats.sum(List.of())).isEqualTo(new ServerStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void anEndedServerKeepsItsTotalsButHoldsNoConnections() {
        assertThat(SupervisedStats.withoutConnections(A)).isEqualTo(new ServerStats(0, 10, 20, 30, 40, 50, 60, 1, 2, 3, 4, 5, 6, 7));
    }
}
