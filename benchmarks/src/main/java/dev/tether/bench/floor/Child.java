package dev.tether.bench.floor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child process: an {@link Agent} JVM (commands in, one {@code @@} answer line out) or any other program
 * (nats-server) whose CPU time we only read. {@link #close()} stops it, by its own pid, within seconds.
 */
final class Child implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Writer stdin;
    private final Path log;
    private final boolean agent;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();

    /** The children not closed yet: if the orchestrator is stopped (Ctrl-C), a shutdown hook stops them. */
    private static final java.util.Set<Process> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "floor-children"));
    }

    private Child(String name, List<String> command, Path log, boolean agent) throws IOException {
        this.name = name;
        this.agent = agent;
        this.log = log;
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        process = pb.start();
        LIVE.add(process);
        stdin = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readAnswers, name + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts an {@link Agent} in a new JVM (this JVM's {@code java} and class path) with {@code jvmOptions};
     * {@code {log}} in an option becomes the log directory and {@code {name}} this child's name, e.g.
     * {@code -XX:StartFlightRecording=filename={log}/{name}.jfr,settings=profile}.
     */
    static Child agent(String name, Path logDir, List<String> jvmOptions) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String option : jvmOptions) {
            cmd.add(option.replace("{log}", logDir.toString()).replace("{name}", name));
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Agent.class.getName());
        return new Child(name, cmd, logDir.resolve(name + ".log"), true);
    }

    /** Starts any program; its output goes to the log. */
    static Child program(String name, Path logDir, String... command) throws IOException {
        return new Child(name, List.of(command), logDir.resolve(name + ".log"), false);
    }

    private void readAnswers() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("@@ ")) {
                    answers.add(line.substring(3));
                } else {
                    Files.writeString(log, line + "\n", StandardCharsets.UTF_8,
                            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                }
            }
        } catch (IOException e) {
            // the process ended; call() notices by its timeout or the process state
        }
    }

    /** Sends one command and waits (at most {@code timeoutSeconds}) for its answer. */
    Map<String, String> call(long timeoutSeconds, String command) throws Exception {
        stdin.write(command + "\n");
        stdin.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        String answer = null;
        while (answer == null) {
            answer = answers.poll(200, TimeUnit.MILLISECONDS);
            if (answer == null && (!process.isAlive() || System.nanoTime() > deadline)) {
                throw new IllegalStateException(name + ": no answer to '" + command + "' ("
                        + (process.isAlive() ? "timed out after " + timeoutSeconds + " s" : "process exited") + "); see " + log);
            }
        }
        if (answer.startsWith("ERR")) {
            throw new IllegalStateException(name + ": '" + command + "' failed: " + answer + "; see " + log);
        }
        Map<String, String> values = new HashMap<>();
        for (String kv : answer.split(" ")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                values.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return values;
    }

    long pid() {
        return process.pid();
    }

    /** utime + stime of the process from /proc, in nanoseconds (Linux; resolution one clock tick). */
    long procCpuNanos() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
        return ticks * (1_000_000_000L / CLOCK_TICKS);
    }

    /** USER_HZ; 100 on every Linux this runs on. */
    private static final long CLOCK_TICKS = 100;

    @Override
    public void close() {
        try {
            stdin.write("quit\n");
            stdin.flush();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!agent || !process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            LIVE.remove(process);
        }
    }
}
