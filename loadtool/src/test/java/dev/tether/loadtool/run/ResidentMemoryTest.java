package dev.tether.loadtool.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.loadtool.report.RunReport;
import dev.tether.loadtool.report.TextReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parent's view of its children's memory, from status files laid out as {@code /proc} has them. */
class ResidentMemoryTest {
    @TempDir
    Path proc;

    private void status(long pid, long rssKiB) throws IOException {
        Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.writeString(proc.resolve(pid + "/status"), "Name:\tjava\nVmPeak:\t 9999999 kB\nVmRSS:\t  " + rssKiB + " kB\nThreads:\t20\n");
    }

    @Test
    void keepsTheSampleWithTheMostConnectionsWhenEveryProcessAnswered() throws IOException {
        ResidentMemory memory = new ResidentMemory(proc);
        status(11, 100_000);
        status(12, 120_000);
        status(21, 50_000);
        memory.sample(List.of(11L, 12L), List.of(21L), 1_000);
        assertThat(memory.clientBytes()).isEqualTo(220_000L * 1024);
        assertThat(memory.serverBytes()).isEqualTo(50_000L * 1024);

        status(21, 80_000); // more connections held later: this sample wins
        memory.sample(List.of(11L, 12L), List.of(21L), 2_000);
        assertThat(memory.serverBytes()).isEqualTo(80_000L * 1024);
        assertThat(memory.connected()).isEqualTo(2_000);

        memory.sample(List.of(11L, 12L, 13L), List.of(21L), 3_000); // process 13 has no status: ended, not counted
        memory.sample(List.of(11L, 12L), List.of(21L), 500); // fewer connections (the drain): not the peak
        assertThat(memory.connected()).isEqualTo(2_000);
        assertThat(memory.rss(99)).isEqualTo(-1);
    }

    @Test
    void theSummaryShowsMemoryPerConnectionOfClientAndServerProcesses() {
        RunReport r = new RunReport();
        assertThat(TextReport.memoryLine(r)).isNull();
        r.counter(RunReport.RSS_CONNECTIONS, 100_000);
        r.counter(RunReport.CLIENT_RSS_BYTES, 1_600_000L * 1024);
        r.counter(RunReport.CLIENT_PROCESSES, 6);
        r.counter(RunReport.SERVER_RSS_BYTES, 1_100_000L * 1024);
        r.counter(RunReport.SERVER_PROCESSES, 7);
        assertThat(TextReport.memoryLine(r)).isEqualTo("6 client processes 1.53 GiB RSS = 16.0 KiB per connection; "
                + "7 server processes 1.05 GiB RSS = 11.0 KiB per connection (with 100000 connected; JVMs included)");
    }
}
