package dev.tether.bench.floor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The NATS side of a floor round (optional, {@code --nats}; the jnats commands are compiled only with
 * {@code -Pbench,nats}): a fresh nats-server, a JVM holding the publisher and the request responder (one jnats
 * connection), and a client JVM with as many jnats connections as Tether's load rows use, each subscribed to
 * the push subject. Push fan-out: nats-server's CPU per delivery at the same deliveries/s as Tether's row.
 * Request/reply: one request in flight per connection through nats-server to the responder and back (two hops
 * where Tether has one: its server answers itself).
 */
final class NatsSession {
    private final Floor floor;
    private final Floor.Plan plan;
    private final Path logs;
    private final String natsServer;
    private final int round;

    NatsSession(Floor floor, Floor.Plan plan, Path logs, String natsServer, int round) {
        this.floor = floor;
        this.plan = plan;
        this.logs = logs;
        this.natsServer = natsServer;
        this.round = round;
    }

    Map<String, Double> run() throws Exception {
        Map<String, Double> r = new LinkedHashMap<>();
        int port = freePort();
        try (Child server = Child.program("nats-server-" + round, logs, natsServer, "-a", "127.0.0.1", "-p", Integer.toString(port));
             Child pub = floor.agent("nats-pub-" + round, "-Xmx1g");
             Child client = floor.agent("nats-client-" + round, "-Xmx2g")) {
            awaitListening(port);
            pub.call(60, "natsconnect " + port);
            pub.call(60, "natsrespond");
            client.call(600, "natsclients " + port + " " + plan.loadConnections());

            client.call(120, "natsclosed " + plan.payload() + " " + plan.warmupSeconds());
            long s0 = server.procCpuNanos();
            long q0 = (long) Floor.num(pub.call(30, "cpu"), "cpu");
            Map<String, String> closed = client.call(120, "natsclosed " + plan.payload() + " " + plan.closedSeconds());
            long s1 = server.procCpuNanos();
            long q1 = (long) Floor.num(pub.call(30, "cpu"), "cpu");
            double requests = Floor.num(closed, "requests");
            r.put("natsClientCpuRequest", Floor.num(closed, "cpu") / requests / 1000);
            r.put("natsAllocRequest", Floor.num(closed, "alloc") / requests);
            r.put("natsServerCpuRequest", (s1 - s0) / requests / 1000);
            r.put("natsResponderCpuRequest", (q1 - q0) / requests / 1000);
            r.put("natsClosedThroughput", requests * 1e9 / Floor.num(closed, "nanos"));
            r.put("natsClosedErrors", Floor.num(closed, "errors"));

            long w0 = Floor.pushCount(client, "natspushes");
            Map<String, String> warmPush = pub.call(120, "natspush " + plan.pushesPerSecond() + " " + plan.warmupSeconds() + " " + plan.payload());
            long p0 = Floor.awaitPushes(client, "natspushes", w0, (long) Floor.num(warmPush, "broadcasts") * plan.loadConnections());
            long c0 = server.procCpuNanos();
            Map<String, String> push = pub.call(120, "natspush " + plan.pushesPerSecond() + " " + plan.rateSeconds() + " " + plan.payload());
            long c1 = server.procCpuNanos();
            long p1 = Floor.awaitPushes(client, "natspushes", p0, (long) Floor.num(push, "broadcasts") * plan.loadConnections());
            double delivered = p1 - p0;
            r.put("natsPushServerCpu", (c1 - c0) / delivered / 1000);
            r.put("natsPushCore", 100 * (c1 - c0) / Floor.num(push, "nanos"));
            r.put("natsPushDelivered", delivered / (Floor.num(push, "nanos") / 1e9));
        }
        return r;
    }

    static void printTable(List<Map<String, Double>> nats, List<Map<String, Double>> tether, Floor.Plan plan) {
        System.out.printf(Locale.ROOT, "%nTether vs NATS (nats-server + jnats), medians; ratio = Tether / NATS%n%n");
        System.out.println("| measure | NATS | Tether | ratio | aim |");
        System.out.println("|---|---:|---:|---:|---|");
        row("push fan-out at " + String.format(Locale.ROOT, "%,.0f", plan.pushesPerSecond() * plan.loadConnections())
                + " deliveries/s, server CPU per delivery", "%.2f us", Floor.median(nats, "natsPushServerCpu"),
                Floor.median(tether, "pushServerCpu"), "at most 1.00x: "
                        + (Floor.median(tether, "pushServerCpu") <= Floor.median(nats, "natsPushServerCpu") ? "yes" : "no"));
        row("push fan-out, server CPU in % of a core", "%.1f%%", Floor.median(nats, "natsPushCore"), Floor.median(tether, "pushCore"), "");
        row("push deliveries/s achieved", "%,.0f", Floor.median(nats, "natsPushDelivered"), Floor.median(tether, "pushDelivered"), "");
        row("request/reply, client CPU per request, " + plan.loadConnections() + " connections x 1", "%.2f us",
                Floor.median(nats, "natsClientCpuRequest"), Floor.median(tether, "clientCpuRequest"), "");
        row("request/reply, server CPU per request (NATS: nats-server only)", "%.2f us",
                Floor.median(nats, "natsServerCpuRequest"), Floor.median(tether, "serverCpuRequest"), "");
        row("request/reply, NATS responder CPU per request", "%.2f us", Floor.median(nats, "natsResponderCpuRequest"), Double.NaN, "");
        row("request/reply, allocation per request, client process", "%,.0f B", Floor.median(nats, "natsAllocRequest"),
                Floor.median(tether, "allocRequest"), "");
        row("request/reply, closed-loop throughput", "%,.0f/s", Floor.median(nats, "natsClosedThroughput"),
                Floor.median(tether, "closedThroughput"), "");
    }

    private static void row(String label, String format, double nats, double tether, String aim) {
        System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", label, String.format(Locale.ROOT, format, nats),
                Double.isNaN(tether) ? "-" : String.format(Locale.ROOT, format, tether),
                Double.isNaN(tether) ? "-" : String.format(Locale.ROOT, "%.2fx", tether / nats), aim);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void awaitListening(int port) throws Exception {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("nats-server did not listen on " + port + " within 15 s", e);
                }
                Thread.sleep(100);
            }
        }
    }
}
