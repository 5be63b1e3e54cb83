package dev.tether.loadtool.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.loadtool.ExitCodes;
import dev.tether.loadtool.LoadTool;
import dev.tether.loadtool.report.HlogReader;
import dev.tether.loadtool.report.RunReport;
import dev.tether.server.ReferenceServer;
import dev.tether.server.SessionInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The shard contract end to end, as a Kubernetes Indexed Job would run it: three worker processes (child JVMs of
 * the loadtool main class) started with the same options, {@code --shard /3} and {@code JOB_COMPLETION_INDEX} set,
 * one {@code --start-at}, against one reference server; then {@code loadtool report} merges their logs. Each worker
 * runs in its own network namespace when this machine allows it (root and {@code ip netns}), as separate hosts
 * would; otherwise all share loopback, and the test says so.
 */
class ShardedRunTest {
    private static final int SHARDS = 3;
    private static final int CLIENTS = 300;
    /** Everything the workers do must fit in this, JVM start included. */
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void threeShardsMergeIntoOneRunWithUniqueClients() throws Exception {
        List<Process> workers = new ArrayList<>();
        try (NetworkNamespaces ns = NetworkNamespaces.create(SHARDS);
             ReferenceServer server = ReferenceServer.builder().host(ns != null ? ns.serverAddress() : "127.0.0.1").port(0).start()) {
            System.out.println(ns == null
                    ? "ShardedRunTest: no network namespaces (" + NetworkNamespaces.unavailable + "): the workers share loopback"
                    : "ShardedRunTest: each worker in its own network namespace, the server on " + ns.serverAddress());
            String target = server.address().getHostString() + ":" + server.port();
            // Time for each worker's JVM to start and its clients to be built and warmed up, which come before the start
            // time, on a loaded machine.
            Instant startAt = Instant.now().plusSeconds(10);
            for (int k = 0; k < SHARDS; k++) {
                List<String> command = new ArrayList<>(ns != null ? ns.exec(k) : List.of());
                command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", System.getProperty("java.class.path"),
                        "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", LoadTool.class.getName(),
                        "run", "--target", target, "--clients", "" + CLIENTS, "--rate", "600", "--warmup", "1s", "--duration", "3s",
                        "--io-threads", "1", "--shard", "/" + SHARDS, "--start-at", startAt.toString(),
                        "--hlog", dir.resolve("shard-" + k + ".hlog").toString()));
                ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("worker-" + k + ".out").toFile());
                pb.environment().put(Shard.INDEX_VARIABLE, "" + k);
                workers.add(pb.start());
            }

            // While the shards hold their clients: which client ids, from which addresses, all at one moment.
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            Set<String> idsSeen = new HashSet<>();
            int mostAtOnce = 0;
            Map<String, Long> byAddressAtMost = Map.of();
            while (System.nanoTime() < deadline && workers.stream().anyMatch(Process::isAlive)) {
                List<SessionInfo> open = server.sessions().stream()
                        .filter(s -> s.state() == SessionInfo.State.OPEN && !s.clientId().startsWith("loadtool-warmup-"))
                        .toList();
                open.forEach(s -> idsSeen.add(s.clientId()));
                if (open.size() > mostAtOnce) {
                    mostAtOnce = open.size();
                    assertThat(open.stream().map(SessionInfo::clientId).distinct().count()).as("ids of open sessions are distinct")
                            .isEqualTo(open.size());
                    byAddressAtMost = open.stream().collect(Collectors.groupingBy(
                            s -> ((InetSocketAddress) s.remoteAddress()).getAddress().getHostAddress(), Collectors.counting()));
                }
                Thread.sleep(20); // a poll interval, bounded by the deadline
            }
            for (int k = 0; k < SHARDS; k++) {
                Process w = workers.get(k);
                long left = Math.max(1, deadline - System.nanoTime());
                assertThat(w.waitFor(left, TimeUnit.NANOSECONDS)).as("worker %d ended in time:%n%s", k, output(k)).isTrue();
                assertThat(w.exitValue()).as("worker %d:%n%s", k, output(k)).isZero();
                assertThat(output(k)).contains("Shard " + k + "/" + SHARDS);
            }

            Set<String> expected = new HashSet<>();
            for (int i = 0; i < CLIENTS; i++) {
                expected.add("loadtool-" + i);
            }
            assertThat(idsSeen).isEqualTo(expected);
            assertThat(mostAtOnce).isEqualTo(CLIENTS);
            if (ns != null) {
                Map<String, Long> perHost = new HashMap<>();
                for (int k = 0; k < SHARDS; k++) {
                    perHost.put(ns.address(k), (long) CLIENTS / SHARDS);
                }
                assertThat(byAddressAtMost).as("each shard connects from its own namespace").isEqualTo(perHost);
            }
        } finally {
            for (Process w : workers) {
                w.destroyForcibly();
            }
            for (Process w : workers) {
                w.waitFor(10, TimeUnit.SECONDS);
            }
        }

        List<Path> logs = new ArrayList<>();
        for (int k = 0; k < SHARDS; k++) {
            logs.add(dir.resolve("shard-" + k + ".hlog"));
        }
        RunReport merged = HlogReader.read(logs);
        assertThat(merged.counter(RunReport.CLIENTS_TARGET)).isEqualTo(CLIENTS);
        assertThat(merged.counter(RunReport.CLIENTS_CONNECTED)).isEqualTo(CLIENTS);
        assertThat(merged.counter(RunReport.CONNECT_FAILURES)).isZero();
        assertThat(merged.errors()).isZero();
        assertThat(merged.histogram(dev.tether.loadtool.report.Metric.LATENCY).getTotalCount())
                .isEqualTo(merged.counter(RunReport.OPS_COMPLETED)).isPositive();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CommandLine cl = LoadTool.newCommandLine();
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(out, true, StandardCharsets.UTF_8));
        int code = cl.execute(concat(new String[] {"report", "--slo", "connected>=100%", "--slo", "errors.count<=0"},
                logs.stream().map(Path::toString).toArray(String[]::new)));
        assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isEqualTo(ExitCodes.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Merged shards: 3 of 3 of plan");
    }

    private String output(int k) {
        try {
            return Files.readString(dir.resolve("worker-" + k + ".out"));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    private static String[] concat(String[] head, String... tail) {
        String[] all = new String[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }
}
