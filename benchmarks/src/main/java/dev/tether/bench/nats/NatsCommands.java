package dev.tether.bench.nats;

import dev.tether.bench.floor.Agent;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The NATS commands of a floor {@link Agent} (compiled only with {@code -Pbench,nats}): a publisher and
 * request responder on one jnats connection, or many jnats connections that count pushes and run a
 * request/reply closed loop.
 */
public final class NatsCommands implements Agent.Extension {
    static final String PUSH_SUBJECT = "floor.push";
    static final String ECHO_SUBJECT = "floor.echo";

    private Connection publisher;
    private final List<Connection> clients = new ArrayList<>();
    private final LongAdder pushes = new LongAdder();

    @Override
    public Map<String, Object> handle(String[] c) throws Exception {
        Map<String, Object> out = new HashMap<>();
        switch (c[0]) {
            case "natsconnect" -> publisher = connect(Integer.parseInt(c[1]));
            case "natsrespond" -> {
                Connection conn = publisher;
                Dispatcher d = conn.createDispatcher(m -> conn.publish(m.getReplyTo(), m.getData()));
                d.subscribe(ECHO_SUBJECT);
                conn.flush(Duration.ofSeconds(10));
            }
            case "natspush" -> push(Double.parseDouble(c[1]), Double.parseDouble(c[2]), Integer.parseInt(c[3]), out);
            case "natsclients" -> {
                int port = Integer.parseInt(c[1]);
                int n = Integer.parseInt(c[2]);
                for (int i = 0; i < n; i++) {
                    Connection conn = connect(port);
                    clients.add(conn);
                    conn.createDispatcher(m -> pushes.increment()).subscribe(PUSH_SUBJECT);
                }
                for (Connection conn : clients) {
                    conn.flush(Duration.ofSeconds(10)); // every subscription is known to the server
                }
                out.put("clients", clients.size());
            }
            case "natspushes" -> out.put("pushes", pushes.sum());
            case "natsclosed" -> closedLoop(Integer.parseInt(c[1]), Double.parseDouble(c[2]), out);
            default -> {
                return null;
            }
        }
        return out;
    }

    private static Connection connect(int port) throws Exception {
        return Nats.connect(new Options.Builder().server("nats://127.0.0.1:" + port).build());
    }

    private void push(double perSecond, double seconds, int size, Map<String, Object> out) throws Exception {
        byte[] payload = new byte[size];
        double period = 1e9 / perSecond;
        long total = (long) (perSecond * seconds);
        long cpu0 = Agent.cpuNanos();
        long t0 = System.nanoTime();
        for (long i = 0; i < total; i++) {
            long due = t0 + (long) (i * period);
            for (long now; (now = System.nanoTime()) < due; ) {
                LockSupport.parkNanos(due - now);
            }
            publisher.publish(PUSH_SUBJECT, payload);
        }
        publisher.flush(Duration.ofSeconds(10));
        out.put("broadcasts", total);
        out.put("nanos", System.nanoTime() - t0);
        out.put("cpu", Agent.cpuNanos() - cpu0);
    }

    private void closedLoop(int payloadBytes, double seconds, Map<String, Object> out) throws Exception {
        byte[] payload = new byte[payloadBytes];
        Recorder latency = new Recorder(3);
        LongAdder completed = new LongAdder();
        LongAdder errors = new LongAdder();
        LongAdder issued = new LongAdder();
        AtomicBoolean running = new AtomicBoolean(true);
        for (Connection conn : clients) {
            issue(conn, payload, latency, completed, errors, issued, running);
        }
        Thread.sleep(200);
        long cpu0 = Agent.cpuNanos();
        Map<Long, Long> alloc0 = Agent.allocatedBytes();
        long done0 = completed.sum();
        latency.reset();
        long t0 = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        long done1 = completed.sum();
        long cpu1 = Agent.cpuNanos();
        Map<Long, Long> alloc1 = Agent.allocatedBytes();
        long nanos = System.nanoTime() - t0;
        Histogram h = latency.getIntervalHistogram();
        running.set(false);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (completed.sum() < issued.sum() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        out.put("requests", done1 - done0);
        out.put("nanos", nanos);
        out.put("cpu", cpu1 - cpu0);
        out.put("alloc", Agent.allocatedBetween(alloc0, alloc1));
        out.put("errors", errors.sum());
        out.put("p50", h.getValueAtPercentile(50));
    }

    private static void issue(Connection conn, byte[] payload, Recorder latency, LongAdder completed, LongAdder errors,
                              LongAdder issued, AtomicBoolean running) {
        issued.increment();
        long start = System.nanoTime();
        conn.request(ECHO_SUBJECT, payload).whenComplete((m, t) -> {
            latency.recordValue(System.nanoTime() - start);
            if (t != null) {
                errors.increment();
            }
            completed.increment();
            if (running.get()) {
                issue(conn, payload, latency, completed, errors, issued, running);
            }
        });
    }

    @Override
    public void close() throws Exception {
        for (Connection conn : clients) {
            conn.close();
        }
        if (publisher != null) {
            publisher.close();
        }
    }
}
