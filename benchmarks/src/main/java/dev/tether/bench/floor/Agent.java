package dev.tether.bench.floor;

import dev.tether.server.ReferenceServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One child process of a {@link Floor} session, driven line by line over stdin: a server (Tether's reference
 * server or {@link BareServer}) or a set of clients ({@link SdkClients} or {@link BareClients}). Each command
 * is answered by exactly one line starting with {@code @@} ({@code @@ key=value ...} or {@code @@ ERR text});
 * nothing else this process prints starts so. The process exits when stdin closes, so an orchestrator that
 * dies takes its children with it.
 */
public final class Agent {
    /** More commands, in a module compiled only with its own profile (the NATS side-by-side). */
    public interface Extension {
        /** Answers {@code command}, or returns null if it is not one of this extension's. */
        Map<String, Object> handle(String[] command) throws Exception;

        void close() throws Exception;
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private ReferenceServer tether;
    private BareServer bare;
    private ClientSet clients;
    private Extension extension;

    private Agent() {
    }

    public static void main(String[] args) throws Exception {
        Agent agent = new Agent();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            for (String line; (line = in.readLine()) != null; ) {
                String[] cmd = line.trim().split("\\s+");
                if (cmd[0].equals("quit")) {
                    break;
                }
                String answer;
                try {
                    answer = format(agent.handle(cmd));
                } catch (Throwable t) {
                    t.printStackTrace();
                    answer = "ERR " + t;
                }
                System.out.println("@@ " + answer.replace('\n', ' '));
                System.out.flush();
            }
        } finally {
            agent.shutdown();
        }
        System.exit(0);
    }

    private static String format(Map<String, Object> values) {
        StringBuilder b = new StringBuilder();
        values.forEach((k, v) -> b.append(k).append('=').append(v).append(' '));
        return b.toString().trim();
    }

    /** CPU time of this process (all threads, JIT and GC included), in nanoseconds. */
    public static long cpuNanos() {
        return OS.getProcessCpuTime();
    }

    /**
     * CPU time the whole machine spent busy (every process, from {@code /proc/stat}: all but idle and iowait),
     * in nanoseconds, or -1 where that file is missing or unreadable. A floor row compares two sessions run
     * one after the other; what other processes took meanwhile tells whether they ran on the same machine.
     */
    static long machineBusyNanos() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy * 10_000_000L; // USER_HZ = 100 ticks per second on Linux
        } catch (Exception | Error e) {
            return -1;
        }
    }

    private Map<String, Object> handle(String[] c) throws Exception {
        Map<String, Object> out = new HashMap<>();
        switch (c[0]) {
            case "serve" -> { // serve tether|bare ioThreads
                int threads = Integer.parseInt(c[2]);
                if (c[1].equals("tether")) {
                    tether = ReferenceServer.builder().host("127.0.0.1").port(0).eventLoopThreads(threads).start();
                    out.put("port", tether.port());
                } else {
                    bare = new BareServer("127.0.0.1", 0, threads);
                    out.put("port", bare.port());
                }
            }
            case "cpu" -> out.put("cpu", cpuNanos());
            case "heap" -> out.put("heap", usedHeapAfterGc());
            case "push" -> push(Double.parseDouble(c[1]), Double.parseDouble(c[2]), Integer.parseInt(c[3]), out);
            case "clients" -> { // clients sdk|bare port ioThreads
                if (clients != null) {
                    clients.close();
                }
                clients = newClients(c[1], Integer.parseInt(c[2]), Integer.parseInt(c[3]));
            }
            case "warmup" -> warmUp(c[1], Integer.parseInt(c[2]));
            case "connect" -> connect(clients, Integer.parseInt(c[1]), Integer.parseInt(c[2]), out);
            case "close" -> {
                out.put("closed", clients.size());
                clients.closeAll();
            }
            case "closed" -> closedLoop(Integer.parseInt(c[1]), Double.parseDouble(c[2]), out);
            case "rate" -> fixedRate(Double.parseDouble(c[1]), Integer.parseInt(c[2]), Double.parseDouble(c[3]), out);
            case "pushes" -> out.put("pushes", clients.pushes());
            default -> {
                Map<String, Object> answer = extension().handle(c);
                if (answer == null) {
                    throw new IllegalArgumentException("unknown command: " + String.join(" ", c));
                }
                return answer;
            }
        }
        return out;
    }

    private Extension extension() throws Exception {
        if (extension == null) {
            try {
                extension = (Extension) Class.forName("dev.tether.bench.nats.NatsCommands").getDeclaredConstructor().newInstance();
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("the NATS side-by-side is not in this jar: build with -Pbench,nats");
            }
        }
        return extension;
    }

    private static ClientSet newClients(String kind, int port, int threads) {
        return kind.equals("sdk") ? new SdkClients("127.0.0.1", port, threads) : new BareClients("127.0.0.1", port, threads);
    }

    /** Opens and closes {@code n} connections of {@code kind} to a throwaway bare server in this process, twice. */
    private static void warmUp(String kind, int n) throws Exception {
        try (BareServer server = new BareServer("127.0.0.1", 0, 1); ClientSet set = newClients(kind, server.port(), 2)) {
            for (int round = 0; round < 2; round++) {
                connect(set, n, 100, new HashMap<>());
                set.closeAll();
            }
        }
    }

    /** Opens {@code n} more connections with at most {@code window} handshakes in flight. */
    static void connect(ClientSet set, int n, int window, Map<String, Object> out) throws Exception {
        Semaphore permits = new Semaphore(window);
        LongAdder ok = new LongAdder();
        LongAdder failed = new LongAdder();
        long cpu0 = cpuNanos();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            if (!permits.tryAcquire(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no handshake completed for 60 s");
            }
            set.open().whenComplete((v, t) -> {
                (t == null ? ok : failed).increment();
                permits.release();
            });
        }
        if (!permits.tryAcquire(window, 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("handshakes still in flight after 60 s");
        }
        long nanos = System.nanoTime() - t0;
        out.put("ok", ok.sum());
        out.put("failed", failed.sum());
        out.put("nanos", nanos);
        out.put("cpu", cpuNanos() - cpu0);
    }

    /** One request in flight per connection, re-issued from each response; CPU and allocation per request. */
    private void closedLoop(int payloadBytes, double seconds, Map<String, Object> out) throws Exception {
        byte[] payload = new byte[payloadBytes];
        Recorder latency = new Recorder(3);
        LongAdder completed = new LongAdder();
        LongAdder errors = new LongAdder();
        LongAdder issued = new LongAdder();
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        ClientSet set = clients;
        ClientSet.Completion[] completion = new ClientSet.Completion[1];
        completion[0] = (conn, tag, ok) -> {
            latency.recordValue(System.nanoTime() - tag);
            if (!ok) {
                errors.increment();
            }
            completed.increment();
            if (running.get()) {
                issued.increment();
                set.request(conn, payload, System.nanoTime(), completion[0]);
            }
        };
        for (int i = 0; i < set.size(); i++) {
            issued.increment();
            set.request(i, payload, System.nanoTime(), completion[0]);
        }
        Thread.sleep(200); // every connection busy before the window opens
        long cpu0 = cpuNanos();
        long machine0 = machineBusyNanos();
        long jit0 = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        Map<Long, Long> alloc0 = allocatedBytes();
        long done0 = completed.sum();
        latency.reset();
        long t0 = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        long done1 = completed.sum();
        long cpu1 = cpuNanos();
        long machine1 = machineBusyNanos();
        long jit1 = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        Map<Long, Long> alloc1 = allocatedBytes();
        long nanos = System.nanoTime() - t0;
        Histogram h = latency.getIntervalHistogram();
        running.set(false);
        awaitEqual(completed, issued);
        long requests = done1 - done0;
        long allocated = allocatedBetween(alloc0, alloc1);
        out.put("requests", requests);
        out.put("nanos", nanos);
        out.put("cpu", cpu1 - cpu0);
        out.put("machineBusy", machine0 < 0 || machine1 < 0 ? -1 : machine1 - machine0);
        out.put("jitMillis", jit1 - jit0);
        out.put("alloc", allocated);
        out.put("errors", errors.sum());
        out.put("p50", h.getValueAtPercentile(50));
        out.put("p99", h.getValueAtPercentile(99));
    }

    /** Requests at {@code perSecond} spread round-robin over the connections; latency from the intended send time. */
    private void fixedRate(double perSecond, int payloadBytes, double seconds, Map<String, Object> out) throws Exception {
        byte[] payload = new byte[payloadBytes];
        Recorder latency = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);
        LongAdder completed = new LongAdder();
        LongAdder errors = new LongAdder();
        LongAdder sent = new LongAdder();
        ClientSet set = clients;
        ClientSet.Completion completion = (conn, intended, ok) -> {
            latency.recordValue(Math.min(System.nanoTime() - intended, TimeUnit.SECONDS.toNanos(60)));
            if (!ok) {
                errors.increment();
            }
            completed.increment();
        };
        double period = 1e9 / perSecond;
        long total = (long) (perSecond * seconds);
        long late = 0;
        int n = set.size();
        long cpu0 = cpuNanos();
        long t0 = System.nanoTime();
        for (long i = 0; i < total; ) {
            long now = System.nanoTime();
            long due = t0 + (long) (i * period);
            if (due > now) {
                LockSupport.parkNanos(Math.max(due - now, 100_000)); // a tick of at least 0.1 ms, as loadtool's pacer
                continue;
            }
            while (i < total && t0 + (long) (i * period) <= now) { // everything that fell due, in one batch
                long intended = t0 + (long) (i * period);
                if (now - intended > 10_000_000) {
                    late++;
                }
                sent.increment();
                set.request((int) (i % n), payload, intended, completion);
                i++;
            }
        }
        awaitEqual(completed, sent);
        long cpu1 = cpuNanos();
        long nanos = System.nanoTime() - t0;
        Histogram h = latency.getIntervalHistogram();
        out.put("sent", sent.sum());
        out.put("completed", completed.sum());
        out.put("errors", errors.sum());
        out.put("late", late);
        out.put("nanos", nanos);
        out.put("cpu", cpu1 - cpu0);
        out.put("p50", h.getValueAtPercentile(50));
        out.put("p99", h.getValueAtPercentile(99));
        out.put("p999", h.getValueAtPercentile(99.9));
    }

    /** Broadcasts {@code perSecond} pushes of {@code size} bytes to every connection for {@code seconds}. */
    private void push(double perSecond, double seconds, int size, Map<String, Object> out) {
        byte[] payload = new byte[size];
        double period = 1e9 / perSecond;
        long total = (long) (perSecond * seconds);
        long cpu0 = cpuNanos();
        long t0 = System.nanoTime();
        for (long i = 0; i < total; i++) {
            long due = t0 + (long) (i * period);
            for (long now; (now = System.nanoTime()) < due; ) {
                LockSupport.parkNanos(due - now);
            }
            if (tether != null) {
                tether.broadcast(null, payload);
            } else {
                bare.broadcast(payload);
            }
        }
        out.put("broadcasts", total);
        out.put("nanos", System.nanoTime() - t0);
        out.put("cpu", cpuNanos() - cpu0);
    }

    private static void awaitEqual(LongAdder a, LongAdder b) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (a.sum() < b.sum() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    /** Bytes allocated so far by each live thread, by thread id. */
    public static Map<Long, Long> allocatedBytes() {
        long[] ids = THREADS.getAllThreadIds();
        long[] bytes = THREADS.getThreadAllocatedBytes(ids);
        Map<Long, Long> m = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            m.put(ids[i], bytes[i]);
        }
        return m;
    }

    /** Bytes allocated between two {@link #allocatedBytes()} snapshots by the threads alive at both. */
    public static long allocatedBetween(Map<Long, Long> before, Map<Long, Long> after) {
        long allocated = 0;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            Long b = before.get(e.getKey());
            if (b != null && e.getValue() >= 0 && b >= 0) {
                allocated += e.getValue() - b;
            }
        }
        return allocated;
    }

    static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(200);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private void shutdown() {
        List<AutoCloseable> all = new ArrayList<>();
        if (clients != null) {
            all.add(clients);
        }
        if (extension != null) {
            all.add(extension::close);
        }
        if (tether != null) {
            all.add(tether::closeNow);
        }
        if (bare != null) {
            all.add(bare);
        }
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }
    }
}
