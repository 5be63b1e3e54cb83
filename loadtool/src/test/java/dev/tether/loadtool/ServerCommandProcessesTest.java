package dev.tether.loadtool;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.client.ClientConfig;
import dev.tether.client.ClientResources;
import dev.tether.client.TetherClient;
import dev.tether.loadtool.run.ServerProcesses;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code loadtool server --processes 2}: two real child JVMs on one loopback port, one merged stats line, one stop
 * for all of them, and a child that dies reported.
 */
@org.junit.jupiter.api.Timeout(180) // a reader blocked on a child that never speaks must not hang the build
class ServerCommandProcessesTest {
    /** Two JVMs starting on a busy 2-core machine take their time; every wait polls until this deadline. */
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(90);

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final List<TetherClient> clients = new ArrayList<>();
    private ClientResources resources;
    private ServerCommand command;
    private CompletableFuture<Integer> exit;

    @AfterEach
    void stopEverything() throws Exception {
        for (TetherClient c : clients) {
            c.close();
        }
        if (resources != null) {
            resources.close();
        }
        if (command != null && command.children != null) {
            command.stopRequested.complete(null);
            exit.get(60, SECONDS);
            command.children.kill(); // no-op when they are gone; never leave a JVM behind
        }
    }

    private ServerProcesses start(String... extra) throws Exception {
        CommandLine cl = LoadTool.newCommandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        command = cl.getSubcommands().get("server").getCommand();
        command.installSignalHandlers = false;
        List<String> args = new ArrayList<>(List.of("server", "--host", "127.0.0.1", "--port", "0", "--processes", "2",
                "--io-threads", "1"));
        args.addAll(List.of(extra));
        exit = CompletableFuture.supplyAsync(() -> cl.execute(args.toArray(new String[0])));
        return command.childrenStarted.get(WAIT_NANOS, TimeUnit.NANOSECONDS);
    }

    private void connect(int n, int port) throws Exception {
        resources = ClientResources.create(1);
        for (int i = 0; i < n; i++) {
            TetherClient c = TetherClient.builder().config(ClientConfig.builder().endpoint("127.0.0.1", port).clientId("c" + i).build())
                    .resources(resources).build();
            clients.add(c);
            c.connect().get(30, SECONDS);
        }
    }

    private void awaitOutput(Predicate<String> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!condition.test(out.toString())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within 90 s; output:\n" + out + "\nerrors:\n" + err);
            }
            Thread.sleep(50); // polling the output, not waiting for a time to pass
        }
    }

    /** Reads lines until one matches (true) or the stream ends (false). */
    private static boolean readUntil(java.io.BufferedReader lines, Predicate<String> match) throws java.io.IOException {
        for (String l; (l = lines.readLine()) != null; ) {
            if (match.test(l)) {
                return true;
            }
        }
        return false;
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void twoProcessesOnOnePortShowTheirConnectionsInOneLineAndStopTogether() throws Exception {
        ServerProcesses servers = start("--per-process");
        assertThat(servers.count()).isEqualTo(2);
        long pid1 = servers.pid(0);
        long pid2 = servers.pid(1);
        assertThat(out.toString()).contains("loadtool server listening on 127.0.0.1:" + servers.address().getPort()
                + " (2 processes sharing the port with SO_REUSEPORT, pids " + pid1 + " " + pid2);

        connect(6, servers.address().getPort());

        // The merged line counts the clients of both processes, however the kernel spread them.
        // The per-process lines are printed after the merged one: wait for them too, not only for the merged line.
        awaitOutput(o -> o.contains("conns=6 ") && o.contains("processes=2/2") && o.contains("  process 2 pid " + pid2 + ": conns="),
                "merged line with conns=6 and the per-process lines");
        String text = out.toString();
        assertThat(text).contains("  process 1 pid " + pid1 + ": conns=").contains("  process 2 pid " + pid2 + ": conns=");
        for (TetherClient c : clients) {
            c.close();
        }
        clients.clear();

        command.onSignal(); // what Ctrl-C does

        assertThat(exit.get(60, SECONDS)).as(out + "\n" + err).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).contains("draining: SIGTERM to 2 server processes").contains("stopped: conns=0 handshakes=6 ");
        assertThat(alive(pid1)).isFalse();
        assertThat(alive(pid2)).isFalse();
    }

    @Test
    void aProcessThatDiesIsReportedAndTheOtherGoesOnServing() throws Exception {
        ServerProcesses servers = start();
        long victim = servers.pid(0);

        ProcessHandle.of(victim).orElseThrow().destroyForcibly();

        awaitOutput(o -> o.contains("server process 1 of 2 (pid " + victim + ") exited with code 137; 1 of 2 still serving"),
                "report of the dead process");
        connect(2, servers.address().getPort()); // the survivor holds the port alone now
        awaitOutput(o -> o.contains("conns=2 ") && o.contains("processes=1/2"), "merged line of the survivor");

        command.stopRequested.complete(null);

        assertThat(exit.get(60, SECONDS)).as(out.toString()).isEqualTo(ExitCodes.RUN_FAILED);
        assertThat(out.toString()).contains("(1 of 2 processes had ended on their own)");
        assertThat(alive(servers.pid(1))).isFalse();
    }

    @Test
    void aSupervisedServerDrainsAndExitsWhenItsParentGoesAway() throws Exception {
        // As started by ServerProcesses; closing its standard input is what the parent's death does to it.
        Process child = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), LoadTool.class.getName(), "server", "--host", "127.0.0.1", "--port", "0",
                "--io-threads", "1", ServerProcesses.SUPERVISED_OPTION).redirectErrorStream(true).start();
        try (java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream()))) {
            // The test class path may make a library say something first (SLF4J): read up to the lines that matter.
            assertThat(readUntil(lines, l -> l.contains("loadtool server listening on 127.0.0.1:"))).isTrue();
            assertThat(readUntil(lines, l -> dev.tether.loadtool.run.SupervisedStats.parse(l) != null)).as("its counters").isTrue();

            child.getOutputStream().close();

            assertThat(child.waitFor(60, SECONDS)).as("exited after its input closed").isTrue();
            assertThat(child.exitValue()).isEqualTo(ExitCodes.OK);
            assertThat(lines.lines().toList()).anyMatch(l -> l.startsWith("draining:")).anyMatch(l -> l.startsWith("stopped:"));
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void fewerThanOneProcessIsAUsageError() {
        CommandLine cl = LoadTool.newCommandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        assertThat(cl.execute("server", "--processes", "0")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--processes must be at least 1: 0");
    }
}
