package dev.tether.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.loadtool.report.Metric;
import dev.tether.loadtool.report.MixReport;
import dev.tether.loadtool.report.RunReport;
import dev.tether.loadtool.run.LoadPlan;
import dev.tether.loadtool.run.LoadRun;
import dev.tether.loadtool.run.RequestMix;
import dev.tether.loadtool.run.RunResult;
import dev.tether.server.TetherServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat sample under {@code loadtool run}, small: the mix the benchmark uses (chat-load.mix), with two rooms
 * instead of ten, against a ChatServer in this process. Joins happen once per client before the timed load, and
 * each say is pushed to the room, whose deliveries the run times from the server's push timestamp.
 */
class ChatLoadTest {
    private static final Path MIX = Path.of("chat-load.mix");

    @TempDir
    Path dir;

    @Test
    void twentyClientsJoinTwoRoomsAndReceiveEachOthersMessages() throws Exception {
        Path twoRooms = dir.resolve("chat-2-rooms.mix");
        String text = Files.readString(MIX);
        assertThat(text).contains("${client%10}");
        Files.writeString(twoRooms, text.replace("${client%10}", "${client%2}"));
        TetherServer server = ChatServer.start("127.0.0.1", 0);
        try {
            LoadPlan plan = LoadPlan.builder()
                    .targets(List.of(new InetSocketAddress("127.0.0.1", server.port())))
                    .clients(20).connectRate(1_000).rate(100)
                    .warmup(Duration.ofMillis(500)).duration(Duration.ofSeconds(2))
                    .mix(RequestMix.read(twoRooms, RequestMix.DEFAULT_SEED))
                    .build();
            StringWriter live = new StringWriter();

            RunResult result = LoadRun.run(plan, new PrintWriter(live, true));

            assertThat(result.outcome()).as(live.toString()).isEqualTo(RunResult.Outcome.COMPLETED);
            RunReport r = result.report();
            // Every client joined its room once, before the timed load.
            assertThat(live.toString()).contains("Setup: 20 clients x 1 setup entry: 20 ok, 0 failed");
            assertThat(r.counter("setup.ok")).isEqualTo(20);
            assertThat(r.counter("setup.failed")).isZero();
            // The timed load is says only (the setup entry is not chosen by weight), all of them answered.
            MixReport.Entry say = r.mix().entries().get(0);
            assertThat(r.mix().entries()).extracting(MixReport.Entry::name).containsExactly("say");
            assertThat(say.errors()).isZero();
            assertThat(say.completed()).isPositive();
            // Each say reaches the ten members of its room (the sayer too), so the rooms are two of ten: one room of
            // twenty would deliver twenty a say, rooms of one only one. The bounds leave room for a loaded machine:
            // deliveries of warm-up says (and of the joins) may arrive in the measured period, and the last ones may
            // still be on their way when the run ends.
            Histogram pushes = r.histogram(Metric.PUSH);
            Histogram warmUp = r.warmupHistogram(Metric.LATENCY);
            long warmUpSays = warmUp == null ? 0 : warmUp.getTotalCount();
            long joinPushes = 2 * (10 * 11 / 2); // each join is announced to the members so far
            assertThat(pushes).as("push latency recorded in mode rate").isNotNull();
            assertThat(pushes.getTotalCount()).isBetween(5 * say.completed(), 10 * (say.completed() + warmUpSays) + joinPushes);
            assertThat(pushes.getMaxValue()).isPositive();
        } finally {
            server.close();
        }
    }
}
